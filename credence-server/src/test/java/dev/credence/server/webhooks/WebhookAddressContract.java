package dev.credence.server.webhooks;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RawListener;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Webhooks go to public addresses only: a URL on any other address is refused when saved, and, if
 * it was saved while its network was allowed, at every connection, with no connection made; the
 * test call is limited per environment.
 */
abstract class WebhookAddressContract extends ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final String ALLOWED = "CREDENCE_WEBHOOK_ALLOWED_NETWORKS";

  private Deployment saving;

  @Override
  protected Map<String, String> environment() {
    return Map.of(
        "CREDENCE_SCHEDULER_POLL_MS", "100",
        "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
        "CREDENCE_WEBHOOK_TIMEOUT_MS", "3000");
  }

  @BeforeAll
  void aDeploymentWithAPublicWebhook() {
    saving = server.newDeployment();
    server.patchIntegration(
        saving.productionIntegrationId(),
        "{\"webhook_url\": \"https://hooks.lender.invalid/credence\"}");
  }

  Stream<Arguments> refusedHosts() {
    List<Arguments> hosts =
        new ArrayList<>(
            List.of(
                Arguments.of("127.0.0.1", "loopback"),
                Arguments.of("localhost", "loopback"),
                Arguments.of("LocalHost", "loopback"),
                Arguments.of("[::1]", "loopback"),
                Arguments.of("0.0.0.0", "unspecified"),
                Arguments.of("[::]", "unspecified"),
                Arguments.of("2130706433", "loopback"),
                Arguments.of("0x7f.1", "loopback"),
                Arguments.of("017700000001", "loopback"),
                Arguments.of("0177.0.0.1", "loopback"),
                Arguments.of("127.1", "loopback"),
                Arguments.of("[::ffff:127.0.0.1]", "loopback"),
                Arguments.of("[::ffff:a9fe:a9fe]", "link-local"),
                Arguments.of("169.254.169.254", "link-local"),
                Arguments.of("10.0.0.1", "private"),
                Arguments.of("172.16.5.4", "private"),
                Arguments.of("192.168.1.10", "private"),
                Arguments.of("[fd00::1]", "private"),
                Arguments.of("100.64.0.1", "carrier-grade NAT"),
                Arguments.of("224.0.0.1", "multicast"),
                Arguments.of("255.255.255.255", "broadcast"),
                Arguments.of("192.0.2.1", "documentation"),
                Arguments.of("240.0.0.1", "reserved")));
    loopbackNames().forEach(name -> hosts.add(Arguments.of(name, "loopback")));
    return hosts.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedHosts")
  void aWebhookUrlOnARefusedAddressIsRefusedWhenSavedAndNothingChanges(String host, String reason) {
    JsonNode before = integration(saving.productionIntegrationId());
    HttpResponse<String> refused =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + saving.productionIntegrationId(),
            "{\"session_expiry_hours\": 48, \"webhook_url\": \"http://" + host + ":8080/hook\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(json(refused).get("code").asText()).isEqualTo("invalid_settings");
    assertThat(json(refused).get("detail").asText())
        .isEqualTo("webhook_url: address refused: " + reason);
    assertThat(integration(saving.productionIntegrationId())).isEqualTo(before);
  }

  @Test
  void aUrlSavedWhileLoopbackWasAllowedIsRefusedAtEveryConnectionUntilAllowedAgain() {
    try (RawListener listener = RawListener.counting();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      Map<String, String> urls = new LinkedHashMap<>();
      int port = listener.port();
      for (String host :
          List.of(
              "127.0.0.1",
              "localhost",
              "[::1]",
              "2130706433",
              "017700000001",
              "[::ffff:127.0.0.1]")) {
        urls.put("http://" + host + ":" + port + "/hook", "loopback");
      }
      urls.put("http://0.0.0.0:" + port + "/hook", "unspecified");
      loopbackNames()
          .forEach(name -> urls.put("http://" + name + ":" + port + "/hook", "loopback"));

      server = server.restart(Map.of(ALLOWED, "127.0.0.0/8,::1/128,0.0.0.0/32"));
      Map<String, Deployment> saved = new LinkedHashMap<>();
      for (String url : urls.keySet()) {
        Deployment d = server.newDeployment();
        server.patchIntegration(d.productionIntegrationId(), Applicant.SMALL_ASSESSMENT);
        HttpResponse<String> patched =
            server.operator(
                "PATCH",
                "/v1/admin/integrations/" + d.productionIntegrationId(),
                "{\"webhook_url\": \"" + url + "\"}");
        assertThat(patched.statusCode()).as(url + ": " + patched.body()).isEqualTo(200);
        saved.put(url, d);
      }

      server = server.restart(Map.of(ALLOWED, ""));
      for (Map.Entry<String, Deployment> each : saved.entrySet()) {
        HttpResponse<String> test = testCall(each.getValue().productionKey());
        assertThat(test.statusCode()).as(each.getKey() + ": " + test.body()).isEqualTo(503);
        assertThat(json(test).get("code").asText()).isEqualTo("address_refused");
        assertThat(json(test).get("detail").asText())
            .as(each.getKey())
            .isEqualTo("address refused: " + urls.get(each.getKey()));
      }
      Deployment first = saved.values().iterator().next();
      String uid = newUid();
      applicant(first, uid).finish();
      List<JsonNode> failed =
          server.awaitEvents(
              first.productionIntegrationId(),
              uid,
              WAIT,
              e -> e.size() == 2 && e.stream().noneMatch(x -> pending(x)));
      for (JsonNode event : failed) {
        assertThat(event.get("status").asText()).as("no retries").isEqualTo("FAILED");
        assertThat(event.get("attempts").asInt()).isEqualTo(1);
        assertThat(event.at("/deliveries/0/status_code").isNull()).isTrue();
        assertThat(event.at("/deliveries/0/error").asText()).isEqualTo("address refused: loopback");
      }
      assertThat(listener.accepted()).as("connections to the refused addresses").isZero();

      // The same loopback receiver gets the event once its network is allowed.
      server = server.restart(Map.of(ALLOWED, "127.0.0.0/8"));
      server.patchIntegration(
          first.productionIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
      String eventId = failed.get(0).get("id").asText();
      HttpResponse<String> redeliver =
          server.operator("POST", "/v1/admin/events/" + eventId + "/redeliver", null);
      assertThat(redeliver.statusCode()).as(redeliver.body()).isEqualTo(202);
      assertThat(receiver.await(1, WAIT).get(0).header("X-Credence-Event-Id")).isEqualTo(eventId);
      server.awaitEvents(
          first.productionIntegrationId(),
          uid,
          WAIT,
          e -> e.get(0).get("status").asText().equals("DELIVERED"));
      assertThat(listener.accepted()).isZero();
    } finally {
      server = server.restart(Map.of(ALLOWED, ""));
    }
  }

  @Test
  void theTestCallIsLimitedToTenAMinutePerEnvironment() {
    Deployment d = server.newDeployment();
    String unreachable = "{\"webhook_url\": \"https://hooks.lender.invalid/credence\"}";
    server.patchIntegration(d.productionIntegrationId(), unreachable);
    server.patchIntegration(d.testIntegrationId(), unreachable);
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> sent = testCall(d.productionKey());
      assertThat(sent.statusCode()).as(i + ": " + sent.body()).isEqualTo(503);
      assertThat(json(sent).get("detail").asText()).isEqualTo("host not found");
    }

    HttpResponse<String> limited = testCall(d.productionKey());
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(json(limited).get("code").asText()).isEqualTo("rate_limited");
    assertThat(json(limited).get("detail").asText())
        .startsWith("This environment may send 10 test webhooks a minute; retry after ");
    assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 60);
    assertThat(testCall(d.testKey()).statusCode()).as("another environment").isEqualTo(503);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * Names other than localhost that this machine's hosts file gives a loopback address, such as its
   * own host name: found here rather than assumed, as machines differ.
   */
  private static List<String> loopbackNames() {
    Path hosts = Path.of("/etc/hosts");
    if (!Files.isReadable(hosts)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(hosts)) {
        String[] fields = line.replaceAll("#.*", "").trim().split("\\s+");
        if (fields.length < 2 || !loopback(fields[0])) {
          continue;
        }
        Arrays.stream(fields)
            .skip(1)
            .map(name -> name.toLowerCase(Locale.ROOT))
            .filter(name -> !name.startsWith("localhost") && name.matches("[a-z0-9.-]+"))
            .filter(WebhookAddressContract::resolvesToLoopbackOnly)
            .forEach(names::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names.stream().distinct().limit(2).toList();
  }

  private static boolean loopback(String literal) {
    return literal.startsWith("127.") || literal.equals("::1");
  }

  private static boolean resolvesToLoopbackOnly(String name) {
    try {
      return Arrays.stream(InetAddress.getAllByName(name)).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String newUid() {
    return "GUARD-" + String.format("%06d", UIDS.incrementAndGet());
  }

  private Applicant applicant(Deployment d, String uid) {
    HttpResponse<String> created =
        server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response);
  }

  private HttpResponse<String> testCall(String apiKey) {
    return server.send("POST", "/v1/webhooks-management/test", null, "api-key", apiKey);
  }

  private static boolean pending(JsonNode event) {
    return event.get("status").asText().equals("PENDING");
  }
}
