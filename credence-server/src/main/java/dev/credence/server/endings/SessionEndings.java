package dev.credence.server.endings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventType;
import dev.credence.server.assessment.AssessmentConfig;
import dev.credence.server.assessment.AssessmentService;
import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.assessment.Journey;
import dev.credence.server.assessment.JourneyEndings;
import dev.credence.server.deployments.Environment;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scored;
import dev.credence.server.results.Scorer;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionLifecycle.Change;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.NewEvent;
import dev.credence.server.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * How a session ends: completed, cancelled or expired. Each ending is one transaction that moves
 * the session to its final status, stores the result (when completed) and its events, so nothing
 * acknowledged to the applicant is lost and no event exists without its ending; delivery starts
 * once it commits. Whoever ends a session first wins; a second caller changes nothing.
 */
public final class SessionEndings implements JourneyEndings {
  /** Reason of {@code application.cancelled}: the applicant declined the privacy policy. */
  public static final String PRIVACY_POLICY_REJECTED = "privacy_policy_rejected";

  /** First reason of {@code application.incomplete}; the unfinished modules follow. */
  public static final String SESSION_EXPIRED = "session_expired";

  private static final String PLATFORM = "WEB";

  private final Jdbi jdbi;
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final AssessmentService assessment;
  private final Scorer scorer;
  private final Webhooks webhooks;
  private final Clock clock;

  public SessionEndings(
      Jdbi jdbi,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      AssessmentService assessment,
      Scorer scorer,
      Webhooks webhooks,
      Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.assessment = assessment;
    this.scorer = scorer;
    this.webhooks = webhooks;
    this.clock = clock;
  }

  /**
   * Completes a session whose last step is answered: scores it, stores the result, and sends {@code
   * application.complete} then {@code psychometric_score.complete}. Returns whether this call
   * completed it.
   */
  @Override
  public boolean complete(View view) {
    if (!(view.position().step() instanceof Journey.Done)) {
      return false;
    }
    return complete(view, scorer.score(view, assessment.sheet(view)));
  }

  /**
   * Completes a session with a result already scored ({@code scored}): a journey's own, or a
   * simulation's scripted one. The same transaction and events as {@link #complete(View)}.
   */
  boolean complete(View view, Scored scored) {
    Session session = view.session();
    Instant now = scored.scoredAt();
    boolean done =
        jdbi.inTransaction(
            h -> {
              if (!lifecycle.end(h, session.id(), Change.COMPLETE, now)) {
                return false;
              }
              ResultStore.insert(h, session.id(), session.integrationId(), session.uid(), scored);
              Instant started = view.row().startedAt();
              ObjectNode complete = NewEvent.newDetails();
              putTime(complete, "application_started_at", started);
              putTime(complete, "application_completed_at", now);
              complete.put("platform", PLATFORM);
              ObjectNode score = NewEvent.newDetails();
              putTime(score, "application_started_at", started);
              putTime(score, "application_completed_at", now);
              putTime(score, "scored_at", now);
              score.put("platform", PLATFORM);
              score.set("calculated", scored.calculated());
              store(
                  h,
                  session,
                  List.of(
                      NewEvent.of(EventType.APPLICATION_COMPLETE, complete),
                      NewEvent.of(EventType.PSYCHOMETRIC_SCORE_COMPLETE, score)),
                  now);
              return true;
            });
    if (done) {
      webhooks.dispatch(session.id());
    }
    return done;
  }

  /** The applicant declined the privacy policy: {@code application.cancelled}. */
  @Override
  public boolean cancel(View view) {
    Session session = view.session();
    Instant now = clock.instant();
    boolean done =
        jdbi.inTransaction(
            h -> {
              if (!lifecycle.end(h, session.id(), Change.CANCEL, now)) {
                return false;
              }
              ObjectNode details = NewEvent.newDetails();
              putTime(details, "application_created_at", session.createdAt());
              putTime(details, "application_cancelled_at", now);
              details.put("platform", PLATFORM);
              store(
                  h,
                  session,
                  List.of(
                      new NewEvent(
                          EventType.APPLICATION_CANCELLED,
                          details,
                          List.of(PRIVACY_POLICY_REJECTED))),
                  now);
              return true;
            });
    if (done) {
      webhooks.dispatch(session.id());
    }
    return done;
  }

  /**
   * Ends a session past its time limit: {@code application.expired}, then, if the applicant had
   * started, {@code application.incomplete} with the modules left unfinished. A session with every
   * step answered is completed instead. Returns whether this call ended it (false when it was not
   * open or not yet due).
   */
  @Override
  public boolean expire(Session session, Environment environment) {
    Instant now = clock.instant();
    View view = assessment.view(session, environment);
    if (view.position().step() instanceof Journey.Done) {
      // Every step was answered, but the visit that completes it never came (a lost
      // connection after the last answer): it is complete, not incomplete.
      return complete(view);
    }
    Instant started = view.row().startedAt();
    boolean done =
        jdbi.inTransaction(
            h -> {
              if (!lifecycle.end(h, session.id(), Change.EXPIRE, now)) {
                return false;
              }
              List<NewEvent> events = new ArrayList<>();
              ObjectNode expired = NewEvent.newDetails();
              putTime(expired, "application_created_at", session.createdAt());
              putTime(expired, "application_started_at", started);
              putTime(expired, "application_expired_at", session.expiresAt());
              expired.put("platform", PLATFORM);
              events.add(NewEvent.of(EventType.APPLICATION_EXPIRED, expired));
              if (started != null) {
                ObjectNode incomplete = NewEvent.newDetails();
                putTime(incomplete, "application_started_at", started);
                putTime(incomplete, "application_expired_at", session.expiresAt());
                incomplete.put("progress_percent", view.position().percent());
                incomplete.put("platform", PLATFORM);
                events.add(
                    new NewEvent(EventType.APPLICATION_INCOMPLETE, incomplete, unfinished(view)));
              }
              store(h, session, events, now);
              return true;
            });
    if (done) {
      webhooks.dispatch(session.id());
    }
    return done;
  }

  /** {@link #SESSION_EXPIRED}, then "{module}_not_finished" for each module left unfinished. */
  static List<String> unfinished(View view) {
    List<String> reasons = new ArrayList<>(List.of(SESSION_EXPIRED));
    List<AssessmentConfig.Module> modules = view.config().modules();
    int current = view.position().module(); // 1-based; 0 before consent
    for (int i = Math.max(0, current - 1); i < modules.size(); i++) {
      reasons.add(modules.get(i).type() + "_not_finished");
    }
    return reasons;
  }

  private void store(Handle h, Session session, List<NewEvent> events, Instant now) {
    int round = sessions.round(h, session.id());
    EventStore.insert(
        h,
        session.id(),
        session.integrationId(),
        session.uid(),
        session.simulated(),
        round,
        events,
        now,
        webhooks.retryUntil(now));
  }

  private static void putTime(ObjectNode details, String name, Instant time) {
    if (time == null) {
      details.putNull(name);
    } else {
      details.put(name, time.getEpochSecond());
    }
  }
}
