package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.api.Signatures;
import dev.credence.client.WebhookEvent.ApplicationCancelled;
import dev.credence.client.WebhookEvent.ApplicationComplete;
import dev.credence.client.WebhookEvent.ApplicationExpired;
import dev.credence.client.WebhookEvent.ApplicationIncomplete;
import dev.credence.client.WebhookEvent.PsychometricScoreComplete;
import dev.credence.client.WebhookEvent.SessionErased;
import dev.credence.client.WebhookEvent.WebhookTest;
import dev.credence.client.WebhookRejectedException.Reason;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link WebhookVerifier} on real deliveries of the real server (every event type), and on the same
 * deliveries tampered with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookVerifierTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private RunningServer server;
  private WebhookReceiver receiver;
  private Deployment deployment;
  private final List<Received> deliveries = new ArrayList<>();

  @BeforeAll
  void everyKindOfEndingDelivered() {
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    receiver = WebhookReceiver.start();
    deployment = server.newDeployment();
    String integration = deployment.productionIntegrationId();
    server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
    server.patchIntegration(
        integration, "{\"webhook_url\": \"" + receiver.url() + "\", \"session_expiry_hours\": 1}");
    CredenceClient client =
        CredenceClient.builder(server.baseUrl(), deployment.productionKey()).build();

    new Applicant(server, client.createSession("HOOK-COMPLETE", integration).accessToken())
        .finish();
    receiver.await(2, WAIT);
    new Applicant(server, client.createSession("HOOK-CANCEL", integration).accessToken()).decline();
    receiver.await(3, WAIT);
    Applicant started =
        new Applicant(server, client.createSession("HOOK-STARTED", integration).accessToken());
    started.consent();
    started.answerFirstPage();
    client.createSession("HOOK-UNOPENED", integration);
    server.clock().advance(Duration.ofHours(2));
    receiver.await(6, WAIT);
    assertThat(client.testWebhook().delivered()).isTrue();
    receiver.await(7, WAIT);
    assertThat(
            server
                .operator(
                    "DELETE",
                    "/v1/admin/integrations/" + integration + "/sessions/HOOK-CANCEL",
                    null)
                .statusCode())
        .isEqualTo(200);
    deliveries.addAll(receiver.await(8, WAIT));
  }

  @AfterAll
  void stop() {
    receiver.close();
    server.close();
  }

  @Test
  void everyEventTypeIsVerifiedAndTyped() {
    List<WebhookEvent> events = deliveries.stream().map(r -> verify(r).event()).toList();

    assertThat(events)
        .extracting(WebhookEvent::type)
        .containsExactlyInAnyOrder(
            "application.complete",
            "psychometric_score.complete",
            "application.cancelled",
            "application.expired",
            "application.incomplete",
            "application.expired",
            "session.erased",
            "webhook.test");
    String integration = deployment.productionIntegrationId();
    assertThat(events).allSatisfy(e -> assertThat(e.integrationId()).isEqualTo(integration));

    ApplicationComplete complete = only(events, ApplicationComplete.class);
    assertThat(complete.uid()).isEqualTo("HOOK-COMPLETE");
    assertThat(complete.startedAt()).isBeforeOrEqualTo(complete.completedAt());
    assertThat(complete.platform()).isEqualTo("WEB");

    PsychometricScoreComplete score = only(events, PsychometricScoreComplete.class);
    assertThat(score.uid()).isEqualTo("HOOK-COMPLETE");
    assertThat(score.details().completedAt()).isEqualTo(complete.completedAt());
    assertThat(score.details().calculated().score()).isBetween(100, 900);
    assertThat(score.details().calculated().flags()).contains("LONG_STRING");

    ApplicationCancelled cancelled = only(events, ApplicationCancelled.class);
    assertThat(cancelled.uid()).isEqualTo("HOOK-CANCEL");
    assertThat(cancelled.reasons()).containsExactly("privacy_policy_rejected");
    assertThat(cancelled.cancelledAt()).isAfterOrEqualTo(cancelled.createdAt());

    List<ApplicationExpired> expired =
        events.stream()
            .filter(ApplicationExpired.class::isInstance)
            .map(ApplicationExpired.class::cast)
            .toList();
    ApplicationExpired unopened =
        expired.stream().filter(e -> e.uid().equals("HOOK-UNOPENED")).findFirst().orElseThrow();
    assertThat(unopened.startedAt()).isNull();
    assertThat(unopened.expiredAt()).isEqualTo(unopened.createdAt().plus(Duration.ofHours(1)));
    assertThat(expired).extracting(WebhookEvent::uid).contains("HOOK-STARTED");

    ApplicationIncomplete incomplete = only(events, ApplicationIncomplete.class);
    assertThat(incomplete.uid()).isEqualTo("HOOK-STARTED");
    assertThat(incomplete.reasons()).startsWith("session_expired", "questionnaire_not_finished");
    assertThat(incomplete.progressPercent()).isBetween(1, 99);

    SessionErased erased = only(events, SessionErased.class);
    assertThat(erased.uid()).isEqualTo("HOOK-CANCEL");
    assertThat(erased.erasedAt()).isAfterOrEqualTo(cancelled.cancelledAt());

    WebhookTest test = only(events, WebhookTest.class);
    assertThat(test.uid()).isEqualTo("webhook-test");
  }

  @Test
  void aVerifiedDeliveryCarriesItsEventIdTimestampAndRawBody() {
    Received first = deliveries.get(0);
    WebhookDelivery delivery = verify(first);

    assertThat(delivery.eventId()).isEqualTo(first.header("X-Credence-Event-Id"));
    assertThat(delivery.idempotencyKey()).isEqualTo(delivery.eventId());
    assertThat(delivery.signedAt().getEpochSecond())
        .isEqualTo(Long.parseLong(first.header("X-Credence-Timestamp")));
    assertThat(delivery.body()).isEqualTo(first.body());
  }

  @Test
  void aChangedBodyIsRefused() {
    Received r = deliveries.get(0);
    byte[] changed = r.text().replace("\"WEB\"", "\"APP\"").getBytes(StandardCharsets.UTF_8);

    assertThat(refusal(at(r), changed, r)).isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void aReSerialisedBodyIsRefused() {
    Received r = deliveries.get(0);
    byte[] spaced = r.text().replace(",", ", ").replace(":", ": ").getBytes(StandardCharsets.UTF_8);

    assertThat(refusal(at(r), spaced, r)).isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void theKeyOfAnotherEnvironmentIsRefused() {
    Received r = deliveries.get(0);
    WebhookVerifier testKey =
        WebhookVerifier.builder(deployment.testKey()).clock(clockAt(r)).build();

    assertThat(refusal(testKey, r.body(), r)).isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void aDeliveryReplayedTenMinutesLaterIsStale() {
    Received r = deliveries.get(0);
    Clock later = Clock.offset(clockAt(r), Duration.ofMinutes(10));
    WebhookVerifier verifier =
        WebhookVerifier.builder(deployment.productionKey()).clock(later).build();

    assertThat(refusal(verifier, r.body(), r)).isEqualTo(Reason.TIMESTAMP_STALE);
    // A wider tolerance takes it.
    assertThat(
            WebhookVerifier.builder(deployment.productionKey())
                .clock(later)
                .tolerance(Duration.ofMinutes(15))
                .build()
                .verify(r.body(), r::header)
                .event())
        .isNotNull();
  }

  @Test
  void aTimestampMovedByOneSecondBreaksTheTimestampedSignature() {
    Received r = deliveries.get(0);
    String moved = String.valueOf(Long.parseLong(r.header("X-Credence-Timestamp")) + 1);

    WebhookRejectedException refused =
        catchThrowableOfType(
            WebhookRejectedException.class,
            () ->
                at(r)
                    .verify(
                        r.body(),
                        r.header("X-Signature"),
                        moved,
                        r.header("X-Credence-Signature"),
                        r.header("X-Credence-Event-Id")));
    assertThat(refused.reason()).isEqualTo(Reason.TIMESTAMPED_SIGNATURE_INVALID);
  }

  @Test
  void missingHeadersAreRefused() {
    Received r = deliveries.get(0);
    WebhookVerifier verifier = at(r);
    byte[] body = r.body();

    assertThat(reason(() -> verifier.verify(body, null, null, null, null)))
        .isEqualTo(Reason.SIGNATURE_MISSING);
    assertThat(
            reason(
                () ->
                    verifier.verify(
                        body,
                        r.header("X-Signature"),
                        r.header("X-Credence-Timestamp"),
                        null,
                        null)))
        .isEqualTo(Reason.TIMESTAMP_MISSING);
    // The vendor's form, X-Signature alone: accepted unless the timestamp is required.
    assertThat(verifier.verify(body, r.header("X-Signature"), null, null, null).eventId()).isNull();
    WebhookVerifier strict =
        WebhookVerifier.builder(deployment.productionKey())
            .clock(clockAt(r))
            .requireTimestamp(true)
            .build();
    assertThat(reason(() -> strict.verify(body, r.header("X-Signature"), null, null, null)))
        .isEqualTo(Reason.TIMESTAMP_MISSING);
  }

  @Test
  void signedButMalformedOrUnknownBodiesAreRefusedWithTheirReason() {
    String key = deployment.productionKey();
    WebhookVerifier verifier = WebhookVerifier.builder(key).build();

    assertThat(reason(() -> signedVendorStyle(verifier, key, "not json")))
        .isEqualTo(Reason.MALFORMED_BODY);
    WebhookRejectedException noUid =
        catchThrowableOfType(
            WebhookRejectedException.class,
            () -> signedVendorStyle(verifier, key, "{\"integration_id\":\"x\",\"event\":{}}"));
    assertThat(noUid.reason()).isEqualTo(Reason.MALFORMED_BODY);
    assertThat(noUid.getMessage()).contains("uid must be a string");
    WebhookRejectedException badTime =
        catchThrowableOfType(
            WebhookRejectedException.class,
            () ->
                signedVendorStyle(
                    verifier,
                    key,
                    "{\"uid\":\"CUST-1\",\"integration_id\":\"x\",\"event\":{\"type\":"
                        + "\"webhook.test\",\"details\":{\"sent_at\":\"yesterday\"}}}"));
    assertThat(badTime.getMessage()).contains("event.details.sent_at must be a whole number");
    assertThat(
            reason(
                () ->
                    signedVendorStyle(
                        verifier,
                        key,
                        "{\"uid\":\"CUST-1\",\"integration_id\":\"x\",\"event\":{\"type\":"
                            + "\"application.renamed\",\"details\":{}}}")))
        .isEqualTo(Reason.UNKNOWN_EVENT_TYPE);
  }

  private WebhookDelivery verify(Received r) {
    return at(r).verify(r.body(), r::header);
  }

  /** A verifier whose clock reads what the server's (test) clock read when it signed {@code r}. */
  private WebhookVerifier at(Received r) {
    return WebhookVerifier.builder(deployment.productionKey()).clock(clockAt(r)).build();
  }

  private static Clock clockAt(Received r) {
    Instant signed = Instant.ofEpochSecond(Long.parseLong(r.header("X-Credence-Timestamp")));
    return Clock.fixed(signed.plusSeconds(1), ZoneOffset.UTC);
  }

  private static Reason refusal(WebhookVerifier verifier, byte[] body, Received r) {
    return reason(() -> verifier.verify(body, r::header));
  }

  private static WebhookDelivery signedVendorStyle(
      WebhookVerifier verifier, String key, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return verifier.verify(bytes, Signatures.sign(key, bytes), null, null, null);
  }

  private static Reason reason(Runnable verification) {
    return catchThrowableOfType(WebhookRejectedException.class, verification::run).reason();
  }

  private static <T extends WebhookEvent> T only(List<WebhookEvent> events, Class<T> type) {
    List<T> matching = events.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
