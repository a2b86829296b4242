package dev.credence.server.endings;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.Signatures;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Test simulations through the public API: each scenario ends as scripted, with the events a
 * loopback receiver gets, the pull API's answers and the stored result all marked simulated; a
 * Production key is refused, and every bad field is a 422 that changes nothing.
 */
abstract class SimulationContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PATH = "/v1/sessions-management/simulate";

  private Deployment deployment;
  private WebhookReceiver receiver;

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        Map.of("CREDENCE_SCHEDULER_POLL_MS", "100"), RunningServer.LOOPBACK_WEBHOOKS);
  }

  @BeforeEach
  void newDeploymentWithReceiver() {
    receiver = WebhookReceiver.start();
    deployment = server.newDeployment();
    server.patchIntegration(
        deployment.testIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void aCompletedSimulationScoresTheScriptedBandFlagsAndConfidence() {
    String uid = newUid();
    HttpResponse<String> response =
        simulate(
            deployment.testKey(),
            body(
                uid,
                "\"scenario\": \"completed\", \"risk_band\": \"D\", \"flags\": [\"FAST_PAGES\"]"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("status").asText()).isEqualTo("completed");
    assertThat(answer.get("simulated").asBoolean()).isTrue();
    JsonNode calculated = answer.at("/details/calculated");
    assertThat(calculated.get("risk_band").asText()).isEqualTo("D");
    assertThat(calculated.get("score_confidence").asText()).isEqualTo("MEDIUM");
    assertThat(calculated.get("flags").toString()).isEqualTo("[\"FAST_PAGES\"]");
    assertThat(calculated.get("review_required").asBoolean()).isFalse();
    // Band D of the default model: a PD from 20% to 35%, so a score between its two cut-offs.
    assertThat(calculated.get("probability_of_default").asDouble()).isBetween(0.20, 0.35);
    assertThat(calculated.get("traits")).isNotEmpty();

    // The same events as a walked assessment, each saying simulated, signed as usual.
    List<Received> got = receiver.await(2, WAIT);
    List<JsonNode> bodies = new ArrayList<>();
    for (Received r : got) {
      assertThat(Signatures.matches(deployment.testKey(), r.body(), r.header("X-Signature")))
          .isTrue();
      JsonNode body = parse(r.text());
      assertThat(r.text()).endsWith(",\"simulated\":true}");
      assertThat(body.get("uid").asText()).isEqualTo(uid);
      bodies.add(body);
    }
    assertThat(bodies)
        .extracting(b -> b.at("/event/type").asText())
        .containsExactly("application.complete", "psychometric_score.complete");
    assertThat(bodies.get(1).at("/event/details")).isEqualTo(answer.get("details"));

    // The pull API: one uid, and the list once the result has settled.
    assertThat(json(result(deployment.testKey(), uid))).isEqualTo(answer);
    server.clock().advance(Duration.ofSeconds(11));
    JsonNode page = json(server.send("GET", "/v1/results", null, "api-key", deployment.testKey()));
    assertThat(page.get("results")).hasSize(1);
    assertThat(page.at("/results/0/simulated").asBoolean()).isTrue();
    assertThat(page.at("/results/0/details")).isEqualTo(answer.get("details"));

    // Stored as simulated (kept out of norms and fits), and audited as made with the api-key.
    assertThat(
            server.<Boolean>database(
                h ->
                    h.createQuery("SELECT simulated FROM results WHERE uid = ?")
                        .bind(0, uid)
                        .mapTo(Boolean.class)
                        .one()))
        .isTrue();
    assertThat(
            server.<List<String>>database(
                h ->
                    h.createQuery(
                            "SELECT actor_email || ' ' || action || ' ' || after_json FROM audit_log"
                                + " WHERE company_id = ? AND target LIKE ?")
                        .bind(0, deployment.companyId())
                        .bind(1, "uid " + uid + " %")
                        .mapTo(String.class)
                        .list()))
        .singleElement()
        .asString()
        .startsWith("api-key session.simulated")
        .contains("\"scenario\":\"completed\"", "\"risk_band\":\"D\"");
  }

  @Test
  void everyBandOfTheModelCanBeScripted() {
    for (String band : List.of("A", "B", "C", "D", "E")) {
      JsonNode answer =
          json(
              simulate(
                  deployment.testKey(),
                  body(newUid(), "\"scenario\": \"completed\", \"risk_band\": \"" + band + "\"")));
      assertThat(answer.at("/details/calculated/risk_band").asText()).isEqualTo(band);
      assertThat(answer.at("/details/calculated/score_confidence").asText()).isEqualTo("HIGH");
    }
    // A confidence alone brings the fewest flags that give it.
    JsonNode low =
        json(
            simulate(
                deployment.testKey(),
                body(newUid(), "\"scenario\": \"completed\", \"score_confidence\": \"LOW\"")));
    assertThat(low.at("/details/calculated/flags").toString())
        .isEqualTo("[\"LONG_STRING\",\"FAST_PAGES\"]");
    assertThat(low.at("/details/calculated/review_required").asBoolean()).isTrue();
  }

  @Test
  void aCancelledSimulationSendsTheCancellationOfADeclinedPolicy() {
    String uid = newUid();
    JsonNode answer =
        json(simulate(deployment.testKey(), body(uid, "\"scenario\": \"cancelled\"")));
    assertThat(answer.get("status").asText()).isEqualTo("cancelled");
    assertThat(answer.get("details").isNull()).isTrue();
    assertThat(answer.get("simulated").asBoolean()).isTrue();
    JsonNode event = parse(receiver.await(1, WAIT).get(0).text());
    assertThat(event.at("/event/type").asText()).isEqualTo("application.cancelled");
    assertThat(event.at("/event/reasons").toString()).isEqualTo("[\"privacy_policy_rejected\"]");
    assertThat(event.get("simulated").asBoolean()).isTrue();
    assertThat(json(result(deployment.testKey(), uid))).isEqualTo(answer);
  }

  @Test
  void anExpiredSimulationNeverStarted() {
    String uid = newUid();
    JsonNode answer = json(simulate(deployment.testKey(), body(uid, "\"scenario\": \"expired\"")));
    assertThat(answer.get("status").asText()).isEqualTo("expired");
    assertThat(answer.get("simulated").asBoolean()).isTrue();
    JsonNode event = parse(receiver.await(1, WAIT).get(0).text());
    assertThat(event.at("/event/type").asText()).isEqualTo("application.expired");
    assertThat(event.at("/event/details/application_started_at").isNull()).isTrue();
    assertThat(event.get("simulated").asBoolean()).isTrue();
    assertThat(json(result(deployment.testKey(), uid))).isEqualTo(answer);
  }

  @Test
  void anIncompleteSimulationStartedAndExpiredWithEveryModuleUnfinished() {
    String uid = newUid();
    JsonNode answer =
        json(simulate(deployment.testKey(), body(uid, "\"scenario\": \"incomplete\"")));
    assertThat(answer.get("status").asText()).isEqualTo("expired");
    List<Received> got = receiver.await(2, WAIT);
    JsonNode expired = parse(got.get(0).text());
    JsonNode incomplete = parse(got.get(1).text());
    assertThat(expired.at("/event/type").asText()).isEqualTo("application.expired");
    assertThat(expired.at("/event/details/application_started_at").isNumber()).isTrue();
    assertThat(incomplete.at("/event/type").asText()).isEqualTo("application.incomplete");
    assertThat(incomplete.at("/event/reasons/0").asText()).isEqualTo("session_expired");
    assertThat(incomplete.at("/event/reasons").size()).isGreaterThan(1);
    assertThat(incomplete.at("/event/details/progress_percent").asInt()).isZero();
    assertThat(incomplete.get("simulated").asBoolean()).isTrue();
  }

  @Test
  void aProductionKeyIsRefusedAndNothingIsMade() {
    String uid = newUid();
    HttpResponse<String> refused =
        simulate(
            deployment.productionKey(),
            "{\"uid\": \""
                + uid
                + "\", \"integration_id\": \""
                + deployment.productionIntegrationId()
                + "\", \"scenario\": \"completed\"}");
    assertRefused(refused, 403, "simulation_not_allowed");
    assertThat(result(deployment.productionKey(), uid).statusCode()).isEqualTo(404);
    assertThat(simulate("not-a-key", body(uid, "\"scenario\": \"completed\"")).statusCode())
        .isEqualTo(401);
    assertRefused(
        server.send("POST", PATH, body(uid, "\"scenario\": \"completed\"")),
        401,
        "api_key_missing");
    // The Test key of another integration: 403 as for create.
    assertRefused(
        simulate(
            deployment.testKey(),
            "{\"uid\": \""
                + uid
                + "\", \"integration_id\": \""
                + deployment.productionIntegrationId()
                + "\", \"scenario\": \"completed\"}"),
        403,
        "integration_forbidden");
  }

  @Test
  void eachBadFieldIsA422ThatChangesNothing() {
    String uid = newUid();
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("", "scenario_missing"),
            Map.entry("\"scenario\": 1", "scenario_type"),
            Map.entry("\"scenario\": \"approved\"", "scenario_unknown"),
            Map.entry("\"scenario\": \"completed\", \"risk_band\": 4", "risk_band_type"),
            Map.entry("\"scenario\": \"completed\", \"risk_band\": \"d\"", "risk_band_unknown"),
            Map.entry("\"scenario\": \"completed\", \"risk_band\": \"F\"", "risk_band_unknown"),
            Map.entry("\"scenario\": \"completed\", \"flags\": \"FAST_PAGES\"", "flags_type"),
            Map.entry("\"scenario\": \"completed\", \"flags\": [\"SLOW\"]", "flag_unknown"),
            Map.entry(
                "\"scenario\": \"completed\", \"flags\": [\"RESUMED\", \"RESUMED\"]",
                "flag_repeated"),
            Map.entry(
                "\"scenario\": \"completed\", \"score_confidence\": \"SOME\"",
                "score_confidence_unknown"),
            Map.entry(
                "\"scenario\": \"completed\", \"score_confidence\": \"HIGH\","
                    + " \"flags\": [\"INCONSISTENT\"]",
                "score_confidence_mismatch"),
            Map.entry(
                "\"scenario\": \"cancelled\", \"risk_band\": \"A\"", "risk_band_not_applicable"),
            Map.entry("\"scenario\": \"expired\", \"flags\": []", "flags_not_applicable"));
    bad.forEach(
        (fields, code) -> {
          HttpResponse<String> response = simulate(deployment.testKey(), body(uid, fields));
          assertRefused(response, 422, code);
          assertThat(json(response).get("detail").asText()).isNotBlank();
        });
    assertRefused(
        simulate(deployment.testKey(), body("ab", "\"scenario\": \"completed\"")),
        422,
        "uid_length");
    assertRefused(simulate(deployment.testKey(), "[1]"), 422, "invalid_json");
    // Nothing was made: no session, no event.
    assertThat(result(deployment.testKey(), uid).statusCode()).isEqualTo(404);
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void aUidNamesOneAssessmentWhetherSimulatedOrNot() {
    String uid = newUid();
    assertThat(simulate(deployment.testKey(), body(uid, "\"scenario\": \"expired\"")).statusCode())
        .isEqualTo(200);
    // A retry finds the uid used, as a create would; the outcome stays readable.
    assertRefused(
        simulate(deployment.testKey(), body(uid, "\"scenario\": \"completed\"")),
        409,
        "uid_already_used");
    assertRefused(
        server.createSession(deployment.testKey(), body(uid, "")), 409, "uid_already_used");
    assertThat(json(result(deployment.testKey(), uid)).get("status").asText()).isEqualTo("expired");

    // An applicant's open session is never taken over, and is not marked.
    String open = newUid();
    assertThat(server.createSession(deployment.testKey(), body(open, "")).statusCode())
        .isEqualTo(200);
    assertRefused(
        simulate(deployment.testKey(), body(open, "\"scenario\": \"completed\"")),
        409,
        "uid_already_used");
    JsonNode real = json(result(deployment.testKey(), open));
    assertThat(real.get("status").asText()).isEqualTo("created");
    assertThat(real.has("simulated")).isFalse();
  }

  @Test
  void simulationsCountAgainstThePerMinuteLimitFromTheApiAndTheDashboardAlike() {
    server.patchIntegration(deployment.testIntegrationId(), "{\"rate_limit_per_minute\": 2}");
    assertThat(server.createSession(deployment.testKey(), body(newUid(), "")).statusCode())
        .isEqualTo(200);
    assertThat(
            simulate(deployment.testKey(), body(newUid(), "\"scenario\": \"expired\""))
                .statusCode())
        .isEqualTo(200);

    String byApi = newUid();
    HttpResponse<String> limited =
        simulate(deployment.testKey(), body(byApi, "\"scenario\": \"expired\""));
    assertRefused(limited, 429, "rate_limited");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();

    String byForm = newUid();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    admin.get("/console/deployments/" + deployment.deploymentId() + "?env=test");
    HttpResponse<String> page =
        admin.post(
            "/console/deployments/" + deployment.deploymentId() + "/test/simulate",
            Map.of("uid", byForm, "scenario", "expired"));
    assertThat(page.statusCode()).isEqualTo(429);
    assertThat(page.headers().firstValue("Retry-After")).isPresent();
    assertThat(page.body()).contains("This integration allows 2 new sessions a minute");

    assertThat(result(deployment.testKey(), byApi).statusCode()).isEqualTo(404);
    assertThat(result(deployment.testKey(), byForm).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> simulate(String apiKey, String body) {
    return server.send("POST", PATH, body, "api-key", apiKey, "Content-Type", "application/json");
  }

  private HttpResponse<String> result(String apiKey, String uid) {
    return server.send("GET", "/v1/results/" + uid, null, "api-key", apiKey);
  }

  private String body(String uid, String fields) {
    return "{\"uid\": \""
        + uid
        + "\", \"integration_id\": \""
        + deployment.testIntegrationId()
        + "\""
        + (fields.isEmpty() ? "" : ", " + fields)
        + "}";
  }

  private static String newUid() {
    return "SIM-" + ProcessHandle.current().pid() + "-" + UIDS.incrementAndGet();
  }

  private static JsonNode parse(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new AssertionError(text, e);
    }
  }

  private static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).get("code").asText()).as(response.body()).isEqualTo(code);
  }
}
