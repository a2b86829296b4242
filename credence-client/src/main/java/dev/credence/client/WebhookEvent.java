package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventDetails;
import dev.credence.api.EventType;
import dev.credence.api.WebhookEnvelope;
import java.time.Instant;
import java.util.List;

/**
 * The event of a webhook delivery, typed by {@code event.type}. Every event names the uid and the
 * integration (environment) it belongs to; times are in whole seconds. Switch over the records
 * (Java 21; on Java 17, test them with {@code instanceof}):
 *
 * <pre>{@code
 * switch (delivery.event()) {
 *   case WebhookEvent.PsychometricScoreComplete score -> decide(score.uid(), score.details());
 *   case WebhookEvent.ApplicationCancelled cancelled -> ...
 *   default -> {} // the others
 * }
 * }</pre>
 */
public sealed interface WebhookEvent {
  String uid();

  String integrationId();

  /** The {@code event.type}, such as {@code application.complete}. */
  String type();

  /** {@code application.complete}: the applicant answered the last step. */
  record ApplicationComplete(
      String uid, String integrationId, Instant startedAt, Instant completedAt, String platform)
      implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.APPLICATION_COMPLETE;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code psychometric_score.complete}: the result, right after {@code application.complete}. */
  record PsychometricScoreComplete(String uid, String integrationId, ScoreDetails details)
      implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.PSYCHOMETRIC_SCORE_COMPLETE;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code application.cancelled}: the applicant declined consent. */
  record ApplicationCancelled(
      String uid,
      String integrationId,
      Instant createdAt,
      Instant cancelledAt,
      String platform,
      List<String> reasons)
      implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.APPLICATION_CANCELLED;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code application.expired}: the time limit passed first. {@code startedAt} is null if the
   * applicant never consented.
   */
  record ApplicationExpired(
      String uid,
      String integrationId,
      Instant createdAt,
      Instant startedAt,
      Instant expiredAt,
      String platform)
      implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.APPLICATION_EXPIRED;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code application.incomplete}: after {@code application.expired}, when the applicant had
   * started; {@code reasons} are {@code session_expired} then {@code <module>_not_finished}.
   */
  record ApplicationIncomplete(
      String uid,
      String integrationId,
      Instant startedAt,
      Instant expiredAt,
      int progressPercent,
      String platform,
      List<String> reasons)
      implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.APPLICATION_INCOMPLETE;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code session.erased}: the operator, a dashboard user or the environment's retention erased
   * the session's data; always its last event. Delete what you keep of it under this uid.
   */
  record SessionErased(String uid, String integrationId, Instant erasedAt) implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.SESSION_ERASED;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code webhook.test}: sent only by the webhook test call, with the uid {@code webhook-test}.
   */
  record WebhookTest(String uid, String integrationId, Instant sentAt) implements WebhookEvent {
    public static final String TYPE = EventType.WireNames.WEBHOOK_TEST;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * Reads the envelope {@code {"uid", "integration_id", "event": {"type", "details", "reasons"}}}.
   *
   * @throws Fields.Malformed if it does not have the documented shape
   * @return null for an event type this client does not know
   */
  static WebhookEvent read(JsonNode body) {
    WebhookEnvelope envelope = Wire.read(body, WebhookEnvelope.class, "");
    String uid = Wire.text(envelope.uid(), "uid");
    String integrationId = Wire.text(envelope.integrationId(), "integration_id");
    WebhookEnvelope.Event event = Wire.object(envelope.event(), "event");
    ObjectNode d = Wire.object(event.details(), "event.details");
    String details = "event.details";
    return switch (Wire.text(event.type(), "event.type")) {
      case ApplicationComplete.TYPE -> {
        var c = Wire.read(d, EventDetails.ApplicationComplete.class, details);
        yield new ApplicationComplete(
            uid,
            integrationId,
            Wire.time(c.applicationStartedAt(), details + ".application_started_at"),
            Wire.time(c.applicationCompletedAt(), details + ".application_completed_at"),
            Wire.text(c.platform(), details + ".platform"));
      }
      case PsychometricScoreComplete.TYPE ->
          new PsychometricScoreComplete(
              uid,
              integrationId,
              ScoreDetails.read(
                  Wire.read(d, EventDetails.PsychometricScoreComplete.class, details), details));
      case ApplicationCancelled.TYPE -> {
        var c = Wire.read(d, EventDetails.ApplicationCancelled.class, details);
        yield new ApplicationCancelled(
            uid,
            integrationId,
            Wire.time(c.applicationCreatedAt(), details + ".application_created_at"),
            Wire.time(c.applicationCancelledAt(), details + ".application_cancelled_at"),
            Wire.text(c.platform(), details + ".platform"),
            Wire.strings(event.reasons(), "event.reasons"));
      }
      case ApplicationExpired.TYPE -> {
        var e = Wire.read(d, EventDetails.ApplicationExpired.class, details);
        yield new ApplicationExpired(
            uid,
            integrationId,
            Wire.time(e.applicationCreatedAt(), details + ".application_created_at"),
            Wire.optionalTime(e.applicationStartedAt()),
            Wire.time(e.applicationExpiredAt(), details + ".application_expired_at"),
            Wire.text(e.platform(), details + ".platform"));
      }
      case ApplicationIncomplete.TYPE -> {
        var i = Wire.read(d, EventDetails.ApplicationIncomplete.class, details);
        yield new ApplicationIncomplete(
            uid,
            integrationId,
            Wire.time(i.applicationStartedAt(), details + ".application_started_at"),
            Wire.time(i.applicationExpiredAt(), details + ".application_expired_at"),
            (int) Wire.integer(i.progressPercent(), details + ".progress_percent"),
            Wire.text(i.platform(), details + ".platform"),
            Wire.strings(event.reasons(), "event.reasons"));
      }
      case SessionErased.TYPE ->
          new SessionErased(
              uid,
              integrationId,
              Wire.time(
                  Wire.read(d, EventDetails.SessionErased.class, details).erasedAt(),
                  details + ".erased_at"));
      case WebhookTest.TYPE ->
          new WebhookTest(
              uid,
              integrationId,
              Wire.time(
                  Wire.read(d, EventDetails.WebhookTest.class, details).sentAt(),
                  details + ".sent_at"));
      default -> null;
    };
  }
}
