package dev.credence.client;

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
    public static final String TYPE = "application.complete";

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code psychometric_score.complete}: the result, right after {@code application.complete}. */
  record PsychometricScoreComplete(String uid, String integrationId, ScoreDetails details)
      implements WebhookEvent {
    public static final String TYPE = "psychometric_score.complete";

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
    public static final String TYPE = "application.cancelled";

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
    public static final String TYPE = "application.expired";

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
    public static final String TYPE = "application.incomplete";

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code webhook.test}: sent only by the webhook test call, with the uid {@code webhook-test}.
   */
  record WebhookTest(String uid, String integrationId, Instant sentAt) implements WebhookEvent {
    public static final String TYPE = "webhook.test";

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
  static WebhookEvent read(Fields envelope) {
    String uid = envelope.text("uid");
    String integrationId = envelope.text("integration_id");
    Fields event = envelope.object("event");
    Fields d = event.object("details");
    return switch (event.text("type")) {
      case ApplicationComplete.TYPE ->
          new ApplicationComplete(
              uid,
              integrationId,
              d.time("application_started_at"),
              d.time("application_completed_at"),
              d.text("platform"));
      case PsychometricScoreComplete.TYPE ->
          new PsychometricScoreComplete(uid, integrationId, ScoreDetails.read(d));
      case ApplicationCancelled.TYPE ->
          new ApplicationCancelled(
              uid,
              integrationId,
              d.time("application_created_at"),
              d.time("application_cancelled_at"),
              d.text("platform"),
              event.strings("reasons"));
      case ApplicationExpired.TYPE ->
          new ApplicationExpired(
              uid,
              integrationId,
              d.time("application_created_at"),
              d.optionalTime("application_started_at"),
              d.time("application_expired_at"),
              d.text("platform"));
      case ApplicationIncomplete.TYPE ->
          new ApplicationIncomplete(
              uid,
              integrationId,
              d.time("application_started_at"),
              d.time("application_expired_at"),
              (int) d.integer("progress_percent"),
              d.text("platform"),
              event.strings("reasons"));
      case WebhookTest.TYPE -> new WebhookTest(uid, integrationId, d.time("sent_at"));
      default -> null;
    };
  }
}
