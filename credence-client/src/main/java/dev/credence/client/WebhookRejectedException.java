package dev.credence.client;

/**
 * A webhook delivery that {@link WebhookVerifier} refused, with the reason. Answer {@code 401} (or
 * {@code 400}) to a refused delivery, except for {@link Reason#UNKNOWN_EVENT_TYPE}: that one is
 * genuine, so answer {@code 200} and ignore it, or it is retried for days.
 */
public final class WebhookRejectedException extends RuntimeException {

  /** Why a delivery was refused. */
  public enum Reason {
    /** No {@code X-Signature} header. */
    SIGNATURE_MISSING,
    /**
     * Neither {@code X-Signature} nor a {@code v1} entry of {@code X-Credence-Signature} signs the
     * raw body with the verifier's key (or any of its keys).
     */
    SIGNATURE_INVALID,
    /**
     * Only one of {@code X-Credence-Timestamp} and {@code X-Credence-Signature} came, or neither
     * while the verifier requires them, or the timestamp is not epoch seconds.
     */
    TIMESTAMP_MISSING,
    /**
     * {@code X-Credence-Timestamp} is further from now than the tolerance: a replay, or a clock
     * off.
     */
    TIMESTAMP_STALE,
    /**
     * No {@code v1} entry of {@code X-Credence-Signature} signs the timestamp and the body with the
     * verifier's key (or any of its keys).
     */
    TIMESTAMPED_SIGNATURE_INVALID,
    /** Signed, but not the documented envelope (not JSON, a field missing or of the wrong type). */
    MALFORMED_BODY,
    /** Signed and well formed, of an event type this client does not know: answer 200. */
    UNKNOWN_EVENT_TYPE
  }

  private final Reason reason;

  public WebhookRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
