package dev.credence.server.webhooks;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.results.ResultApi;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.store.Database;
import dev.credence.server.testing.RawListener;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every ending of a session becomes signed webhook events, delivered to a real receiver over HTTP
 * with retries, in order, across a restart; the test call; re-opening; the pull API.
 */
abstract class WebhookContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ItemBank ITEMS = ItemBank.load();

  private Deployment deployment;
  private WebhookReceiver receiver;

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        Map.of(
            "CREDENCE_SCHEDULER_POLL_MS", "100",
            "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
            "CREDENCE_WEBHOOK_TIMEOUT_MS", "3000",
            "CREDENCE_EXPIRY_SWEEP_MS", "200"),
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
  void aCompletedJourneySendsCompleteThenItsScoreSignedWithTheApiKey() {
    String uid = newUid();
    applicant(uid).finish();

    List<Received> got = receiver.await(2, WAIT);
    assertThat(got).hasSize(2);
    for (Received r : got) {
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      // As a lender's receiver checks it: HMAC-SHA512 of the raw body, keyed with the API key.
      assertThat(r.header("X-Signature")).isEqualTo(hmacHex(deployment.productionKey(), r.body()));
      assertThat(
              Signatures.verifyTimestamped(
                  deployment.productionKey(),
                  r.header("X-Credence-Timestamp"),
                  r.body(),
                  r.header("X-Credence-Signature"),
                  server.clock().instant().getEpochSecond(),
                  300))
          .isTrue();
      assertThat(r.header("X-Credence-Event-Id")).matches("[0-9a-f]{24}");
    }
    assertThat(got.get(0).header("X-Credence-Event-Id"))
        .isNotEqualTo(got.get(1).header("X-Credence-Event-Id"));

    JsonNode complete = body(got.get(0));
    assertThat(complete.get("uid").asText()).isEqualTo(uid);
    assertThat(complete.get("integration_id").asText())
        .isEqualTo(deployment.productionIntegrationId());
    assertThat(complete.at("/event/type").asText()).isEqualTo("application.complete");
    assertThat(complete.at("/event/details/platform").asText()).isEqualTo("WEB");
    assertThat(complete.at("/event/details/application_started_at").isIntegralNumber()).isTrue();
    assertThat(complete.at("/event/details/application_completed_at").asLong())
        .isGreaterThanOrEqualTo(complete.at("/event/details/application_started_at").asLong());
    assertThat(complete.get("event").has("reasons")).isFalse();
    assertThat(got.get(0).text()).startsWith("{\"uid\":\"" + uid + "\",\"integration_id\":");

    JsonNode score = body(got.get(1));
    assertThat(score.at("/event/type").asText()).isEqualTo("psychometric_score.complete");
    JsonNode calculated = score.at("/event/details/calculated");
    assertThat(calculated.get("score").isInt()).isTrue();
    assertThat(calculated.get("score").asInt()).isBetween(100, 900);
    assertThat(calculated.get("risk_band").asText()).isIn("A", "B", "C", "D", "E");
    assertThat(calculated.get("score_confidence").asText()).isIn("HIGH", "MEDIUM", "LOW");
    assertThat(calculated.get("traits")).isNotEmpty();
    for (JsonNode trait : calculated.get("traits")) {
      assertThat(trait.get("key").asText()).isNotBlank();
      assertThat(trait.get("value").asInt()).isBetween(0, 100);
      assertThat(trait.get("risk_band").asText()).isIn("LOW_RISK", "AVERAGE", "HIGH_RISK");
    }
    // The applicant answered 4 to every statement, each page in no time by the test's clock.
    assertThat(calculated.get("flags"))
        .extracting(JsonNode::asText)
        .contains("LONG_STRING", "FAST_PAGES");
    assertThat(calculated.get("score_confidence").asText()).isEqualTo("LOW");
    assertThat(calculated.get("review_required").asBoolean()).isTrue();
    // The probability the score and band were made from: the same model gives both back.
    double pd = calculated.get("probability_of_default").asDouble();
    assertThat(calculated.get("probability_of_default").isNumber()).isTrue();
    assertThat(pd).isStrictlyBetween(0.0, 1.0);
    assertThat(Math.round(pd * 10_000) / 10_000.0).as("four decimal places").isEqualTo(pd);
    assertThat(CreditModel.scoreOf(pd)).isCloseTo(calculated.get("score").asInt(), within(1));
    assertThat(CreditModel.DEFAULT.bandOf(pd)).isEqualTo(calculated.get("risk_band").asText());
    // The evidence: language, item bank, the raw trust indicators, each domain's standard error.
    JsonNode evidence = calculated.get("evidence");
    assertThat(evidence.get("language").asText()).isEqualTo("en");
    assertThat(evidence.get("item_bank").asText())
        .matches("@bigfive-org/questions@\\d+\\.\\d+\\.\\d+");
    assertThat(evidence.at("/trust/long_string").asInt()).isEqualTo(30); // 4 to every statement
    assertThat(evidence.at("/trust/consistency_pairs").asInt()).isEqualTo(45);
    assertThat(evidence.at("/trust/fast_pages").asInt()).isPositive();
    // The short form's expected alpha is 0.5676: 10 * sqrt(1 - 0.5676) = 6.6 T points.
    assertThat(evidence.at("/standard_errors/domain.C").asDouble()).isEqualTo(6.6);
    assertThat(evidence.get("standard_errors").has("memory_span")).isFalse();
    assertThat(evidence.get("norms").toString()).isEqualTo("{\"source\":\"DEFAULT\"}");
    assertThat(calculated.at("/model/version").asText()).isEqualTo("default-2026.1");
    assertThat(calculated.at("/model/calibrated").asBoolean()).isFalse();
    assertThat(calculated.at("/model/norms").asText()).isEqualTo("DEFAULT");
    assertThat(calculated.at("/model/form").asText()).isEqualTo("short");
    assertThat(score.at("/event/details/scored_at").asLong())
        .isEqualTo(complete.at("/event/details/application_completed_at").asLong());

    // The pull API gives the same details.
    JsonNode pulled = json(result(deployment.productionKey(), uid));
    assertThat(pulled.get("status").asText()).isEqualTo("completed");
    assertThat(pulled.get("details")).isEqualTo(score.at("/event/details"));
    server.awaitEvents(
        deployment.productionIntegrationId(),
        uid,
        WAIT,
        events -> events.stream().allMatch(e -> status(e).equals("DELIVERED")));
  }

  @Test
  void aReceiverAnswering201Then500Then200GetsTheEventAgainUntil200() {
    receiver.answer(201, 500);
    String uid = newUid();
    applicant(uid).finish();

    List<Received> got = receiver.await(4, WAIT);
    assertThat(got.subList(0, 3))
        .extracting(r -> r.header("X-Credence-Event-Id"))
        .containsOnly(got.get(0).header("X-Credence-Event-Id"));
    assertThat(got.subList(0, 3)).extracting(Received::text).containsOnly(got.get(0).text());
    assertThat(got).extracting(Received::answered).containsExactly(201, 500, 200, 200);
    assertThat(body(got.get(3)).at("/event/type").asText())
        .isEqualTo("psychometric_score.complete");

    List<JsonNode> events =
        server.awaitEvents(
            deployment.productionIntegrationId(),
            uid,
            WAIT,
            e -> e.size() == 2 && e.stream().allMatch(x -> done(x)));
    JsonNode first = events.get(0);
    assertThat(first.get("attempts").asInt()).isEqualTo(3);
    assertThat(first.get("deliveries"))
        .extracting(d -> d.get("status_code").asInt())
        .containsExactly(201, 500, 200);
    assertThat(first.at("/deliveries/1/response_snippet").asText()).isEqualTo("answered 500");
    assertThat(first.at("/deliveries/0/latency_ms").asInt()).isGreaterThanOrEqualTo(0);
    assertThat(events.get(1).get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeGetsTheEventAgain() {
    receiver.stall(1, Duration.ofSeconds(5)); // the server waits 3 s (CREDENCE_WEBHOOK_TIMEOUT_MS)
    String uid = newUid();
    applicant(uid).finish();

    List<JsonNode> events =
        server.awaitEvents(
            deployment.productionIntegrationId(),
            uid,
            WAIT,
            e -> e.size() == 2 && e.stream().allMatch(x -> done(x)));
    JsonNode first = events.get(0);
    assertThat(first.get("attempts").asInt()).isEqualTo(2);
    assertThat(first.at("/deliveries/0/status_code").isNull()).isTrue();
    assertThat(first.at("/deliveries/0/error").asText()).isEqualTo("timed out after 3 s");
    assertThat(first.at("/deliveries/0/latency_ms").asInt()).isBetween(2900, 4900);
    assertThat(first.at("/deliveries/1/status_code").asInt()).isEqualTo(200);
  }

  @Test
  void aReceiverThatIsDownGetsTheEventsOnceItIsUp() {
    WebhookReceiver later = WebhookReceiver.down();
    setWebhook(later.url());
    String uid = newUid();
    applicant(uid).finish();

    List<JsonNode> failing =
        server.awaitEvents(
            deployment.productionIntegrationId(),
            uid,
            WAIT,
            e -> !e.isEmpty() && e.get(0).get("attempts").asInt() >= 2);
    assertThat(failing.get(0).at("/deliveries/0/status_code").isNull()).isTrue();
    assertThat(failing.get(0).at("/deliveries/0/error").asText()).isEqualTo("connection refused");
    assertThat(status(failing.get(1))).isEqualTo("PENDING");
    assertThat(failing.get(1).get("attempts").asInt()).as("waits for the first").isZero();

    later.listen();
    try {
      List<Received> got = later.await(2, Duration.ofSeconds(30));
      assertThat(got)
          .extracting(r -> body(r).at("/event/type").asText())
          .containsExactly("application.complete", "psychometric_score.complete");
    } finally {
      later.close();
    }
  }

  @Test
  void eventsWaitingForARetrySurviveARestartOfTheServer() {
    receiver.answer(500);
    String uid = newUid();
    applicant(uid).finish();
    receiver.await(1, WAIT);

    server = server.restart();

    List<Received> got = receiver.await(3, WAIT);
    assertThat(got.get(1).header("X-Credence-Event-Id"))
        .isEqualTo(got.get(0).header("X-Credence-Event-Id"));
    assertThat(got)
        .extracting(r -> body(r).at("/event/type").asText())
        .containsExactly(
            "application.complete", "application.complete", "psychometric_score.complete");
    server.awaitEvents(
        deployment.productionIntegrationId(),
        uid,
        WAIT,
        e -> e.size() == 2 && e.stream().allMatch(x -> done(x)));
  }

  @Test
  void anEventWhoseDeliveryWasNeverScheduledGoesOutWhenTheServerStarts() {
    WebhookReceiver later = WebhookReceiver.down();
    setWebhook(later.url());
    try {
      String uid = newUid();
      applicant(uid).finish();
      // As a crash between storing the events and scheduling them leaves it: events PENDING, no
      // delivery task. The repair pass finds such events only once they are a minute old.
      AtomicInteger removed = new AtomicInteger();
      server =
          server.restartAfter(
              () -> {
                try (Database database = Database.open(server.config().database())) {
                  removed.set(
                      database
                          .jdbi()
                          .withHandle(
                              h ->
                                  h.createUpdate(
                                          "DELETE FROM scheduled_tasks"
                                              + " WHERE task_name = 'webhook-delivery'")
                                      .execute()));
                }
                later.listen(); // the receiver is back: only a delivery task is missing
              });
      assertThat(removed.get()).as("deliveries that were scheduled").isPositive();

      List<Received> got = later.await(2, WAIT);
      assertThat(got)
          .extracting(r -> body(r).at("/event/type").asText())
          .containsExactly("application.complete", "psychometric_score.complete");
    } finally {
      later.close();
    }
  }

  @Test
  void anEventIsFailedWhenItsRetriesRunOutThenTheNextFollowsAndCanBeRedelivered() {
    WebhookReceiver refusing = receiverAnswering503();
    setWebhook(refusing.url());
    try {
      String uid = newUid();
      applicant(uid).finish();
      refusing.await(1, WAIT);
      server.clock().advance(Duration.ofDays(4)); // past the complete event's 3-day window

      List<JsonNode> firstFailed =
          server.awaitEvents(
              deployment.productionIntegrationId(),
              uid,
              WAIT,
              e -> status(e.get(0)).equals("FAILED") && e.get(1).get("attempts").asInt() > 0);
      long firstFinished = firstFailed.get(0).get("finished_at").asLong();
      assertThat(firstFailed.get(1).at("/deliveries/0/started_at").asLong())
          .as("the score is sent only after the complete event is finished")
          .isGreaterThanOrEqualTo(firstFinished);
      assertThat(status(firstFailed.get(1)))
          .as("the score's window starts at its first attempt, not when it was made")
          .isEqualTo("PENDING");
      server.clock().advance(Duration.ofDays(4));
      List<JsonNode> failed =
          server.awaitEvents(
              deployment.productionIntegrationId(),
              uid,
              WAIT,
              e -> e.stream().allMatch(x -> status(x).equals("FAILED")));

      // Sent again to a receiver still refusing: a fresh window, retried again.
      String scoreId = failed.get(1).get("id").asText();
      int attemptsBefore = failed.get(1).get("attempts").asInt();
      assertThat(
              server
                  .operator("POST", "/v1/admin/events/" + scoreId + "/redeliver", null)
                  .statusCode())
          .isEqualTo(202);
      server.awaitEvents(
          deployment.productionIntegrationId(),
          uid,
          WAIT,
          e ->
              e.get(1).get("attempts").asInt() >= attemptsBefore + 2
                  && status(e.get(1)).equals("PENDING"));

      setWebhook(receiver.url());
      String eventId = failed.get(0).get("id").asText();
      HttpResponse<String> redeliver =
          server.operator("POST", "/v1/admin/events/" + eventId + "/redeliver", null);
      assertThat(redeliver.statusCode()).as(redeliver.body()).isEqualTo(202);
      Received again =
          receiver.await(1, WAIT).stream()
              .filter(r -> eventId.equals(r.header("X-Credence-Event-Id")))
              .findFirst()
              .orElseThrow();
      assertThat(again.header("X-Credence-Event-Id")).isEqualTo(eventId);
      server.awaitEvents(
          deployment.productionIntegrationId(),
          uid,
          WAIT,
          e -> status(e.get(0)).equals("DELIVERED"));
      assertThat(
              server
                  .operator("POST", "/v1/admin/events/000000000000000000000000/redeliver", null)
                  .statusCode())
          .isEqualTo(404);
    } finally {
      refusing.close();
    }
  }

  @Test
  void twoNodesOnOneDatabaseSendEachEventOnce() {
    try (var second = server.secondNode()) {
      List<String> uids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String uid = newUid();
        uids.add(uid);
        HttpResponse<String> created =
            (i % 2 == 0 ? server : second)
                .createSession(
                    deployment.productionKey(),
                    sessionBody(uid, deployment.productionIntegrationId()));
        new Applicant(i % 2 == 0 ? server : second, json(created).get("access_token").asText())
            .finish();
      }
      List<Received> got = receiver.await(12, WAIT);
      sleep(1000); // room for a duplicate to show up
      assertThat(receiver.received()).hasSize(12);
      assertThat(got).extracting(r -> r.header("X-Credence-Event-Id")).doesNotHaveDuplicates();
      for (String uid : uids) {
        assertThat(got)
            .filteredOn(r -> body(r).get("uid").asText().equals(uid))
            .extracting(r -> body(r).at("/event/type").asText())
            .containsExactly("application.complete", "psychometric_score.complete");
      }
    }
  }

  @Test
  void declinedConsentSendsCancelledWithItsReason() {
    String uid = newUid();
    Applicant applicant = applicant(uid);
    assertThat(applicant.decline().statusCode()).isEqualTo(303);

    JsonNode cancelled = body(receiver.await(1, WAIT).get(0));
    assertThat(cancelled.at("/event/type").asText()).isEqualTo("application.cancelled");
    assertThat(cancelled.at("/event/reasons"))
        .extracting(JsonNode::asText)
        .containsExactly("privacy_policy_rejected");
    assertThat(cancelled.at("/event/details/application_cancelled_at").isIntegralNumber()).isTrue();
    assertThat(json(result(deployment.productionKey(), uid)).get("status").asText())
        .isEqualTo("cancelled");
  }

  @Test
  void theSweepExpiresSessionsNobodyOpensAgainWithIncompleteForStartedOnes() {
    String untouched = newUid();
    applicant(untouched);
    String started = newUid();
    Applicant halfway = applicant(started);
    halfway.consent();
    halfway.answerFirstPage();

    server.clock().advance(Duration.ofHours(25));

    List<JsonNode> mine = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (mine.size() < 3 && System.nanoTime() < deadline) {
      mine.clear();
      for (Received r : receiver.received()) {
        mine.add(body(r));
      }
      sleep(50);
    }
    assertThat(mine).hasSize(3);
    JsonNode untouchedExpired = only(mine, untouched, "application.expired");
    assertThat(untouchedExpired.at("/event/details/application_started_at").isNull()).isTrue();
    assertThat(mine).filteredOn(e -> e.get("uid").asText().equals(untouched)).hasSize(1);
    only(mine, started, "application.expired");
    JsonNode incomplete = only(mine, started, "application.incomplete");
    assertThat(incomplete.at("/event/reasons"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "session_expired",
            "questionnaire_not_finished",
            "balloons_not_finished",
            "choices_not_finished",
            "memory_span_not_finished");
    List<String> order =
        receiver.received().stream()
            .map(WebhookContract::body)
            .filter(e -> e.get("uid").asText().equals(started))
            .map(e -> e.at("/event/type").asText())
            .toList();
    assertThat(order).containsExactly("application.expired", "application.incomplete");
    assertThat(json(result(deployment.productionKey(), started)).get("status").asText())
        .isEqualTo("expired");
  }

  @Test
  void aJourneyAnsweredToTheEndButNeverReloadedIsCompletedNotIncomplete() {
    String uid = newUid();
    Applicant applicant = applicant(uid);
    applicant.consent();
    applicant.playThrough(); // the redirect after the last answer is never followed
    server.clock().advance(Duration.ofHours(25));

    List<Received> got = receiver.await(2, WAIT);
    assertThat(got)
        .extracting(r -> body(r).at("/event/type").asText())
        .containsExactly("application.complete", "psychometric_score.complete");
    assertThat(json(result(deployment.productionKey(), uid)).get("status").asText())
        .isEqualTo("completed");
  }

  @Test
  void anExpiredUidCanBeReopenedAndItsClockRestarts() {
    String uid = newUid();
    Applicant applicant = applicant(uid);
    String reopenPath =
        "/v1/admin/integrations/" + deployment.productionIntegrationId() + "/sessions/";
    assertThat(server.operator("POST", reopenPath + uid + "/reopen", null).statusCode())
        .as("open sessions are not re-opened")
        .isEqualTo(409);

    server.clock().advance(Duration.ofHours(25));
    assertThat(applicant.page().statusCode()).isEqualTo(410);
    receiver.await(1, WAIT);

    HttpResponse<String> reopened = server.operator("POST", reopenPath + uid + "/reopen", null);
    assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
    JsonNode body = json(reopened);
    assertThat(body.get("status").asText()).isEqualTo("created");
    assertThat(body.get("expires_at").asLong())
        .isEqualTo(server.clock().instant().plus(Duration.ofHours(24)).getEpochSecond());
    assertThat(body.get("url").asText()).endsWith("/" + body.get("access_token").asText());

    // The old link works again, and so does a retry of the create call.
    assertThat(applicant.page().statusCode()).isEqualTo(200);
    HttpResponse<String> retry =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);

    applicant.finish();
    List<Received> got = receiver.await(3, WAIT);
    assertThat(got)
        .extracting(r -> body(r).at("/event/type").asText())
        .containsExactly(
            "application.expired", "application.complete", "psychometric_score.complete");
    assertThat(server.operator("POST", reopenPath + uid + "/reopen", null).statusCode())
        .as("a completed session is not re-opened")
        .isEqualTo(409);
    assertThat(server.operator("POST", reopenPath + "NO-SUCH-UID/reopen", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void theTestCallAnswersWithEveryStatusOfTheSpec() {
    HttpResponse<String> noKey = testCall(null);
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(json(noKey).get("detail").asText()).isEqualTo("No Api-key supplied");

    HttpResponse<String> badKey = testCall("crd_live_not-a-key");
    assertThat(badKey.statusCode()).isEqualTo(403);
    assertThat(json(badKey).get("detail").asText()).isEqualTo("Invalid Api-key");

    HttpResponse<String> notSet = testCall(deployment.testKey());
    assertThat(notSet.statusCode()).isEqualTo(424);
    assertThat(json(notSet).get("detail").asText())
        .startsWith("Webhooks not set for " + deployment.testIntegrationId() + ", ");

    HttpResponse<String> ok = testCall(deployment.productionKey());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json(ok).get("webhook_receiver_status_code").asInt()).isEqualTo(200);
    assertThat(json(ok).get("detail").asText()).isNotBlank();
    Received test = receiver.await(1, WAIT).get(0);
    assertThat(test.header("X-Signature"))
        .isEqualTo(hmacHex(deployment.productionKey(), test.body()));
    assertThat(body(test).at("/event/type").asText()).isEqualTo("webhook.test");
    assertThat(body(test).get("integration_id").asText())
        .isEqualTo(deployment.productionIntegrationId());

    receiver.answer(500);
    HttpResponse<String> refused = testCall(deployment.productionKey());
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json(refused).at("/detail/webhook_receiver_status_code").asInt()).isEqualTo(500);
    assertThat(json(refused).at("/detail/webhook_receiver_body_content").asText())
        .isEqualTo("answered 500");

    WebhookReceiver down = WebhookReceiver.down();
    setWebhook(down.url());
    HttpResponse<String> unreachable = testCall(deployment.productionKey());
    assertThat(unreachable.statusCode()).isEqualTo(503);
    assertThat(json(unreachable).get("detail").asText()).isEqualTo("connection refused");
    assertThat(json(unreachable).get("code").asText()).isEqualTo("webhook_unreachable");
  }

  @Test
  void theTestCallNeverShowsWhatAPeerThatIsNotHttpSent() {
    byte[] garbage =
        "H2 exception XYZ: Table \"API_KEYS\" not found\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    try (RawListener notHttp = RawListener.replying(garbage)) {
      setWebhook("http://127.0.0.1:" + notHttp.port() + "/hooks");
      HttpResponse<String> answer = testCall(deployment.productionKey());

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(json(answer).get("detail").asText()).isEqualTo("not an HTTP response");
      assertThat(json(answer).get("code").asText()).isEqualTo("webhook_unreachable");
      assertThat(answer.body()).doesNotContain("H2", "exception", "XYZ", "API_KEYS", "Table");
      assertThat(notHttp.accepted()).isEqualTo(1);
    }
  }

  @Test
  void thePullApiReadsOneResultAndPagesThroughAllInScoredOrder() {
    String open = newUid();
    applicant(open);
    assertThat(result(null, open).statusCode()).isEqualTo(401);
    assertThat(result("crd_live_wrong", open).statusCode()).isEqualTo(401);
    assertThat(result(deployment.productionKey(), "NO-SUCH-UID").statusCode()).isEqualTo(404);
    assertThat(result(deployment.testKey(), open).statusCode())
        .as("another environment's key sees nothing of this one")
        .isEqualTo(404);
    JsonNode created = json(result(deployment.productionKey(), open));
    assertThat(created.get("status").asText()).isEqualTo("created");
    assertThat(created.get("details").isNull()).isTrue();

    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String uid = newUid();
      applicant(uid).finish();
      finished.add(uid);
      server.clock().advance(Duration.ofSeconds(1));
    }
    assertThat(json(list("")).get("results"))
        .as("a result is listed once it has settled")
        .hasSize(2);
    server.clock().advance(ResultApi.SETTLE);
    JsonNode first = json(list("?limit=2"));
    assertThat(first.get("results"))
        .extracting(r -> r.get("uid").asText())
        .containsExactlyElementsOf(finished.subList(0, 2));
    assertThat(first.get("has_more").asBoolean()).isTrue();
    JsonNode second = json(list("?limit=2&cursor=" + first.get("next_cursor").asText()));
    assertThat(second.get("results"))
        .extracting(r -> r.get("uid").asText())
        .containsExactly(finished.get(2));
    assertThat(second.get("has_more").asBoolean()).isFalse();
    assertThat(second.at("/results/0/details/calculated/score").isInt()).isTrue();
    JsonNode third = json(list("?cursor=" + second.get("next_cursor").asText()));
    assertThat(third.get("results")).isEmpty();
    assertThat(third.get("next_cursor").asText()).isEqualTo(second.get("next_cursor").asText());

    long future = server.clock().instant().plusSeconds(60).getEpochSecond();
    assertThat(json(list("?since=" + future)).get("results")).isEmpty();
    assertThat(json(list("?since=0")).get("results")).hasSize(3);
    assertThat(list("?cursor=bm9wZQ").statusCode()).isEqualTo(422);
    assertThat(list("?limit=0").statusCode()).isEqualTo(422);
    assertThat(list("?since=yesterday").statusCode()).isEqualTo(422);
  }

  @Test
  void aResultNamesItsModelAndIsNeverRescored() {
    String before = newUid();
    applicant(before).finish();
    JsonNode first = json(result(deployment.productionKey(), before));

    HttpResponse<String> invalid =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + deployment.productionIntegrationId(),
            "{\"scoring_model\": {\"version\": \"x\", \"calibrated\": false,"
                + " \"weights\": {\"domain.C\": -1}, \"cutoffs\": [0.1]}}");
    assertThat(invalid.statusCode()).as("the intercept is required").isEqualTo(422);
    assertThat(json(invalid).get("detail").asText()).contains("scoring_model");

    // Only a model fitted on outcomes is calibrated: one set by hand may not claim it.
    HttpResponse<String> claimed =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + deployment.productionIntegrationId(),
            "{\"scoring_model\": {\"version\": \"acme-2027.1\", \"calibrated\": true,"
                + " \"intercept\": -2.0, \"weights\": {\"domain.C\": -0.5}, \"cutoffs\": [0.1]}}");
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(422);
    assertThat(json(claimed).get("code").asText()).isEqualTo("invalid_settings");
    assertThat(json(claimed).get("detail").asText()).contains("calibrated must be false");

    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"scoring_model\": {\"version\": \"acme-2027.1\", \"calibrated\": false,"
            + " \"intercept\": -2.0, \"weights\": {\"domain.C\": -0.5}, \"cutoffs\": [0.1, 0.2]},"
            + " \"norms_minimum\": 50}");
    String after = newUid();
    applicant(after).finish();

    assertThat(json(result(deployment.productionKey(), before))).isEqualTo(first);
    JsonNode calculated = json(result(deployment.productionKey(), after)).at("/details/calculated");
    assertThat(calculated.at("/model/version").asText()).isEqualTo("acme-2027.1");
    assertThat(calculated.at("/model/calibrated").asBoolean()).isFalse();
    assertThat(calculated.get("risk_band").asText()).isIn("A", "B", "C");
    assertThat(calculated.get("traits"))
        .extracting(t -> t.get("key").asText())
        .containsExactly("domain.C");
  }

  @Test
  void anEnvironmentsOwnNormsTakeOverOnceItHasTheMinimumOfResults() {
    setWebhook(null);
    server.patchIntegration(deployment.productionIntegrationId(), "{\"norms_minimum\": 20}");
    // LOW-confidence results do not count towards the population: these do not change the norms.
    for (int i = 0; i < 5; i++) {
      String uid = newUid();
      applicant(uid).finish(1 + i % 5);
      JsonNode doubtful = json(result(deployment.productionKey(), uid)).at("/details/calculated");
      assertThat(doubtful.get("score_confidence").asText()).isEqualTo("LOW");
    }
    for (int i = 0; i < 20; i++) {
      String uid = newUid();
      applicant(uid).finishCarefully(1 + i % 5, ITEMS);
      assertThat(
              json(result(deployment.productionKey(), uid))
                  .at("/details/calculated/model/norms")
                  .asText())
          .isEqualTo("DEFAULT");
    }
    // A language short of the minimum is counted again only after 10 minutes.
    server.clock().advance(Duration.ofMinutes(11));
    String uid = newUid();
    applicant(uid).finish(3);
    JsonNode calculated = json(result(deployment.productionKey(), uid)).at("/details/calculated");
    assertThat(calculated.at("/model/norms").asText()).isEqualTo("POPULATION");
    // Built from the 20 careful results, not the 5 doubtful ones.
    assertThat(calculated.at("/evidence/norms/n").asInt()).isEqualTo(20);
    // All of them answered in English, which alone has the minimum: English norms.
    assertThat(calculated.at("/evidence/norms/language").asText()).isEqualTo("en");
    assertThat(calculated.at("/evidence/norms/built_at").asLong())
        .isEqualTo(server.clock().instant().getEpochSecond());
    // Answering 3 throughout sits at the middle of a population that answered 1 to 5 evenly.
    JsonNode conscientiousness = calculated.get("traits").get(0);
    assertThat(conscientiousness.get("key").asText()).isEqualTo("domain.C");
    assertThat(conscientiousness.get("value").asInt()).isBetween(40, 60);
    assertThat(conscientiousness.get("risk_band").asText()).isEqualTo("AVERAGE");
  }

  @Test
  void aNewWebhookUrlAndARotatedKeyTakeTheNextDeliveryAtOnce() {
    // Deliveries read their environment through this node's cache (decision 0026): a change made
    // on this node must reach the very next delivery.
    applicant(newUid()).finish();
    assertThat(receiver.await(2, WAIT)).hasSize(2);

    try (WebhookReceiver moved = WebhookReceiver.start()) {
      setWebhook(moved.url());
      HttpResponse<String> rotated =
          server.operator(
              "POST",
              "/v1/admin/integrations/" + deployment.productionIntegrationId() + "/rotate-key",
              null);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      String newKey = json(rotated).get("api_key").asText();

      String uid = newUid();
      HttpResponse<String> created =
          server.createSession(newKey, sessionBody(uid, deployment.productionIntegrationId()));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      new Applicant(server, json(created).get("access_token").asText()).finish();

      List<Received> got = moved.await(2, WAIT);
      assertThat(got).hasSize(2);
      for (Received r : got) {
        assertThat(r.header("X-Signature")).isEqualTo(hmacHex(newKey, r.body()));
      }
      assertThat(receiver.received()).hasSize(2);
    }
  }

  @Test
  void withoutAWebhookUrlEventsAreKeptButNotSent() {
    setWebhook(null);
    String uid = newUid();
    applicant(uid).finish();
    List<JsonNode> events =
        server.awaitEvents(
            deployment.productionIntegrationId(),
            uid,
            WAIT,
            e -> e.size() == 2 && e.stream().allMatch(x -> done(x)));
    assertThat(events).extracting(WebhookContract::status).containsOnly("NO_WEBHOOK");
    assertThat(json(result(deployment.productionKey(), uid)).get("status").asText())
        .isEqualTo("completed");
    assertThat(receiver.received()).isEmpty();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static String newUid() {
    return "WH-" + String.format("%06d", UIDS.incrementAndGet());
  }

  private Applicant applicant(String uid) {
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  private void setWebhook(String url) {
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"webhook_url\": " + (url == null ? "null" : "\"" + url + "\"") + "}");
  }

  private static WebhookReceiver receiverAnswering503() {
    WebhookReceiver refusing = WebhookReceiver.start();
    int[] statuses = new int[500];
    java.util.Arrays.fill(statuses, 503);
    refusing.answer(statuses);
    return refusing;
  }

  private HttpResponse<String> result(String apiKey, String uid) {
    return apiKey == null
        ? server.send("GET", "/v1/results/" + uid, null)
        : server.send("GET", "/v1/results/" + uid, null, "api-key", apiKey);
  }

  private HttpResponse<String> list(String query) {
    return server.send("GET", "/v1/results" + query, null, "api-key", deployment.productionKey());
  }

  private HttpResponse<String> testCall(String apiKey) {
    return apiKey == null
        ? server.send("POST", "/v1/webhooks-management/test", null)
        : server.send("POST", "/v1/webhooks-management/test", null, "api-key", apiKey);
  }

  private static String status(JsonNode event) {
    return event.get("status").asText();
  }

  private static boolean done(JsonNode event) {
    return !status(event).equals("PENDING");
  }

  private static JsonNode only(List<JsonNode> events, String uid, String type) {
    List<JsonNode> found =
        events.stream()
            .filter(e -> e.get("uid").asText().equals(uid))
            .filter(e -> e.at("/event/type").asText().equals(type))
            .toList();
    assertThat(found).as(type + " of " + uid).hasSize(1);
    return found.get(0);
  }

  private static JsonNode body(Received received) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(received.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(received.text(), e);
    }
  }

  /** The receiver's check, written as a lender would with the JDK alone. */
  static String hmacHex(String apiKey, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
