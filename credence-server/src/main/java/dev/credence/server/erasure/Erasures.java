package dev.credence.server.erasure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventType;
import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.Environment;
import dev.credence.server.endings.SessionAudit;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.NewEvent;
import dev.credence.server.webhooks.Webhooks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Erasing a session's data (docs/decisions/0023-erasure-and-retention.md), for the operator API,
 * the command line, the dashboard and the retention sweep alike. One transaction deletes everything
 * the session left: its journey ({@link AssessmentModules#sessionTables}), its result, its events
 * with their delivery logs (so a pending one is never sent), the environment's loan outcomes of its
 * uid; turns its row into a tombstone ({@link SessionLifecycle#erase}); takes the uid out of the
 * audit entries that named it; queues {@code session.erased}; and records the erasure in the
 * company's audit log. Whoever erases a session first wins; a second caller changes nothing.
 */
public final class Erasures {
  /** The tables other than sessions that hold a session's rows by {@code session_id}. */
  static final List<String> OTHER_SESSION_TABLES = List.of("results", "events");

  private final Jdbi jdbi;
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final List<String> journeyTables;
  private final UnaryOperator<Instant> retryUntil;
  private final Consumer<String> dispatch;
  private final AuditLog audit;
  private final Clock clock;
  private final Map<String, Counter> erasures = new HashMap<>();

  /**
   * On a serving node: {@code session.erased} goes out through its {@code webhooks} as soon as the
   * erasure commits.
   *
   * @param meters where {@code credence_erasures_total} counts the sessions erased, by who erased
   *     them ({@link ErasedBy#label}), each once its transaction is committed
   */
  public Erasures(
      Jdbi jdbi,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      AssessmentModules modules,
      Webhooks webhooks,
      AuditLog audit,
      Clock clock,
      MeterRegistry meters) {
    this(
        jdbi,
        sessions,
        lifecycle,
        modules,
        webhooks::retryUntil,
        webhooks::dispatch,
        audit,
        clock,
        meters);
  }

  /**
   * Without a scheduler of its own (the command line): {@code session.erased} waits in the outbox
   * until a serving node's repair pass sends it, a minute or two later, or its next start.
   *
   * @param retryFor how long the event is retried once it is sent ({@code
   *     CREDENCE_WEBHOOK_RETRY_SECONDS})
   */
  public static Erasures withoutScheduler(
      Jdbi jdbi,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      AssessmentModules modules,
      Duration retryFor,
      AuditLog audit,
      Clock clock,
      MeterRegistry meters) {
    return new Erasures(
        jdbi,
        sessions,
        lifecycle,
        modules,
        now -> now.plus(retryFor),
        sessionId -> {},
        audit,
        clock,
        meters);
  }

  private Erasures(
      Jdbi jdbi,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      AssessmentModules modules,
      UnaryOperator<Instant> retryUntil,
      Consumer<String> dispatch,
      AuditLog audit,
      Clock clock,
      MeterRegistry meters) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.journeyTables = modules.sessionTables();
    this.retryUntil = retryUntil;
    this.dispatch = dispatch;
    this.audit = audit;
    this.clock = clock;
    for (String label : ErasedBy.LABELS) {
      erasures.put(
          label,
          Counter.builder("credence.erasures")
              .description("Sessions erased, by who erased them")
              .tag("by", label)
              .register(meters));
    }
  }

  /**
   * Every table a session's rows are kept in by {@code session_id} with these modules, each emptied
   * by an erasure (the sessions table keeps the tombstone by its {@code id}).
   */
  public static List<String> sessionTables(AssessmentModules modules) {
    List<String> tables = new ArrayList<>(modules.sessionTables());
    tables.addAll(OTHER_SESSION_TABLES);
    return List.copyOf(tables);
  }

  /**
   * Erases the session of {@code uid} on the environment, whatever its status. 404 {@code
   * uid_not_found} for a uid without a session, 404 {@code erased} for one erased already
   * (including by a caller who got there a moment before).
   */
  public Erased erase(Environment environment, String uid, ErasedBy by) {
    Session session = sessions.require(environment.integrationId(), uid);
    Instant now = now();
    boolean erased = jdbi.inTransaction(h -> erase(h, environment, session, by, now, null));
    if (!erased) {
      sessions.require(environment.integrationId(), uid); // erased meanwhile: 404 erased
      throw new IllegalStateException("session " + session.id() + " was neither erased nor kept");
    }
    dispatch.accept(session.id());
    return new Erased(uid, environment.integrationId(), session.id(), now, by.name());
  }

  /**
   * Erases up to {@code limit} of the environment's sessions that finished before {@code cutoff},
   * in one transaction. Returns how many it found (fewer than {@code limit}: none are left) and how
   * many of them this call erased (fewer when another node erased some first).
   */
  public Batch eraseFinishedBefore(Environment environment, Instant cutoff, int limit) {
    List<Session> due = sessions.findFinishedBefore(environment.integrationId(), cutoff, limit);
    if (due.isEmpty()) {
      return new Batch(0, 0);
    }
    Instant now = now();
    ErasedBy by = ErasedBy.retention();
    List<String> erased =
        jdbi.inTransaction(
            h -> {
              List<String> ids = new ArrayList<>();
              for (Session session : due) {
                if (erase(h, environment, session, by, now, cutoff)) {
                  ids.add(session.id());
                }
              }
              return ids;
            });
    erased.forEach(dispatch);
    return new Batch(due.size(), erased.size());
  }

  /** What one batch of a retention sweep found and erased. */
  public record Batch(int found, int erased) {}

  /** The erasure itself, inside the caller's transaction; false if another caller erased it. */
  private boolean erase(
      Handle h,
      Environment environment,
      Session session,
      ErasedBy by,
      Instant now,
      Instant cutoff) {
    String integrationId = environment.integrationId();
    String uid = session.uid();
    String uidHash = sessions.uidHash(integrationId, uid);
    boolean tombstone =
        cutoff == null
            ? lifecycle.erase(h, session.id(), uidHash, by.name(), now)
            : lifecycle.eraseFinished(h, session.id(), uidHash, by.name(), now, cutoff);
    if (!tombstone) {
      return false;
    }
    AssessmentStore.erase(h, session.id(), journeyTables);
    ResultStore.erase(h, session.id());
    EventStore.eraseSession(h, session.id());
    OutcomeUploads.erase(h, integrationId, uid);
    ObjectNode details = NewEvent.newDetails();
    details.put("erased_at", now.getEpochSecond());
    EventStore.insert(
        h,
        session.id(),
        integrationId,
        uid,
        session.simulated(),
        sessions.round(h, session.id()),
        List.of(NewEvent.of(EventType.SESSION_ERASED, details)),
        now,
        retryUntil.apply(now));
    audit.renameTarget(
        h,
        environment.companyId(),
        SessionAudit.target(uid, integrationId),
        SessionAudit.erasedTarget(session.id(), integrationId));
    audit.record(
        h,
        environment.companyId(),
        by.actor(),
        SessionAudit.erased(session, uidHash, now, by.name()));
    Counter counter = erasures.get(by.label());
    h.afterCommit(counter::increment);
    return true;
  }

  /** Whole seconds: the times of an erasure leave the system as epoch seconds. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
