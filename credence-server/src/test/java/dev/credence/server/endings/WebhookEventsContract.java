package dev.credence.server.endings;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.http.Json;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook management with the api-key: the list of an environment's events with their last attempt,
 * one redelivery, and the replay of failed events in order per session, each audited.
 */
abstract class WebhookEventsContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Deployment deployment;
  private WebhookReceiver receiver;

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        Map.of(
            "CREDENCE_SCHEDULER_POLL_MS", "100",
            "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
            "CREDENCE_WEBHOOK_RETRY_SECONDS", "60",
            "CREDENCE_WEBHOOK_TIMEOUT_MS", "3000"),
        RunningServer.LOOPBACK_WEBHOOKS);
  }

  @BeforeEach
  void newDeploymentWithReceiver() {
    receiver = WebhookReceiver.start();
    deployment = server.newDeployment();
    server.patchIntegration(deployment.productionIntegrationId(), Applicant.SMALL_ASSESSMENT);
    setWebhook(receiver.url());
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void theListShowsEachEventWithItsLastAttemptAndTheBodyItCarries() {
    String uid = newUid();
    applicant(uid).finish();
    List<Received> got = receiver.await(2, WAIT);
    awaitStatuses(uid, "DELIVERED", "DELIVERED");

    JsonNode page = json(list(deployment.productionKey(), ""));
    List<JsonNode> events = new ArrayList<>();
    page.get("events").forEach(events::add);
    assertThat(events)
        .extracting(e -> e.get("type").asText())
        .containsExactly("application.complete", "psychometric_score.complete");
    for (int i = 0; i < 2; i++) {
      JsonNode event = events.get(i);
      assertThat(event.get("id").asText()).isEqualTo(got.get(i).header("X-Credence-Event-Id"));
      assertThat(event.get("uid").asText()).isEqualTo(uid);
      assertThat(event.get("status").asText()).isEqualTo("DELIVERED");
      assertThat(event.get("attempts").asInt()).isEqualTo(1);
      assertThat(event.at("/last_attempt/status_code").asInt()).isEqualTo(200);
      assertThat(event.at("/last_attempt/url").asText()).isEqualTo(receiver.url());
      assertThat(event.get("payload")).isEqualTo(parse(got.get(i).text()));
    }
    assertThat(page.get("has_more").asBoolean()).isFalse();

    // One at a time: the cursor takes up where the page ended.
    JsonNode first = json(list(deployment.productionKey(), "?limit=1"));
    assertThat(first.get("has_more").asBoolean()).isTrue();
    assertThat(first.at("/events/0/type").asText()).isEqualTo("application.complete");
    JsonNode second =
        json(
            list(
                deployment.productionKey(),
                "?limit=1&cursor=" + first.get("next_cursor").asText()));
    assertThat(second.at("/events/0/type").asText()).isEqualTo("psychometric_score.complete");
    assertThat(second.get("has_more").asBoolean()).isFalse();

    // Filters; another environment sees none of them.
    assertThat(
            json(list(deployment.productionKey(), "?type=psychometric_score.complete"))
                .get("events"))
        .hasSize(1);
    assertThat(json(list(deployment.productionKey(), "?status=failed")).get("events")).isEmpty();
    assertThat(json(list(deployment.testKey(), "")).get("events")).isEmpty();
  }

  @Test
  void badQueriesAndKeysAreRefusedClearly() {
    assertRefused(list(deployment.productionKey(), "?status=LOST"), 422, "invalid_status");
    assertRefused(list(deployment.productionKey(), "?type=loan.paid"), 422, "invalid_type");
    assertRefused(list(deployment.productionKey(), "?limit=0"), 422, "invalid_limit");
    assertRefused(list(deployment.productionKey(), "?cursor=%25%25"), 422, "invalid_cursor");
    assertRefused(list(deployment.productionKey(), "?since=yesterday"), 422, "invalid_since");
    assertRefused(list("not-a-key", ""), 401, "api_key_invalid");
    assertRefused(
        server.send("GET", "/v1/webhooks-management/events", null), 401, "api_key_missing");
    assertRefused(replay(deployment.productionKey(), "{\"since\": 0}"), 422, "invalid_status");
    assertRefused(
        replay(deployment.productionKey(), "{\"status\": \"DELIVERED\", \"since\": 0}"),
        422,
        "invalid_status");
    assertRefused(
        replay(deployment.productionKey(), "{\"status\": \"FAILED\", \"since\": \"monday\"}"),
        422,
        "invalid_since");
    assertRefused(replay(deployment.productionKey(), "[]"), 422, "invalid_json");
    assertRefused(
        redeliver(deployment.productionKey(), "0123456789abcdef01234567"), 404, "event_not_found");
  }

  @Test
  void failedEventsAreReplayedInOrderPerSessionAndAudited() {
    WebhookReceiver refusing = WebhookReceiver.start();
    refusing.answer(refusals(200));
    setWebhook(refusing.url());
    String one = newUid();
    String two = newUid();
    applicant(one).finish();
    applicant(two).finish();
    failEverything(one, two);

    JsonNode failed = json(list(deployment.productionKey(), "?status=FAILED"));
    assertThat(failed.get("events")).hasSize(4);
    assertThat(failed.at("/events/0/last_attempt/status_code").asInt()).isEqualTo(503);

    refusing.close();
    setWebhook(receiver.url()); // the lender's receiver is mended
    int before = receiver.received().size();
    HttpResponse<String> replayed =
        replay(deployment.productionKey(), "{\"status\": \"FAILED\", \"since\": 0}");
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
    assertThat(json(replayed).get("redelivered").asInt()).isEqualTo(4);
    assertThat(json(replayed).get("sessions").asInt()).isEqualTo(2);
    assertThat(json(replayed).get("has_more").asBoolean()).isFalse();

    List<Received> again = receiver.await(before + 4, WAIT).subList(before, before + 4);
    for (String uid : List.of(one, two)) {
      assertThat(
              again.stream()
                  .map(r -> parse(r.text()))
                  .filter(b -> b.get("uid").asText().equals(uid))
                  .map(b -> b.at("/event/type").asText()))
          .as("in order for " + uid)
          .containsExactly("application.complete", "psychometric_score.complete");
    }
    awaitStatuses(one, "DELIVERED", "DELIVERED");
    awaitStatuses(two, "DELIVERED", "DELIVERED");
    assertThat(auditActions()).contains("api-key events.redelivered");

    // Nothing failed is left: a second replay sends nothing.
    JsonNode nothing =
        json(replay(deployment.productionKey(), "{\"status\": \"FAILED\", \"since\": 0}"));
    assertThat(nothing.get("redelivered").asInt()).isZero();
  }

  @Test
  void oneEventIsSentAgainOnlyWithTheKeyOfItsOwnEnvironment() {
    String uid = newUid();
    applicant(uid).finish();
    receiver.await(2, WAIT);
    awaitStatuses(uid, "DELIVERED", "DELIVERED");
    String eventId = json(list(deployment.productionKey(), "")).at("/events/0/id").asText();

    assertRefused(redeliver(deployment.testKey(), eventId), 404, "event_not_found");
    Deployment other = server.newDeployment();
    assertRefused(redeliver(other.productionKey(), eventId), 404, "event_not_found");
    assertThat(receiver.received()).hasSize(2);

    HttpResponse<String> sent = redeliver(deployment.productionKey(), eventId);
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
    assertThat(json(sent).get("status").asText()).isEqualTo("PENDING");
    List<Received> got = receiver.await(3, WAIT);
    assertThat(got.get(2).header("X-Credence-Event-Id")).isEqualTo(eventId);
    assertThat(got.get(2).text()).isEqualTo(got.get(0).text());
    assertThat(auditActions()).contains("api-key event.redelivered");
  }

  @Test
  void theWebhooksPageShowsFailuresAndAnAdminSendsThemAgain() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    ConsoleClient viewer = admin.invite("VIEWER");
    String page = "/console/webhooks?integration=" + deployment.productionIntegrationId();
    WebhookReceiver refusing = WebhookReceiver.start();
    refusing.answer(refusals(200));
    setWebhook(refusing.url());
    String uid = newUid();
    applicant(uid).finish();
    failEverything(uid);
    refusing.close();

    HttpResponse<String> shown = admin.get(page);
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    assertThat(shown.body())
        .contains("data-failed=\"2\"")
        .contains("data-delivered=\"0\"")
        .contains(">" + uid + "</a>")
        .contains("HTTP 503")
        .contains("Send failed events again")
        .contains("data-attempts=");
    HttpResponse<String> asViewer = viewer.get(page);
    assertThat(asViewer.body())
        .contains("data-failed=\"2\"")
        .doesNotContain("/console/webhooks/replay");
    Map<String, String> today =
        Map.of(
            "integration",
            deployment.productionIntegrationId(),
            "since",
            LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).minusDays(1).toString());
    assertThat(viewer.post("/console/webhooks/replay", today).statusCode()).isEqualTo(403);
    ConsoleClient stranger = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    assertThat(stranger.get(page).statusCode()).isEqualTo(404);
    assertThat(stranger.post("/console/webhooks/replay", today).statusCode()).isEqualTo(404);
    HttpResponse<String> badDay =
        admin.post(
            "/console/webhooks/replay",
            Map.of("integration", deployment.productionIntegrationId(), "since", "yesterday"));
    assertThat(badDay.statusCode()).isEqualTo(422);
    assertThat(badDay.body()).contains("YYYY-MM-DD. Nothing was sent.");
    assertThat(receiver.received()).isEmpty();

    setWebhook(receiver.url()); // the lender's receiver is mended
    HttpResponse<String> replayed = admin.post("/console/webhooks/replay", today);
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(302);
    String location = replayed.headers().firstValue("Location").orElseThrow();
    assertThat(location).endsWith("&replayed=2");
    assertThat(admin.get(location).body())
        .contains("2 failed events are being sent again, in order per session.");
    assertThat(receiver.await(2, WAIT))
        .extracting(r -> parse(r.text()).at("/event/type").asText())
        .containsExactly("application.complete", "psychometric_score.complete");
    assertThat(auditActions()).contains(admin.email() + " events.redelivered");
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Lets the refused events' retry windows close one after another, until all are FAILED. */
  private void failEverything(String... uids) {
    for (String uid : uids) {
      server.failEvents(deployment.productionIntegrationId(), uid, 2, Duration.ofMinutes(2), WAIT);
    }
  }

  private void setWebhook(String url) {
    server.patchIntegration(
        deployment.productionIntegrationId(), "{\"webhook_url\": \"" + url + "\"}");
  }

  private void awaitStatuses(String uid, String... statuses) {
    server.awaitEvents(
        deployment.productionIntegrationId(),
        uid,
        WAIT,
        e -> e.stream().map(x -> x.get("status").asText()).toList().equals(List.of(statuses)));
  }

  private List<String> auditActions() {
    return server.database(
        h ->
            h.createQuery(
                    "SELECT actor_email || ' ' || action FROM audit_log WHERE company_id = ?"
                        + " ORDER BY id")
                .bind(0, deployment.companyId())
                .mapTo(String.class)
                .list());
  }

  private static int[] refusals(int count) {
    int[] statuses = new int[count];
    Arrays.fill(statuses, 503);
    return statuses;
  }

  private static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).get("code").asText()).isEqualTo(code);
    assertThat(json(response).get("detail").asText()).isNotBlank();
  }

  private HttpResponse<String> list(String apiKey, String query) {
    return server.send("GET", "/v1/webhooks-management/events" + query, null, "api-key", apiKey);
  }

  private HttpResponse<String> redeliver(String apiKey, String eventId) {
    return server.send(
        "POST",
        "/v1/webhooks-management/events/" + eventId + "/redeliver",
        null,
        "api-key",
        apiKey);
  }

  private HttpResponse<String> replay(String apiKey, String body) {
    return server.send(
        "POST",
        "/v1/webhooks-management/redeliver",
        body,
        "api-key",
        apiKey,
        "Content-Type",
        "application/json");
  }

  private static String newUid() {
    return "EV-" + String.format("%06d", UIDS.incrementAndGet());
  }

  private Applicant applicant(String uid) {
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(text, e);
    }
  }
}
