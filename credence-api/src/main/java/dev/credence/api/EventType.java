package dev.credence.api;

/**
 * The events of a session's webhook deliveries, declared in the order they are sent when one ending
 * makes several: complete before its score, expired before incomplete, and an erasure after
 * everything else.
 *
 * <p>The test delivery's type, {@link #WEBHOOK_TEST}, is not one of them: it belongs to no session
 * and is never stored or retried.
 */
public enum EventType {
  APPLICATION_COMPLETE(WireNames.APPLICATION_COMPLETE),
  PSYCHOMETRIC_SCORE_COMPLETE(WireNames.PSYCHOMETRIC_SCORE_COMPLETE),
  APPLICATION_CANCELLED(WireNames.APPLICATION_CANCELLED),
  APPLICATION_EXPIRED(WireNames.APPLICATION_EXPIRED),
  APPLICATION_INCOMPLETE(WireNames.APPLICATION_INCOMPLETE),
  /** The session's data was erased: always a session's last event (docs/webhooks.md). */
  SESSION_ERASED(WireNames.SESSION_ERASED);

  /** {@code event.type} of the delivery the webhook test call sends. */
  public static final String WEBHOOK_TEST = WireNames.WEBHOOK_TEST;

  /**
   * The wire names as compile-time constants, for {@code case} labels of a switch over {@code
   * event.type}; the enum's values carry the same strings.
   */
  public static final class WireNames {
    public static final String APPLICATION_COMPLETE = "application.complete";
    public static final String PSYCHOMETRIC_SCORE_COMPLETE = "psychometric_score.complete";
    public static final String APPLICATION_CANCELLED = "application.cancelled";
    public static final String APPLICATION_EXPIRED = "application.expired";
    public static final String APPLICATION_INCOMPLETE = "application.incomplete";
    public static final String SESSION_ERASED = "session.erased";
    public static final String WEBHOOK_TEST = "webhook.test";

    private WireNames() {}
  }

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name lenders see in {@code event.type}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The type named {@code name} on the wire.
   *
   * @throws IllegalArgumentException if no event type has that name
   */
  public static EventType fromWireName(String name) {
    for (EventType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
