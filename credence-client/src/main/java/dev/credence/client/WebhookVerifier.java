package dev.credence.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.credence.api.Signatures;
import dev.credence.client.WebhookRejectedException.Reason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a webhook delivery and reads its event. In this order: the raw body is signed by one of
 * the verifier's keys, in {@code X-Signature} or in a {@code v1} entry of {@code
 * X-Credence-Signature}; then, when the delivery carries them (Credence always does; the vendor
 * does not), {@code X-Credence-Timestamp} is within the tolerance of this machine's clock and a
 * {@code v1} entry of {@code X-Credence-Signature} signs the timestamp and the body with one of the
 * keys; then the envelope. Any failure is a {@link WebhookRejectedException} with its {@link
 * Reason}. Thread-safe.
 *
 * <p>While the environment's key is rotated with an overlap, {@code X-Signature} is made with the
 * new key only, and {@code X-Credence-Signature} has an entry by each key: a verifier that still
 * holds the old key accepts the delivery by its entry. A verifier may hold several keys (the old
 * and the new one, during a change of key), and accepts a delivery signed by any of them.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder(apiKey).build();
 * WebhookDelivery delivery = verifier.verify(rawBody, exchange.getRequestHeaders()::getFirst);
 * }</pre>
 */
public final class WebhookVerifier {
  /** How far a delivery's timestamp may be from this machine's clock: 5 minutes unless set. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final List<String> apiKeys;
  private final Duration tolerance;
  private final boolean requireTimestamp;
  private final Clock clock;

  private WebhookVerifier(Builder builder) {
    this.apiKeys = builder.apiKeys;
    this.tolerance = builder.tolerance;
    this.requireTimestamp = builder.requireTimestamp;
    this.clock = builder.clock;
  }

  /**
   * A verifier for the deliveries of the environment whose API key this is; with {@code moreKeys},
   * of any of those keys (the old and the new key during a change of key).
   */
  public static Builder builder(String apiKey, String... moreKeys) {
    List<String> keys = new ArrayList<>();
    keys.add(apiKey);
    keys.addAll(Arrays.asList(moreKeys));
    return new Builder(keys);
  }

  /** A verifier that accepts deliveries signed by any of {@code apiKeys} (at least one). */
  public static Builder builder(List<String> apiKeys) {
    if (apiKeys == null || apiKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one API key is required");
    }
    return new Builder(apiKeys);
  }

  /**
   * Verifies a delivery, reading the headers through {@code header} (a look-up by name that ignores
   * case, such as {@code exchange.getRequestHeaders()::getFirst} or {@code request::getHeader}).
   *
   * @param body the raw request body, exactly the bytes received, before any JSON parsing
   */
  public WebhookDelivery verify(byte[] body, Function<String, String> header) {
    if (header == null) {
      throw new IllegalArgumentException("a look-up of the request's headers is required");
    }
    return verify(
        body,
        header.apply(Signatures.HEADER),
        header.apply(Signatures.TIMESTAMP_HEADER),
        header.apply(Signatures.TIMESTAMPED_HEADER),
        header.apply(Signatures.EVENT_ID_HEADER));
  }

  /** As {@link #verify(byte[], Function)}, with each header's value (null when absent). */
  public WebhookDelivery verify(
      byte[] body,
      String signature,
      String timestamp,
      String timestampedSignature,
      String eventId) {
    if (body == null) {
      throw new IllegalArgumentException("the raw body is required");
    }
    if (signature == null || signature.isBlank()) {
      throw refused(Reason.SIGNATURE_MISSING, "No X-Signature header");
    }
    // During a rotation's overlap X-Signature is made with the new key only: a verifier still on
    // the old key finds the body signed by its key in X-Credence-Signature instead.
    if (!signedBody(body, signature)
        && !signedWithTimestamp(body, timestamp, timestampedSignature)) {
      throw refused(
          Reason.SIGNATURE_INVALID,
          "Neither X-Signature nor X-Credence-Signature signs the body with "
              + (apiKeys.size() == 1 ? "this API key" : "any of these API keys")
              + " (check the key's environment, and that the body is the raw bytes received)");
    }
    Instant signedAt = checkTimestamp(body, timestamp, timestampedSignature);
    WebhookEvent event = read(body);
    return new WebhookDelivery(
        eventId == null || eventId.isBlank() ? null : eventId.strip(), signedAt, event, body);
  }

  private boolean signedBody(byte[] body, String signature) {
    boolean signed = false;
    for (String apiKey : apiKeys) {
      signed |= Signatures.matches(apiKey, body, signature);
    }
    return signed;
  }

  private boolean signedWithTimestamp(byte[] body, String timestamp, String timestampedSignature) {
    return Signatures.verifyTimestamped(
        apiKeys,
        timestamp,
        body,
        timestampedSignature,
        clock.instant().getEpochSecond(),
        tolerance.toSeconds());
  }

  private Instant checkTimestamp(byte[] body, String timestamp, String timestampedSignature) {
    if (timestamp == null && timestampedSignature == null && !requireTimestamp) {
      return null; // a vendor-style delivery: X-Signature is all there is
    }
    if (timestamp == null
        || timestampedSignature == null
        || !timestamp.strip().matches("\\d{1,12}")) {
      throw refused(
          Reason.TIMESTAMP_MISSING,
          "X-Credence-Timestamp (epoch seconds) and X-Credence-Signature must both be present");
    }
    Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
      throw refused(
          Reason.TIMESTAMP_STALE,
          "X-Credence-Timestamp "
              + signedAt
              + " is more than "
              + tolerance.toSeconds()
              + " s from this machine's clock ("
              + now
              + "): a replayed delivery, or a clock that is off");
    }
    if (!Signatures.verifyTimestamped(
        apiKeys,
        timestamp,
        body,
        timestampedSignature,
        now.getEpochSecond(),
        tolerance.toSeconds())) {
      throw refused(
          Reason.TIMESTAMPED_SIGNATURE_INVALID,
          "No v1 entry of X-Credence-Signature signs the timestamp and the body with "
              + (apiKeys.size() == 1 ? "this API key" : "any of these API keys"));
    }
    return signedAt;
  }

  private static WebhookEvent read(byte[] body) {
    WebhookEvent event;
    String type;
    try {
      JsonNode envelope = JSON.readTree(body);
      event = WebhookEvent.read(envelope);
      type = envelope.path("event").path("type").asText();
    } catch (IOException e) {
      throw refused(Reason.MALFORMED_BODY, "The body is not JSON");
    } catch (Fields.Malformed e) {
      throw refused(Reason.MALFORMED_BODY, "The body is not a webhook envelope: " + e.getMessage());
    }
    if (event == null) {
      throw refused(
          Reason.UNKNOWN_EVENT_TYPE,
          "Unknown event type '" + type + "': genuine, so answer 200 and ignore it");
    }
    return event;
  }

  private static WebhookRejectedException refused(Reason reason, String message) {
    return new WebhookRejectedException(reason, message);
  }

  /** Settings of a {@link WebhookVerifier}. */
  public static final class Builder {
    private final List<String> apiKeys;
    private Duration tolerance = DEFAULT_TOLERANCE;
    private boolean requireTimestamp;
    private Clock clock = Clock.systemUTC();

    private Builder(List<String> apiKeys) {
      List<String> keys = new ArrayList<>();
      for (String apiKey : apiKeys) {
        if (apiKey == null || apiKey.isBlank()) {
          throw new IllegalArgumentException("the environment's API key is required");
        }
        keys.add(apiKey.strip());
      }
      this.apiKeys = List.copyOf(keys);
    }

    /** How far the delivery's timestamp may be from this machine's clock; 5 minutes by default. */
    public Builder tolerance(Duration tolerance) {
      this.tolerance = CredenceClient.positive(tolerance, "tolerance");
      return this;
    }

    /**
     * Refuses deliveries without the timestamped signature (replay protection for every delivery).
     * Off by default, so that the vendor's deliveries, which have only {@code X-Signature}, are
     * accepted; Credence always sends it.
     */
    public Builder requireTimestamp(boolean require) {
      this.requireTimestamp = require;
      return this;
    }

    /** The clock timestamps are compared with; the system clock by default. */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock is required");
      }
      this.clock = clock;
      return this;
    }

    public WebhookVerifier build() {
      return new WebhookVerifier(this);
    }
  }
}
