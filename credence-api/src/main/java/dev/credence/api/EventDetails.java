package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code event.details} of each event type. Times are epoch seconds; a time the session does not
 * have (such as {@code application_started_at} of an applicant who never consented) is written as
 * null, never left out. Numbers are boxed so that a reader can tell a field that is missing.
 */
public sealed interface EventDetails {

  /** The platform every journey runs on. */
  String WEB = "WEB";

  /** The details record of an event type named on the wire, or null for an unknown type. */
  static Class<? extends EventDetails> forType(String wireName) {
    if (EventType.WEBHOOK_TEST.equals(wireName)) {
      return WebhookTest.class;
    }
    for (EventType type : EventType.values()) {
      if (type.wireName().equals(wireName)) {
        return switch (type) {
          case APPLICATION_COMPLETE -> ApplicationComplete.class;
          case PSYCHOMETRIC_SCORE_COMPLETE -> PsychometricScoreComplete.class;
          case APPLICATION_CANCELLED -> ApplicationCancelled.class;
          case APPLICATION_EXPIRED -> ApplicationExpired.class;
          case APPLICATION_INCOMPLETE -> ApplicationIncomplete.class;
          case SESSION_ERASED -> SessionErased.class;
        };
      }
    }
    return null;
  }

  /** {@code application.complete}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"application_started_at", "application_completed_at", "platform"})
  record ApplicationComplete(
      @JsonProperty("application_started_at") Long applicationStartedAt,
      @JsonProperty("application_completed_at") Long applicationCompletedAt,
      @JsonProperty("platform") String platform)
      implements EventDetails {}

  /**
   * {@code psychometric_score.complete}, and the {@code details} of a scored result in the pull
   * API.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({
    "application_started_at",
    "application_completed_at",
    "scored_at",
    "platform",
    "calculated"
  })
  record PsychometricScoreComplete(
      @JsonProperty("application_started_at") Long applicationStartedAt,
      @JsonProperty("application_completed_at") Long applicationCompletedAt,
      @JsonProperty("scored_at") Long scoredAt,
      @JsonProperty("platform") String platform,
      @JsonProperty("calculated") Calculated calculated)
      implements EventDetails {}

  /** {@code application.cancelled}; its reasons are in {@code event.reasons}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"application_created_at", "application_cancelled_at", "platform"})
  record ApplicationCancelled(
      @JsonProperty("application_created_at") Long applicationCreatedAt,
      @JsonProperty("application_cancelled_at") Long applicationCancelledAt,
      @JsonProperty("platform") String platform)
      implements EventDetails {}

  /** {@code application.expired}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({
    "application_created_at",
    "application_started_at",
    "application_expired_at",
    "platform"
  })
  record ApplicationExpired(
      @JsonProperty("application_created_at") Long applicationCreatedAt,
      @JsonProperty("application_started_at") Long applicationStartedAt,
      @JsonProperty("application_expired_at") Long applicationExpiredAt,
      @JsonProperty("platform") String platform)
      implements EventDetails {}

  /** {@code application.incomplete}; its reasons are in {@code event.reasons}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({
    "application_started_at",
    "application_expired_at",
    "progress_percent",
    "platform"
  })
  record ApplicationIncomplete(
      @JsonProperty("application_started_at") Long applicationStartedAt,
      @JsonProperty("application_expired_at") Long applicationExpiredAt,
      @JsonProperty("progress_percent") Integer progressPercent,
      @JsonProperty("platform") String platform)
      implements EventDetails {}

  /** {@code session.erased}: when the session's data was erased. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SessionErased(@JsonProperty("erased_at") Long erasedAt) implements EventDetails {}

  /** The test delivery ({@link EventType#WEBHOOK_TEST}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record WebhookTest(@JsonProperty("sent_at") Long sentAt) implements EventDetails {}
}
