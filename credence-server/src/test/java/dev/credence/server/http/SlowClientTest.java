package dev.credence.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.RawSocket;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few slow or greedy sockets cannot hold the server: a request head must arrive whole within
 * CREDENCE_REQUEST_HEAD_TIMEOUT_MS, and one address may hold only CREDENCE_CONNECTIONS_PER_ADDRESS
 * connections. Real sockets against a real server; the timings have seconds of margin.
 */
class SlowClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final String LOCAL = "127.0.0.1";
  private static final String REQUEST =
      "GET /health/live HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n";

  @Test
  void aHeadSentOneLineAtATimeIsClosedAtTheDeadline() {
    try (RunningServer server = start(Map.of());
        RawSocket slow = RawSocket.open(LOCAL, server.config().port())) {
      long start = System.nanoTime();
      assertThat(slow.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n")).isTrue();
      Duration closedAfter = null;
      // A line every 300 ms: far inside the 30 s idle timeout, so only the deadline can close it.
      for (int line = 0; since(start).compareTo(DEADLINE.plusSeconds(5)) < 0; line++) {
        if (!slow.send("X-Slow-" + line + ": y\r\n") || slow.closedWithin(Duration.ofMillis(300))) {
          closedAfter = since(start);
          break;
        }
      }
      assertThat(closedAfter).as("closed within the deadline plus 5 s").isNotNull();
      assertThat(closedAfter)
          .as("still open well before the deadline")
          .isGreaterThan(DEADLINE.minusSeconds(1));
    }
  }

  @Test
  void anIdleKeptAliveConnectionOutlivesTheDeadlineAndAnswersItsNextRequest() throws Exception {
    try (RunningServer server = start(Map.of());
        RawSocket client = RawSocket.open(LOCAL, server.config().port())) {
      // the first head in two reads, so that its deadline is set, and must be lifted when it ends
      client.send(REQUEST.substring(0, 20));
      Thread.sleep(300);
      client.send(REQUEST.substring(20));
      assertThat(client.read().status()).isEqualTo(200);
      Thread.sleep(DEADLINE.plusSeconds(1).toMillis());
      client.send(REQUEST);
      assertThat(client.read().status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsOverTheCapFromOneAddressAreClosedAndOthersStillServed() throws Exception {
    int cap = 4;
    Map<String, String> env = Map.of("CREDENCE_CONNECTIONS_PER_ADDRESS", String.valueOf(cap));
    try (RunningServer server = start(env)) {
      int port = server.config().port();
      List<RawSocket> held = holdAnswered(port, cap);

      try (RawSocket over = RawSocket.open(LOCAL, port)) {
        over.send(REQUEST);
        assertThat(over.closedWithin(Duration.ofSeconds(5)))
            .as("a connection over the cap is closed unanswered")
            .isTrue();
      }
      InetAddress other = otherLoopbackAddress();
      if (other != null) {
        // the cap counts per address: another client is served meanwhile
        try (RawSocket elsewhere = RawSocket.open(other, LOCAL, port)) {
          elsewhere.send(REQUEST);
          assertThat(elsewhere.read().status()).isEqualTo(200);
        }
      }

      held.forEach(RawSocket::close);
      assertThat(answeredWithin(port, Duration.ofSeconds(10)))
          .as("served again once the held connections are gone")
          .isTrue();
    }
  }

  @Test
  void aTrustedProxyIsNotHeldToTheCap() {
    Map<String, String> env =
        Map.of("CREDENCE_CONNECTIONS_PER_ADDRESS", "2", "CREDENCE_TRUSTED_PROXIES", LOCAL);
    try (RunningServer server = start(env)) {
      List<RawSocket> held = holdAnswered(server.config().port(), 5);
      held.forEach(RawSocket::close);
    }
  }

  private static RunningServer start(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("CREDENCE_REQUEST_HEAD_TIMEOUT_MS", String.valueOf(DEADLINE.toMillis()));
    return RunningServer.start(TestDatabase.H2, env);
  }

  /** {@code count} kept-alive connections, each shown to be accepted by an answered request. */
  private static List<RawSocket> holdAnswered(int port, int count) {
    List<RawSocket> held = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RawSocket socket = RawSocket.open(LOCAL, port);
      held.add(socket);
      socket.send(REQUEST);
      assertThat(socket.read().status()).as("connection %d", i + 1).isEqualTo(200);
    }
    return held;
  }

  /** Whether a fresh connection is answered, retried until {@code wait} has passed. */
  private static boolean answeredWithin(int port, Duration wait) throws InterruptedException {
    long start = System.nanoTime();
    while (since(start).compareTo(wait) < 0) {
      try (RawSocket socket = RawSocket.open(LOCAL, port)) {
        if (socket.send(REQUEST) && socket.read().status() == 200) {
          return true;
        }
      } catch (RuntimeException e) {
        // still refused: the server has not yet seen the held connections close
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** 127.0.0.2 where the system routes all of 127/8 to itself (Linux), else null. */
  private static InetAddress otherLoopbackAddress() throws IOException {
    InetAddress other = InetAddress.getByName("127.0.0.2");
    try (Socket probe = new Socket()) {
      probe.bind(new InetSocketAddress(other, 0));
      return other;
    } catch (IOException e) {
      return null;
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
