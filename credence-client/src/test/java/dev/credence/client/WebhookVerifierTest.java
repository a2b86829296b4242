package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookVerifier} on the deliveries of docs/webhooks.md (every event type), signed as the
 * server signs them with the shared rule ({@link Signatures}): by one key, and by two during a
 * rotation's overlap (docs/decisions/0027-key-rotation-with-overlap.md); and on the same deliveries
 * tampered with. No server is needed.
 */
class WebhookVerifierTest {
  private static final Path WEBHOOKS = Path.of("..", "docs", "webhooks.md");
  private static final String KEY = "crd_live_vDAlvdYO4gxuIx19I3WaUXsViOLcGGsOSeLd9c8d";
  private static final String NEW_KEY = "crd_live_N3wKeyAfterTheRotation0123456789abcdef";
  private static final String TEST_KEY = "crd_test_TheOtherEnvironment0123456789abcdefgh";
  private static final long SIGNED_AT = 1795330171L;
  private static final String EVENT_ID = "73d3fb9f498320372cc88b72";
  private static final Pattern ENVELOPE =
      Pattern.compile(
          "\\{\"uid\":\"[^\"]+\",\"integration_id\":\"[0-9a-f]{24}\",\"event\":\\{\"type\":\"([a-z_.]+)\".*\\}");

  /** A delivery as the receiver gets it: the raw body and the headers. */
  private record Delivery(byte[] body, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name);
    }

    Delivery with(String name, String value) {
      Map<String, String> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      changed.putAll(headers);
      if (value == null) {
        changed.remove(name);
      } else {
        changed.put(name, value);
      }
      return new Delivery(body, changed);
    }
  }

  /** {@code body} signed as the server signs it with {@code keys}, the current key first. */
  private static Delivery signed(String body, String... keys) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", "application/json");
    headers.put("X-Signature", Signatures.sign(keys[0], bytes));
    headers.put("X-Credence-Event-Id", EVENT_ID);
    headers.put("X-Credence-Timestamp", Long.toString(SIGNED_AT));
    headers.put(
        "X-Credence-Signature", Signatures.timestampedHeader(List.of(keys), SIGNED_AT, bytes));
    return new Delivery(bytes, headers);
  }

  @Test
  void everyDocumentedEventTypeIsVerifiedAndTyped() {
    Map<String, String> bodies = documentedBodies();
    assertThat(bodies.keySet())
        .containsExactlyInAnyOrder(
            "application.complete",
            "psychometric_score.complete",
            "application.cancelled",
            "application.expired",
            "application.incomplete",
            "application.expired (never started)",
            "session.erased",
            "webhook.test");
    Map<String, WebhookEvent> events = new LinkedHashMap<>();
    bodies.forEach((name, body) -> events.put(name, verify(at(KEY), signed(body, KEY)).event()));
    assertThat(events.values())
        .allSatisfy(e -> assertThat(e.integrationId()).isEqualTo("94c714da5908ad9031709389"));

    ApplicationComplete complete = (ApplicationComplete) events.get("application.complete");
    assertThat(complete.uid()).isEqualTo("APP-2026-000105");
    assertThat(complete.startedAt()).isEqualTo(Instant.ofEpochSecond(1795330005L));
    assertThat(complete.completedAt()).isEqualTo(Instant.ofEpochSecond(1795330171L));
    assertThat(complete.platform()).isEqualTo("WEB");

    PsychometricScoreComplete score =
        (PsychometricScoreComplete) events.get("psychometric_score.complete");
    assertThat(score.details().completedAt()).isEqualTo(complete.completedAt());
    assertThat(score.details().calculated().score()).isEqualTo(364);
    assertThat(score.details().calculated().flags()).containsExactly("RESUMED");

    ApplicationCancelled cancelled = (ApplicationCancelled) events.get("application.cancelled");
    assertThat(cancelled.reasons()).containsExactly("privacy_policy_rejected");
    assertThat(cancelled.cancelledAt()).isAfterOrEqualTo(cancelled.createdAt());

    ApplicationExpired unopened =
        (ApplicationExpired) events.get("application.expired (never started)");
    assertThat(unopened.startedAt()).isNull();
    assertThat(unopened.expiredAt()).isEqualTo(unopened.createdAt().plus(Duration.ofHours(1)));
    ApplicationExpired started = (ApplicationExpired) events.get("application.expired");
    assertThat(started.startedAt()).isNotNull();

    ApplicationIncomplete incomplete = (ApplicationIncomplete) events.get("application.incomplete");
    assertThat(incomplete.reasons()).startsWith("session_expired", "questionnaire_not_finished");
    assertThat(incomplete.progressPercent()).isEqualTo(10);

    assertThat(((SessionErased) events.get("session.erased")).erasedAt()).isNotNull();
    assertThat(((WebhookTest) events.get("webhook.test")).uid()).isEqualTo("webhook-test");
  }

  @Test
  void theWorkedExampleOfTheDocsIsVerified() {
    // docs/webhooks.md, "A worked example": the headers that delivery carried.
    Delivery documented = signed(documentedBodies().get("application.complete"), KEY);
    assertThat(documented.header("X-Signature"))
        .startsWith("66e380e7be52ec29")
        .endsWith("44b41f58f");
    assertThat(documented.header("X-Credence-Signature"))
        .startsWith("v1=8dea442b19b23a00")
        .endsWith("3f12eb3a06")
        .hasSize(131);
    assertThat(verify(at(KEY), documented).eventId()).isEqualTo(EVENT_ID);
  }

  @Test
  void aVerifiedDeliveryCarriesItsEventIdTimestampAndRawBody() {
    Delivery d = signed(complete(), KEY);
    WebhookDelivery delivery = verify(at(KEY), d);

    assertThat(delivery.eventId()).isEqualTo(EVENT_ID);
    assertThat(delivery.idempotencyKey()).isEqualTo(EVENT_ID);
    assertThat(delivery.signedAt()).isEqualTo(Instant.ofEpochSecond(SIGNED_AT));
    assertThat(delivery.body()).isEqualTo(d.body());
  }

  @Test
  void aChangedBodyIsRefused() {
    Delivery d = signed(complete(), KEY);
    byte[] changed = complete().replace("\"WEB\"", "\"APP\"").getBytes(StandardCharsets.UTF_8);

    assertThat(reason(at(KEY), new Delivery(changed, d.headers())))
        .isEqualTo(Reason.SIGNATURE_INVALID);
    // During an overlap too, with either key.
    Delivery both = signed(complete(), NEW_KEY, KEY);
    for (String key : List.of(KEY, NEW_KEY)) {
      assertThat(reason(at(key), new Delivery(changed, both.headers())))
          .isEqualTo(Reason.SIGNATURE_INVALID);
    }
  }

  @Test
  void aReSerialisedBodyIsRefused() {
    Delivery d = signed(complete(), KEY);
    byte[] spaced =
        complete().replace(",", ", ").replace(":", ": ").getBytes(StandardCharsets.UTF_8);

    assertThat(reason(at(KEY), new Delivery(spaced, d.headers())))
        .isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void theKeyOfAnotherEnvironmentIsRefused() {
    assertThat(reason(at(TEST_KEY), signed(complete(), KEY))).isEqualTo(Reason.SIGNATURE_INVALID);
    assertThat(reason(at(TEST_KEY), signed(complete(), NEW_KEY, KEY)))
        .isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void duringAnOverlapAReceiverWithEitherKeyAcceptsTheDelivery() {
    // X-Signature by the new key only; X-Credence-Signature by the new key, then the old one.
    Delivery both = signed(complete(), NEW_KEY, KEY);
    assertThat(Signatures.timestampedSignatures(both.header("X-Credence-Signature"))).hasSize(2);

    assertThat(verify(at(KEY), both).event().uid()).isEqualTo("APP-2026-000105");
    assertThat(verify(at(NEW_KEY), both).event().uid()).isEqualTo("APP-2026-000105");
    // Still replay-protected: the old key's entry only counts with a fresh timestamp.
    WebhookVerifier later =
        WebhookVerifier.builder(KEY).clock(Clock.offset(clockAt(), Duration.ofMinutes(10))).build();
    assertThat(reason(later, both)).isEqualTo(Reason.SIGNATURE_INVALID);
    // Without the timestamped signature, only X-Signature is left: the new key's.
    assertThat(reason(at(KEY), both.with("X-Credence-Signature", null)))
        .isEqualTo(Reason.SIGNATURE_INVALID);
    assertThat(
            verify(
                    at(NEW_KEY),
                    both.with("X-Credence-Signature", null).with("X-Credence-Timestamp", null))
                .eventId())
        .isEqualTo(EVENT_ID);
  }

  @Test
  void aVerifierWithTheOldAndTheNewKeyAcceptsEitherKeysDeliveries() {
    WebhookVerifier rolling = at(KEY, NEW_KEY);
    for (Delivery d :
        List.of(
            signed(complete(), KEY),
            signed(complete(), NEW_KEY),
            signed(complete(), NEW_KEY, KEY))) {
      assertThat(verify(rolling, d).eventId()).isEqualTo(EVENT_ID);
    }
    // The vendor's form, X-Signature alone, by either key.
    for (String key : List.of(KEY, NEW_KEY)) {
      byte[] body = complete().getBytes(StandardCharsets.UTF_8);
      assertThat(rolling.verify(body, Signatures.sign(key, body), null, null, null).event())
          .isNotNull();
    }
    assertThat(reason(rolling, signed(complete(), TEST_KEY))).isEqualTo(Reason.SIGNATURE_INVALID);
    assertThat(
            verify(
                    WebhookVerifier.builder(List.of(TEST_KEY, NEW_KEY)).clock(clockAt()).build(),
                    signed(complete(), NEW_KEY, KEY))
                .eventId())
        .isEqualTo(EVENT_ID);
  }

  @Test
  void theKeysMustBeGiven() {
    assertThatThrownBy(() -> WebhookVerifier.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookVerifier.builder(KEY, " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookVerifier.builder((String) null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyV1EntriesOfTheTimestampedSignatureCount() {
    Delivery d = signed(complete(), KEY);
    String hex = Signatures.signTimestamped(KEY, SIGNED_AT, d.body());

    // The bare hex of before this form, or another scheme, signs nothing.
    for (String header : List.of(hex, "v2=" + hex, "v1=" + hex.substring(2))) {
      assertThat(reason(at(KEY), d.with("X-Credence-Signature", header)))
          .as(header)
          .isEqualTo(Reason.TIMESTAMPED_SIGNATURE_INVALID);
    }
    // An entry of a later scheme beside it, or spaces around entries, change nothing.
    for (String header : List.of("v2=abc,v1=" + hex, " v1=" + hex + " ", "v1=00, v1=" + hex)) {
      assertThat(verify(at(KEY), d.with("X-Credence-Signature", header)).eventId())
          .as(header)
          .isEqualTo(EVENT_ID);
    }
  }

  @Test
  void aDeliveryReplayedTenMinutesLaterIsStale() {
    Delivery d = signed(complete(), KEY);
    Clock later = Clock.offset(clockAt(), Duration.ofMinutes(10));
    WebhookVerifier verifier = WebhookVerifier.builder(KEY).clock(later).build();

    assertThat(reason(verifier, d)).isEqualTo(Reason.TIMESTAMP_STALE);
    // A wider tolerance takes it.
    assertThat(
            verify(
                    WebhookVerifier.builder(KEY)
                        .clock(later)
                        .tolerance(Duration.ofMinutes(15))
                        .build(),
                    d)
                .event())
        .isNotNull();
  }

  @Test
  void aTimestampMovedByOneSecondBreaksTheTimestampedSignature() {
    Delivery d = signed(complete(), KEY);
    Delivery moved = d.with("X-Credence-Timestamp", String.valueOf(SIGNED_AT + 1));

    assertThat(reason(at(KEY), moved)).isEqualTo(Reason.TIMESTAMPED_SIGNATURE_INVALID);
    // During an overlap the old key's entry breaks the same way.
    Delivery both = signed(complete(), NEW_KEY, KEY);
    assertThat(
            reason(at(NEW_KEY), both.with("X-Credence-Timestamp", String.valueOf(SIGNED_AT + 1))))
        .isEqualTo(Reason.TIMESTAMPED_SIGNATURE_INVALID);
  }

  @Test
  void missingHeadersAreRefused() {
    Delivery d = signed(complete(), KEY);
    WebhookVerifier verifier = at(KEY);
    byte[] body = d.body();

    assertThat(reason(() -> verifier.verify(body, null, null, null, null)))
        .isEqualTo(Reason.SIGNATURE_MISSING);
    assertThat(
            reason(
                () ->
                    verifier.verify(
                        body,
                        d.header("X-Signature"),
                        d.header("X-Credence-Timestamp"),
                        null,
                        null)))
        .isEqualTo(Reason.TIMESTAMP_MISSING);
    // The vendor's form, X-Signature alone: accepted unless the timestamp is required.
    assertThat(verifier.verify(body, d.header("X-Signature"), null, null, null).eventId()).isNull();
    WebhookVerifier strict =
        WebhookVerifier.builder(KEY).clock(clockAt()).requireTimestamp(true).build();
    assertThat(reason(() -> strict.verify(body, d.header("X-Signature"), null, null, null)))
        .isEqualTo(Reason.TIMESTAMP_MISSING);
  }

  @Test
  void signedButMalformedOrUnknownBodiesAreRefusedWithTheirReason() {
    WebhookVerifier verifier = WebhookVerifier.builder(KEY).build();

    assertThat(reason(() -> signedVendorStyle(verifier, "not json")))
        .isEqualTo(Reason.MALFORMED_BODY);
    WebhookRejectedException noUid =
        catchThrowableOfType(
            WebhookRejectedException.class,
            () -> signedVendorStyle(verifier, "{\"integration_id\":\"x\",\"event\":{}}"));
    assertThat(noUid.reason()).isEqualTo(Reason.MALFORMED_BODY);
    assertThat(noUid.getMessage()).contains("uid must be a string");
    WebhookRejectedException badTime =
        catchThrowableOfType(
            WebhookRejectedException.class,
            () ->
                signedVendorStyle(
                    verifier,
                    "{\"uid\":\"CUST-1\",\"integration_id\":\"x\",\"event\":{\"type\":"
                        + "\"webhook.test\",\"details\":{\"sent_at\":\"yesterday\"}}}"));
    assertThat(badTime.getMessage()).contains("event.details.sent_at must be a whole number");
    assertThat(
            reason(
                () ->
                    signedVendorStyle(
                        verifier,
                        "{\"uid\":\"CUST-1\",\"integration_id\":\"x\",\"event\":{\"type\":"
                            + "\"application.renamed\",\"details\":{}}}")))
        .isEqualTo(Reason.UNKNOWN_EVENT_TYPE);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * The one-line envelopes of docs/webhooks.md's examples ("exactly as sent"), by event type; an
   * {@code application.expired} of a session never started is named so.
   */
  private static Map<String, String> documentedBodies() {
    Map<String, String> bodies = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(WEBHOOKS, StandardCharsets.UTF_8)) {
        Matcher envelope = ENVELOPE.matcher(line);
        if (envelope.matches()) {
          String type = envelope.group(1);
          boolean neverStarted = line.contains("\"application_started_at\":null");
          bodies.put(neverStarted ? type + " (never started)" : type, line);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + WEBHOOKS, e);
    }
    return bodies;
  }

  private static String complete() {
    return documentedBodies().get("application.complete");
  }

  /** A verifier holding {@code keys}, whose clock reads one second after the delivery's signing. */
  private static WebhookVerifier at(String... keys) {
    return WebhookVerifier.builder(List.of(keys)).clock(clockAt()).build();
  }

  private static Clock clockAt() {
    return Clock.fixed(Instant.ofEpochSecond(SIGNED_AT + 1), ZoneOffset.UTC);
  }

  private static WebhookDelivery verify(WebhookVerifier verifier, Delivery d) {
    return verifier.verify(d.body(), d::header);
  }

  private static Reason reason(WebhookVerifier verifier, Delivery d) {
    return reason(() -> verify(verifier, d));
  }

  private static WebhookDelivery signedVendorStyle(WebhookVerifier verifier, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return verifier.verify(bytes, Signatures.sign(KEY, bytes), null, null, null);
  }

  private static Reason reason(Runnable verification) {
    return catchThrowableOfType(WebhookRejectedException.class, verification::run).reason();
  }
}
