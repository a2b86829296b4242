package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.api.Signatures;
import dev.credence.client.WebhookRejectedException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookVerifier} without a server: the documented {@code application.complete} delivery of
 * docs/webhooks.md signed as the server signs it with the shared rule ({@link Signatures}), by one
 * key and by two during a key rotation's overlap
 * (docs/decisions/0027-key-rotation-with-overlap.md), checked by verifiers holding one key or
 * several, and tampered with.
 */
class WebhookVerifierLocalTest {
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
  void theWorkedExampleOfTheDocsIsVerified() {
    // docs/webhooks.md, "A worked example": the headers that delivery carried.
    Delivery documented = signed(complete(), KEY);
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

  // --- helpers ----------------------------------------------------------------------------------

  /** The documented {@code application.complete} body, exactly as sent (one line). */
  private static String complete() {
    try {
      return Files.readAllLines(WEBHOOKS, StandardCharsets.UTF_8).stream()
          .filter(line -> ENVELOPE.matcher(line).matches())
          .filter(line -> line.contains("\"type\":\"application.complete\""))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no application.complete body in " + WEBHOOKS));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + WEBHOOKS, e);
    }
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
