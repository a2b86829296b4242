package dev.credence.server.sessions;

import static dev.credence.server.store.Timestamps.utc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Every change of a session's status, and the only code that makes one. The changes allowed are
 * written once, in {@link #RULES}; each statement below takes its "from" statuses from there, so a
 * change that is not allowed matches no row and reports false. Concurrent callers race on the
 * statement: whoever changes the row first wins, the other changes nothing.
 *
 * <pre>
 *   (none) --open--> CREATED --start--> STARTED
 *   CREATED | STARTED --complete--> COMPLETED
 *   CREATED | STARTED --cancel----> CANCELLED
 *   CREATED | STARTED --expire----> EXPIRED     (only once its time limit has passed)
 *   EXPIRED --reopen--> CREATED, or STARTED if it had started
 *   a simulated CREATED | STARTED --due now--> its time limit ends now, so it can expire
 *   any status but ERASED --erase--> ERASED       (a tombstone: the data is gone)
 * </pre>
 */
public final class SessionLifecycle {
  /** A change of status. */
  public enum Change {
    OPEN,
    START,
    COMPLETE,
    CANCEL,
    EXPIRE,
    REOPEN,
    ERASE
  }

  /**
   * Where a change may start from and where it leads; {@code to} is null for {@link Change#REOPEN},
   * which returns to CREATED or STARTED depending on whether the applicant had started.
   */
  public record Rule(Set<SessionStatus> from, SessionStatus to) {}

  private static final Set<SessionStatus> OPEN =
      EnumSet.of(SessionStatus.CREATED, SessionStatus.STARTED);

  /** The allowed changes. {@link Change#OPEN} starts from no row at all (an empty set). */
  public static final Map<Change, Rule> RULES = rules();

  private static Map<Change, Rule> rules() {
    Map<Change, Rule> rules = new EnumMap<>(Change.class);
    rules.put(Change.OPEN, new Rule(EnumSet.noneOf(SessionStatus.class), SessionStatus.CREATED));
    rules.put(Change.START, new Rule(EnumSet.of(SessionStatus.CREATED), SessionStatus.STARTED));
    rules.put(Change.COMPLETE, new Rule(OPEN, SessionStatus.COMPLETED));
    rules.put(Change.CANCEL, new Rule(OPEN, SessionStatus.CANCELLED));
    rules.put(Change.EXPIRE, new Rule(OPEN, SessionStatus.EXPIRED));
    rules.put(Change.REOPEN, new Rule(EnumSet.of(SessionStatus.EXPIRED), null));
    rules.put(
        Change.ERASE,
        new Rule(EnumSet.complementOf(EnumSet.of(SessionStatus.ERASED)), SessionStatus.ERASED));
    return Map.copyOf(rules);
  }

  /** Whether {@code change} may be made to a session in {@code status}. */
  public static boolean allows(SessionStatus status, Change change) {
    return RULES.get(change).from().contains(status);
  }

  private final Jdbi jdbi;
  private final SessionStore store;
  private final Map<Change, Counter> assessments = new EnumMap<>(Change.class);

  /**
   * @param meters where {@code credence_assessments_total} counts the assessments started,
   *     completed, cancelled and expired, each once its change is committed
   */
  public SessionLifecycle(Jdbi jdbi, SessionStore store, MeterRegistry meters) {
    this.jdbi = jdbi;
    this.store = store;
    for (Change change : List.of(Change.START, Change.COMPLETE, Change.CANCEL, Change.EXPIRE)) {
      assessments.put(
          change,
          Counter.builder("credence.assessments")
              .description("Assessments started, completed, cancelled and expired")
              .tag("change", RULES.get(change).to().name().toLowerCase(Locale.ROOT))
              .register(meters));
    }
  }

  /** Open: a new session, CREATED. A second session of the same uid fails (unique key). */
  public void open(Session session) {
    requireNew(session);
    jdbi.useHandle(h -> store.insert(h, session));
  }

  /**
   * Opens several sessions on the caller's handle, so that they commit together ({@link
   * SessionWriter}'s group commit). Each is opened on its own: one whose uid already has a session,
   * in the table or earlier in the list, is left out and the others are opened.
   *
   * @return for each session, in order, whether it was opened
   */
  public boolean[] openEach(Handle h, List<Session> sessions) {
    sessions.forEach(SessionLifecycle::requireNew);
    return store.insertNew(h, sessions);
  }

  /**
   * Opens unless the integration already has {@code cap} open sessions. The environment's row is
   * locked for the count, so the cap holds across any number of nodes.
   *
   * @return false when the cap was reached and nothing was inserted
   */
  public boolean openWithinCap(Session session, int cap, Instant now) {
    requireNew(session);
    return jdbi.inTransaction(
        h -> {
          h.createQuery(
                  "SELECT integration_id FROM environments WHERE integration_id = ? FOR UPDATE")
              .bind(0, session.integrationId())
              .mapTo(String.class)
              .one();
          if (store.countOpen(h, session.integrationId(), now) >= cap) {
            return false;
          }
          store.insert(h, session);
          return true;
        });
  }

  /** Start: consent given, with the configuration the session will run frozen on it. */
  public boolean start(String sessionId, String frozenConfig, Instant now) {
    boolean started =
        jdbi.withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE sessions SET status = :to, started_at = :now,"
                                + " assessment_config = :config WHERE id = :id AND status IN (<from>)")
                        .bind("to", SessionStatus.STARTED.name())
                        .bind("now", utc(now))
                        .bind("config", frozenConfig)
                        .bind("id", sessionId)
                        .bindList("from", from(Change.START))
                        .execute())
            == 1;
    if (started) {
      assessments.get(Change.START).increment();
    }
    return started;
  }

  /**
   * Ends an open session ({@link Change#COMPLETE}, {@link Change#CANCEL} or {@link Change#EXPIRE})
   * inside the caller's transaction, so its result and events commit with it. An expiry happens
   * only once the time limit has passed (a session re-opened a moment ago is not expired again).
   * False if the session was not open: another call ended it first.
   */
  public boolean end(Handle h, String sessionId, Change change, Instant now) {
    if (change != Change.COMPLETE && change != Change.CANCEL && change != Change.EXPIRE) {
      throw new IllegalArgumentException(change + " does not end a session");
    }
    boolean ended =
        h.createUpdate(
                    "UPDATE sessions SET status = :to, finished_at = :now WHERE id = :id"
                        + " AND status IN (<from>)"
                        + (change == Change.EXPIRE ? " AND expires_at <= :now" : ""))
                .bind("to", RULES.get(change).to().name())
                .bind("now", utc(now))
                .bind("id", sessionId)
                .bindList("from", from(change))
                .execute()
            == 1;
    if (ended) {
      // Counted once the caller's transaction commits: a change rolled back never happened.
      Counter counter = assessments.get(change);
      if (h.isInTransaction()) {
        h.afterCommit(counter::increment);
      } else {
        counter.increment();
      }
    }
    return ended;
  }

  /**
   * Ends the time limit of an open simulated session now, so that {@link Change#EXPIRE} applies to
   * it as to any session past its limit. Only a simulated session's clock is moved: an applicant's
   * time limit is the environment's setting. False if the session is not simulated or not open.
   */
  public boolean dueNow(String sessionId, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE sessions SET expires_at = :now WHERE id = :id AND simulated = TRUE"
                            + " AND status IN (<from>)")
                    .bind("now", utc(now))
                    .bind("id", sessionId)
                    .bindList("from", from(Change.EXPIRE))
                    .execute())
        == 1;
  }

  /**
   * Re-opens an expired session at {@code now}: open again (STARTED if it had started, else
   * CREATED) with a new time limit, and its next events in a new round. False if it was not
   * expired.
   */
  public boolean reopen(String sessionId, Instant expiresAt, Instant now) {
    return jdbi.inTransaction(
        h -> {
          boolean reopened =
              h.createUpdate(
                          "UPDATE sessions SET status = CASE WHEN started_at IS NULL THEN 'CREATED'"
                              + " ELSE 'STARTED' END, expires_at = :expires, finished_at = NULL,"
                              + " reopened = reopened + 1 WHERE id = :id AND status IN (<from>)")
                      .bind("expires", utc(expiresAt))
                      .bind("id", sessionId)
                      .bindList("from", from(Change.REOPEN))
                      .execute()
                  == 1;
          if (reopened) {
            changedAfterEnd(h, sessionId, now);
          }
          return reopened;
        });
  }

  /**
   * Notes, in the caller's transaction, that a session changed after it had ended, so that the
   * funnel stops trusting the sealed figures of its creation day (V20, console/funnel/FunnelDays).
   */
  public static void changedAfterEnd(Handle h, String sessionId, Instant now) {
    h.createUpdate(
            "INSERT INTO ended_session_changes (integration_id, session_created_at, changed_at)"
                + " SELECT integration_id, created_at, :now FROM sessions WHERE id = :id")
        .bind("now", utc(now))
        .bind("id", sessionId)
        .execute();
  }

  /**
   * As {@link #changedAfterEnd(Handle, String, Instant)} for the sessions of {@code uids} in an
   * environment: the outcome of their loan came, which the funnel's bad rates count.
   */
  public static void changedAfterEnd(
      Handle h, String integrationId, List<String> uids, Instant now) {
    for (int first = 0; first < uids.size(); first += 500) {
      h.createUpdate(
              "INSERT INTO ended_session_changes (integration_id, session_created_at, changed_at)"
                  + " SELECT integration_id, created_at, :now FROM sessions"
                  + " WHERE integration_id = :integration AND uid IN (<uids>)")
          .bind("now", utc(now))
          .bind("integration", integrationId)
          .bindList("uids", uids.subList(first, Math.min(uids.size(), first + 500)))
          .execute();
    }
  }

  /**
   * Erases a session inside the caller's transaction, so that its data goes with it: any status but
   * ERASED becomes ERASED, the uid gives way to {@code uidHash}, and every column that describes
   * the applicant (the frozen configuration, language, user agent, platform, visits, the times of
   * the journey) is cleared. The tombstone keeps its id, integration, creation and finishing times
   * (an open session finishes now), its round, when it was erased and {@code erasedBy}. False if it
   * was erased already: whoever erases it first wins, a second caller changes nothing.
   */
  public boolean erase(Handle h, String sessionId, String uidHash, String erasedBy, Instant now) {
    return erase(h, sessionId, uidHash, erasedBy, now, null);
  }

  /**
   * As {@link #erase(Handle, String, String, String, Instant)}, only if the session is still
   * finished ({@link SessionStore#FINISHED}) and finished before {@code cutoff}: a retention period
   * never erases a session re-opened since it was found.
   */
  public boolean eraseFinished(
      Handle h, String sessionId, String uidHash, String erasedBy, Instant now, Instant cutoff) {
    return erase(h, sessionId, uidHash, erasedBy, now, cutoff);
  }

  private boolean erase(
      Handle h, String sessionId, String uidHash, String erasedBy, Instant now, Instant cutoff) {
    List<String> from =
        cutoff == null
            ? from(Change.ERASE)
            : SessionStore.FINISHED.stream().map(Enum::name).sorted().toList();
    var update =
        h.createUpdate(
                "UPDATE sessions SET status = :to, uid = NULL, uid_hash = :hash,"
                    + " erased_at = :now, erased_by = :by,"
                    + " finished_at = COALESCE(finished_at, :now), started_at = NULL,"
                    + " assessment_config = NULL, language = NULL, user_agent = NULL,"
                    + " platform = NULL, visits = 0, user_agents = 0, step_shown_at = NULL,"
                    + " last_visit_at = NULL, modules_finished = 0, module_finished_at = NULL"
                    + " WHERE id = :id AND status IN (<from>)"
                    + (cutoff == null ? "" : " AND finished_at < :cutoff"))
            .bind("to", RULES.get(Change.ERASE).to().name())
            .bind("hash", uidHash)
            .bind("now", utc(now))
            .bind("by", erasedBy)
            .bind("id", sessionId)
            .bindList("from", from);
    if (cutoff != null) {
      update.bind("cutoff", utc(cutoff));
    }
    boolean erased = update.execute() == 1;
    if (erased) {
      changedAfterEnd(h, sessionId, now);
    }
    return erased;
  }

  private static List<String> from(Change change) {
    return RULES.get(change).from().stream().map(Enum::name).sorted().toList();
  }

  private static void requireNew(Session session) {
    if (session.status() != RULES.get(Change.OPEN).to()) {
      throw new IllegalArgumentException("a session opens as CREATED, not " + session.status());
    }
  }
}
