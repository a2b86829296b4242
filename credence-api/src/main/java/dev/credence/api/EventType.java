package dev.credence.api;

/**
 * The events of a session's webhook deliveries, declared in the order they are sent when one ending
 * makes several: complete before its score, expired before incomplete.
 *
 * <p>The test delivery's type, {@link #WEBHOOK_TEST}, is not one of them: it belongs to no session
 * and is never stored or retried.
 */
public enum EventType {
  APPLICATION_COMPLETE("application.complete"),
  PSYCHOMETRIC_SCORE_COMPLETE("psychometric_score.complete"),
  APPLICATION_CANCELLED("application.cancelled"),
  APPLICATION_EXPIRED("application.expired"),
  APPLICATION_INCOMPLETE("application.incomplete");

  /** {@code event.type} of the delivery the webhook test call sends. */
  public static final String WEBHOOK_TEST = "webhook.test";

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
