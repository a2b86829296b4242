package dev.credence.server;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerProcess;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole run of the server process with {@code CREDENCE_LOG_FORMAT=json}: sessions made with an
 * api key, a journey walked, its webhooks delivered, keys rotated by the operator and revealed in
 * the dashboard, refusals. Every line it wrote is one JSON object with the documented fields, one
 * access line a request names the route and never the path as sent, and no line holds an api key,
 * an access token, the operator token, an invitation token, a password or a server secret.
 */
class JsonLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN_SECRET = "log-test-token-secret-0123456789abcdefghij";
  private static final String MASTER_KEY =
      Base64.getEncoder().encodeToString("log-test-master-key-0123456789ab".getBytes());

  @Test
  void everyLineOfARunIsJsonAndNoneHoldsASecret() throws IOException {
    List<String> secrets = new ArrayList<>();
    secrets.add(RunningServer.OPERATOR_TOKEN);
    secrets.add(TOKEN_SECRET);
    secrets.add(MASTER_KEY);
    secrets.add(ConsoleClient.PASSWORD);
    String log;
    String uid = "LOGS-00001";
    Deployment d;
    try (WebhookReceiver receiver = WebhookReceiver.start();
        ServerProcess server = ServerProcess.start(TestDatabase.H2, environment())) {
      d = server.newDeployment();
      secrets.add(d.testKey());
      secrets.add(d.productionKey());
      server.patchIntegration(
          d.productionIntegrationId(), Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));

      HttpResponse<String> created =
          server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      String token = json(created).get("access_token").asText();
      secrets.add(token);
      Applicant applicant = new Applicant(server, token);
      applicant.answerEverything();
      assertThat(applicant.page().statusCode()).isEqualTo(200);
      assertThat(receiver.await(2, Duration.ofSeconds(30))).hasSize(2);
      HttpResponse<String> result =
          server.send("GET", "/v1/results/" + uid, null, "api-key", d.productionKey());
      assertThat(result.statusCode()).as(result.body()).isEqualTo(200);

      // Refusals: a wrong key, a wrong operator token, a path under the applicant's link.
      assertThat(server.createSession("crd_live_wrong", sessionBody("X", "y")).statusCode())
          .isEqualTo(401);
      assertThat(
              server
                  .send("GET", "/v1/admin/companies", null, "Authorization", "Bearer wrong-token")
                  .statusCode())
          .isEqualTo(401);
      assertThat(server.get("/" + token + "/no-such-page?api_key=" + d.testKey()).statusCode())
          .isEqualTo(404);

      HttpResponse<String> rotated =
          server.operator(
              "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      String newKey = json(rotated).get("api_key").asText();
      assertThat(newKey).startsWith("crd_");
      secrets.add(newKey);

      ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
      HttpResponse<String> revealed =
          admin.post(
              "/console/deployments/" + d.deploymentId() + "/production/reveal-key", Map.of());
      assertThat(revealed.body()).contains(d.productionKey());

      server.terminate();
      assertThat(server.waitForExit()).isZero();
      log = server.log();
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      JsonNode parsed = JSON.readTree(line);
      assertThat(parsed.isObject()).as(line).isTrue();
      assertThat(parsed.get("timestamp").isIntegralNumber()).as(line).isTrue();
      assertThat(parsed.get("level").asText()).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG");
      assertThat(parsed.get("threadName").asText()).as(line).isNotBlank();
      assertThat(parsed.get("loggerName").asText()).as(line).isNotBlank();
      assertThat(parsed.get("formattedMessage").isTextual()).as(line).isTrue();
      assertThat(parsed.get("mdc").isObject()).as(line).isTrue();
      assertThat(parsed.has("throwable")).as(line).isTrue();
      for (String secret : secrets) {
        assertThat(line).as("a log line holds a secret").doesNotContain(secret);
      }
      lines.add(parsed);
    }

    // A clean start and journey on the embedded default warns of nothing: no library's start-up
    // advice, no line an operator's alerting would have to learn to ignore.
    assertThat(lines)
        .filteredOn(l -> !l.get("loggerName").asText().startsWith("dev.credence"))
        .filteredOn(l -> l.get("level").asText().equals("WARN"))
        .extracting(l -> l.get("loggerName").asText() + ": " + l.get("formattedMessage").asText())
        .isEmpty();

    List<JsonNode> access =
        lines.stream().filter(l -> l.get("loggerName").asText().equals("credence.access")).toList();
    assertThat(access).isNotEmpty();
    for (JsonNode line : access) {
      assertThat(line.at("/mdc/request_id").asText()).matches("[A-Za-z0-9._-]{1,64}");
      Map<String, String> fields = fields(line);
      assertThat(fields.keySet()).containsExactly("method", "route", "status", "duration_ms");
      assertThat(fields.get("status")).matches("[1-5]\\d\\d");
      assertThat(fields.get("duration_ms")).matches("\\d+");
      assertThat(line.get("formattedMessage").asText())
          .isEqualTo(
              fields.get("method")
                  + " "
                  + fields.get("route")
                  + " "
                  + fields.get("status")
                  + " "
                  + fields.get("duration_ms")
                  + " ms");
    }
    assertThat(access.stream().map(JsonLogsTest::call))
        .contains(
            "GET /{token} 200",
            "POST /{token}/consent 303",
            "POST /v1/sessions-management/tokens 200",
            "POST /v1/sessions-management/tokens 401",
            "GET /v1/results/{uid} 200",
            "GET /v1/admin/companies 401",
            "GET (unmatched) 404",
            "POST /console/deployments/{id}/{env}/reveal-key 200");
    // The integration a request works for, once known: from its api-key or its path.
    assertThat(access)
        .anySatisfy(
            l -> {
              assertThat(fields(l)).containsEntry("route", "/v1/sessions-management/tokens");
              assertThat(l.at("/mdc/integration_id").asText())
                  .isEqualTo(d.productionIntegrationId());
            })
        .anySatisfy(
            l -> {
              assertThat(fields(l))
                  .containsEntry("route", "/v1/admin/integrations/{integration_id}/rotate-key");
              assertThat(l.at("/mdc/integration_id").asText()).isEqualTo(d.testIntegrationId());
            });
    // Health checks (readiness was polled while the process started) are DEBUG, the rest INFO.
    for (JsonNode line : access) {
      String expected = fields(line).get("route").startsWith("/health/") ? "DEBUG" : "INFO";
      assertThat(line.get("level").asText()).as(line.toString()).isEqualTo(expected);
    }
    assertThat(access).anySatisfy(l -> assertThat(call(l)).isEqualTo("GET /health/ready 200"));
  }

  /** An access line's request: {@code "GET /{token} 200"}. */
  private static String call(JsonNode line) {
    Map<String, String> fields = fields(line);
    return fields.get("method") + " " + fields.get("route") + " " + fields.get("status");
  }

  /**
   * The access line's key-value pairs: the JSON encoder writes them as a list of one-entry objects
   * (each value a string).
   */
  private static Map<String, String> fields(JsonNode line) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    JsonNode pairs = line.get("kvpList");
    if (pairs != null) {
      for (JsonNode pair : pairs) {
        pair.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
      }
    }
    return fields;
  }

  private static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.putAll(RunningServer.QUICK_WORKERS);
    env.putAll(RunningServer.LOOPBACK_WEBHOOKS);
    env.put("CREDENCE_LOG_FORMAT", "json");
    // DEBUG: more lines to hold a secret, if one were ever logged.
    env.put("CREDENCE_LOG_LEVEL", "debug");
    env.put("CREDENCE_TOKEN_SECRET", TOKEN_SECRET);
    env.put("CREDENCE_MASTER_KEY", MASTER_KEY);
    env.put("CREDENCE_SHUTDOWN_DRAIN_SECONDS", "0");
    return env;
  }
}
