package dev.credence.server.webhooks;

/**
 * The webhook events (docs/webhooks.md, "The events"), declared in the order they are sent when one
 * journey makes several: complete before its score, expired before incomplete.
 */
public enum EventType {
  APPLICATION_COMPLETE("application.complete"),
  PSYCHOMETRIC_SCORE_COMPLETE("psychometric_score.complete"),
  APPLICATION_CANCELLED("application.cancelled"),
  APPLICATION_EXPIRED("application.expired"),
  APPLICATION_INCOMPLETE("application.incomplete");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name lenders see in {@code event.type}. */
  public String wireName() {
    return wireName;
  }

  public static EventType fromWireName(String name) {
    for (EventType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
