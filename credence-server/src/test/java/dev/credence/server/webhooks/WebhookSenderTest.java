package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.outbound.AllowedNetworks;
import dev.credence.server.testing.RawListener;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.WebhookReceiver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the sender says about each way a delivery can go, over real loopback connections. */
class WebhookSenderTest {
  private static final List<String> KEYS = List.of("crd_test_0123456789abcdef0123456789abcdef0123");

  /**
   * A name service knowing one name, which answers 127.0.0.1 once and 127.0.0.2 after, and reading
   * literal addresses as themselves.
   */
  private final AtomicInteger lookups = new AtomicInteger();

  private InetAddress[] rebinding(String host) throws UnknownHostException {
    if (host.matches("[0-9.]+")) {
      return new InetAddress[] {InetAddress.getByName(host)};
    }
    if (!host.equals("hooks.lender.test")) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {
      InetAddress.getByName(lookups.incrementAndGet() == 1 ? "127.0.0.1" : "127.0.0.2")
    };
  }

  private final WebhookSender sender =
      new WebhookSender(
          Duration.ofMillis(1500),
          Clock.systemUTC(),
          new AddressGuard(AllowedNetworks.parse("127.0.0.1/32"), this::rebinding));

  @AfterEach
  void stop() {
    sender.close();
  }

  @Test
  void aNameThatRebindsToARefusedAddressGetsNoSecondConnection() throws Exception {
    WebhookReceiver receiver = WebhookReceiver.start();
    int port = Integer.parseInt(receiver.url().split("[:/]+")[2]);
    String url = "http://hooks.lender.test:" + port + "/hooks";
    try {
      // The receiver listens on 127.0.0.1 only, and no real resolver knows the name: the request
      // can arrive only through the address the guard checked.
      WebhookSender.Answer first = sender.send(url, KEYS, "event-1", "{}");
      assertThat(first.statusCode()).as(first.error()).isEqualTo(200);
      assertThat(lookups).hasValue(1);
      assertThat(receiver.received()).hasSize(1);
    } finally {
      receiver.close(); // its connections close: the next send needs a new one
    }
    WebhookReceiver again = WebhookReceiver.onPort(port);
    try {
      Thread.sleep(200);
      WebhookSender.Answer second = sender.send(url, KEYS, "event-2", "{}");
      assertThat(lookups).as("one lookup per connection").hasValue(2);
      assertThat(second.addressRefused()).isTrue();
      assertThat(second.statusCode()).isNull();
      assertThat(second.error()).isEqualTo("address refused: loopback");
      assertThat(again.received()).isEmpty();
    } finally {
      again.close();
    }
  }

  @Test
  void aReceiverMayTakeTheWholeTimeOutEvenBeyondTheClientsOwnIdleTimeOut() {
    // The HTTP client closes a connection silent for 30 s by default: with a longer
    // CREDENCE_WEBHOOK_TIMEOUT_MS, a slow receiver's answer was cut short and the event sent twice.
    try (WebhookSender patient =
        new WebhookSender(
            Duration.ofSeconds(120),
            Clock.systemUTC(),
            new AddressGuard(AllowedNetworks.parse("127.0.0.1/32"), this::rebinding))) {
      assertThat(patient.idleTimeoutMillis()).isEqualTo(120_000);
    }
    assertThat(sender.idleTimeoutMillis()).isEqualTo(1500);
  }

  @Test
  void aPeerThatIsNotHttpIsNamedSoWithoutItsBytes() {
    byte[] garbage = "H2 exception XYZ\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    try (RawListener notHttp = RawListener.replying(garbage)) {
      WebhookSender.Answer answer =
          sender.send("http://127.0.0.1:" + notHttp.port() + "/", KEYS, "e", "{}");
      assertThat(answer.statusCode()).isNull();
      assertThat(answer.error()).isEqualTo("not an HTTP response");
      assertThat(answer.body()).isNull();
    }
  }

  @Test
  void aPeerThatClosesAtOnceIsNamedSo() {
    try (RawListener closing = RawListener.counting()) {
      WebhookSender.Answer answer =
          sender.send("http://127.0.0.1:" + closing.port() + "/", KEYS, "e", "{}");
      assertThat(answer.error()).isEqualTo("connection closed before an answer");
      // Jetty opens a new connection whenever one closes before the request was written, as often
      // as that race recurs (three times under load): how many it opens is the client's timing. A
      // request that was written is never sent twice, as the next test shows.
      assertThat(closing.accepted()).isPositive();
    }
  }

  @Test
  void aPeerThatTakesTheRequestAndClosesIsNamedSoAndGetsItOnce() {
    try (RawListener failing = RawListener.closingAfterTheRequest()) {
      WebhookSender.Answer answer =
          sender.send("http://127.0.0.1:" + failing.port() + "/", KEYS, "e", "{}");
      assertThat(answer.statusCode()).isNull();
      assertThat(answer.error()).isEqualTo("connection closed before an answer");
      assertThat(failing.accepted()).isEqualTo(1);
    }
  }

  @Test
  void eachFailureHasItsOwnWords() {
    int closedPort = RunningServer.freePort();
    assertThat(sender.send("http://127.0.0.1:" + closedPort + "/", KEYS, "e", "{}").error())
        .isEqualTo("connection refused");
    assertThat(sender.send("http://nowhere.lender.test/", KEYS, "e", "{}").error())
        .isEqualTo("host not found");
    WebhookSender.Answer refused =
        sender.send("http://127.0.0.3:" + closedPort + "/", KEYS, "e", "{}");
    assertThat(refused.error()).isEqualTo("address refused: loopback");
    assertThat(refused.addressRefused()).isTrue();

    byte[] plaintext = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    try (RawListener noTls = RawListener.replying(plaintext)) {
      assertThat(sender.send("https://127.0.0.1:" + noTls.port() + "/", KEYS, "e", "{}").error())
          .isEqualTo("TLS handshake failed");
    }

    WebhookReceiver plain = WebhookReceiver.start();
    try {

      plain.stall(1, Duration.ofSeconds(3));
      WebhookSender.Answer slow = sender.send(plain.url(), KEYS, "e", "{}");
      assertThat(slow.error()).isEqualTo("timed out after 1.5 s");
      assertThat(slow.latencyMs()).isBetween(1400, 2900);

      plain.answer(404);
      WebhookSender.Answer notFound = sender.send(plain.url(), KEYS, "e", "{}");
      assertThat(notFound.statusCode()).isEqualTo(404);
      assertThat(notFound.body()).isEqualTo("answered 404");
      assertThat(notFound.error()).isNull();
    } finally {
      plain.close();
    }
  }
}
