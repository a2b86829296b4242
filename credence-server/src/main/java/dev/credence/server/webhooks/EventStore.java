package dev.credence.server.webhooks;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.api.EventType;
import dev.credence.server.http.PageCursor;
import dev.credence.server.store.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/** The SQL of the outbox: events and the log of their delivery attempts. */
public final class EventStore {
  private static final String COLUMNS =
      "id, session_id, integration_id, uid, type, session_round, seq, body, status, attempts,"
          + " created_at, retry_until, next_attempt_at, finished_at, window_attempts";

  private final Jdbi jdbi;

  /** The session's first event still to send (its head), after "SELECT ...". */
  private static final String HEAD =
      " FROM events WHERE session_id = ? AND status = 'PENDING'"
          + " ORDER BY session_round, seq FETCH FIRST 1 ROWS ONLY";

  /** Events with their last attempt (d_ columns, null if none): "LISTED WHERE ...". */
  private static final String LISTED =
      "SELECT e.*, d.event_id AS d_event_id, d.attempt AS d_attempt, d.started_at AS"
          + " d_started_at, d.url AS d_url, d.status_code AS d_status_code, d.error AS d_error,"
          + " d.latency_ms AS d_latency_ms, d.response_snippet AS d_response_snippet"
          + " FROM events e LEFT JOIN deliveries d ON d.event_id = e.id AND d.attempt = e.attempts";

  public EventStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Where an event stands. */
  public enum Status {
    PENDING,
    DELIVERED,
    FAILED,
    NO_WEBHOOK
  }

  /**
   * One stored event; {@code body} is the exact JSON that is signed and sent. A finished {@code
   * session.erased} has neither uid (null) nor body (empty): see {@link #isScrubbed}.
   */
  public record Event(
      String id,
      String sessionId,
      String integrationId,
      String uid,
      EventType type,
      int round,
      int seq,
      String body,
      Status status,
      int attempts,
      Instant createdAt,
      Instant retryUntil,
      Instant nextAttemptAt,
      Instant finishedAt,
      int windowAttempts) {
    /** A finished {@code session.erased}, whose uid and body are gone: it cannot be sent again. */
    public boolean isScrubbed() {
      return uid == null;
    }
  }

  /** One delivery attempt: the receiver's status code, or the error when there was none. */
  public record Delivery(
      String eventId,
      int attempt,
      Instant startedAt,
      String url,
      Integer statusCode,
      String error,
      int latencyMs,
      String responseSnippet) {}

  /**
   * Stores a session's new events inside the caller's transaction, in the given order; a simulated
   * session's events say {@code "simulated": true} in their bodies.
   *
   * @return the new events' ids, in order
   */
  public static List<String> insert(
      Handle h,
      String sessionId,
      String integrationId,
      String uid,
      boolean simulated,
      int round,
      List<NewEvent> events,
      Instant now,
      Instant retryUntil) {
    // Ids in ascending order, so that events made together list in their order (page()).
    List<String> ids = events.stream().map(event -> Ids.newOrderedId(now)).sorted().toList();
    return IntStream.range(0, events.size())
        .mapToObj(
            i -> {
              NewEvent event = events.get(i);
              String id = ids.get(i);
              h.createUpdate(
                      "INSERT INTO events (id, session_id, integration_id, uid, type,"
                          + " session_round, seq, body, status, created_at, retry_until)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)")
                  .bind(0, id)
                  .bind(1, sessionId)
                  .bind(2, integrationId)
                  .bind(3, uid)
                  .bind(4, event.type().wireName())
                  .bind(5, round)
                  .bind(6, event.type().ordinal())
                  .bind(7, event.body(uid, integrationId, simulated))
                  .bind(8, utc(now))
                  .bind(9, utc(retryUntil))
                  .execute();
              return id;
            })
        .toList();
  }

  /**
   * Deletes a session's events and their delivery logs inside the caller's transaction: what its
   * erasure removes of the outbox. A pending event is never sent then: its delivery finds nothing.
   */
  public static void eraseSession(Handle h, String sessionId) {
    // An attempt being recorded holds its event's row: wait for it, so its log is deleted too.
    h.createQuery("SELECT id FROM events WHERE session_id = ? FOR UPDATE")
        .bind(0, sessionId)
        .mapTo(String.class)
        .list();
    h.createUpdate(
            "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE session_id = ?)")
        .bind(0, sessionId)
        .execute();
    h.createUpdate("DELETE FROM events WHERE session_id = ?").bind(0, sessionId).execute();
  }

  public Optional<Event> find(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM events WHERE id = ?")
                .bind(0, id)
                .map(EventStore::event)
                .findOne());
  }

  /** A session's events, oldest first. */
  public List<Event> forSession(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM events WHERE session_id = ? ORDER BY session_round, seq")
                .bind(0, sessionId)
                .map(EventStore::event)
                .list());
  }

  /** The session's first event still to send: the only one that may be in flight. */
  public Optional<Event> head(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + HEAD)
                .bind(0, sessionId)
                .map(EventStore::event)
                .findOne());
  }

  /** Sessions with events to send that were made before {@code before}, for the repair sweep. */
  public List<String> sessionsWithPending(Instant before, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT DISTINCT session_id FROM events WHERE status = 'PENDING'"
                        + " AND created_at < ? FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind(0, utc(before))
                .mapTo(String.class)
                .list());
  }

  /**
   * The events due to be sent at {@code now}: pending, and either never tried or past their next
   * attempt's time. {@code oldestDue} is when the longest-waiting of them became due, null if none.
   */
  public record Backlog(long due, Instant oldestDue) {}

  /** The outbox's backlog at {@code now}, for the metrics (docs/configuration.md, "Metrics"). */
  public Backlog backlog(Instant now) {
    return backlog(null, now);
  }

  /** The backlog of one integration (null: all) at {@code now}. */
  public Backlog backlog(String integrationId, Instant now) {
    return jdbi.withHandle(
        h -> {
          Query query =
              h.createQuery(
                      "SELECT COUNT(*) AS due, MIN(COALESCE(next_attempt_at, created_at)) AS"
                          + " oldest FROM events WHERE status = 'PENDING'"
                          + " AND (next_attempt_at IS NULL OR next_attempt_at <= :now)"
                          + (integrationId == null ? "" : " AND integration_id = :integration"))
                  .bind("now", utc(now));
          if (integrationId != null) {
            query.bind("integration", integrationId);
          }
          return query
              .map((rs, ctx) -> new Backlog(rs.getLong("due"), instant(rs, "oldest")))
              .one();
        });
  }

  /**
   * Sessions with events to send, in session id order after {@code after} (empty for the first
   * page), for the repair at a node's start.
   */
  public List<String> sessionsWithPendingAfter(String after, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT DISTINCT session_id FROM events WHERE status = 'PENDING'"
                        + " AND session_id > ? ORDER BY session_id FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind(0, after)
                .mapTo(String.class)
                .list());
  }

  /**
   * Logs an attempt and counts it on its event, with the time of the next one and the end of the
   * event's retry window: an attempt after which the event stays pending.
   */
  public void recordAttempt(Delivery d, Instant nextAttemptAt, Instant retryUntil) {
    jdbi.useTransaction(h -> recordAttempt(h, d, nextAttemptAt, retryUntil));
  }

  /**
   * Ends a pending event as DELIVERED, FAILED or NO_WEBHOOK, with the attempt that ended it (null
   * if none was made), and returns the id of the session's next event to send, if any: all of a
   * delivery's bookkeeping in one transaction, so one commit. A finished {@code session.erased},
   * the last trace of its session's uid, loses its uid and body (and what the receiver answered) in
   * the same transaction: it is never sent again. Nothing changes for an event that is no longer
   * pending (its session's erasure deleted it meanwhile).
   */
  public Optional<String> end(
      Event event, Delivery attempt, Instant retryUntil, Status status, Instant now) {
    return jdbi.inTransaction(
        h -> {
          Update update =
              h.createUpdate(
                      "UPDATE events SET status = :status, finished_at = :now, next_attempt_at ="
                          + " NULL"
                          + (attempt == null
                              ? ""
                              : ", attempts = :attempt, retry_until = :until, window_attempts ="
                                  + " window_attempts + 1")
                          + " WHERE id = :id AND status = 'PENDING'")
                  .bind("status", status.name())
                  .bind("now", utc(now))
                  .bind("id", event.id());
          if (attempt != null) {
            update.bind("attempt", attempt.attempt()).bind("until", utc(retryUntil));
          }
          boolean ended = update.execute() == 1;
          if (ended && attempt != null) {
            logAttempt(h, attempt);
          }
          if (ended && event.type() == EventType.SESSION_ERASED) {
            scrubErased(h, event.id());
          }
          return h.createQuery("SELECT id" + HEAD)
              .bind(0, event.sessionId())
              .mapTo(String.class)
              .findOne();
        });
  }

  /**
   * Nothing is logged for an event erased meanwhile (its session's erasure deleted it): the event
   * is counted first, which waits for an erasure in progress and then finds no row.
   */
  private static void recordAttempt(
      Handle h, Delivery d, Instant nextAttemptAt, Instant retryUntil) {
    int counted =
        h.createUpdate(
                "UPDATE events SET attempts = ?, next_attempt_at = ?, retry_until = ?,"
                    + " window_attempts = window_attempts + 1 WHERE id = ?")
            .bind(0, d.attempt())
            .bind(1, utc(nextAttemptAt))
            .bind(2, utc(retryUntil))
            .bind(3, d.eventId())
            .execute();
    if (counted == 1) {
      logAttempt(h, d);
    }
  }

  private static void logAttempt(Handle h, Delivery d) {
    h.createUpdate(
            "INSERT INTO deliveries (event_id, attempt, started_at, url, status_code, error,"
                + " latency_ms, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(0, d.eventId())
        .bind(1, d.attempt())
        .bind(2, utc(d.startedAt()))
        .bind(3, d.url())
        .bind(4, d.statusCode())
        .bind(5, d.error())
        .bind(6, d.latencyMs())
        .bind(7, d.responseSnippet())
        .execute();
  }

  /** Clears the uid and body of a {@code session.erased} event, and its receiver's answers. */
  private static void scrubErased(Handle h, String id) {
    h.createUpdate("UPDATE events SET uid = NULL, body = '' WHERE id = ?").bind(0, id).execute();
    h.createUpdate("UPDATE deliveries SET response_snippet = NULL WHERE event_id = ?")
        .bind(0, id)
        .execute();
  }

  /**
   * Makes an event pending (again), with a fresh retry window whose backoff starts over; false if
   * there is no such event.
   */
  public boolean reopen(String id, Instant retryUntil) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE events SET status = 'PENDING', finished_at = NULL,"
                            + " retry_until = ?, window_attempts = 0 WHERE id = ?")
                    .bind(0, utc(retryUntil))
                    .bind(1, id)
                    .execute())
        == 1;
  }

  /** An event as a lender's list shows it: with its last attempt, null if none was made. */
  public record Listed(Event event, Delivery last) {}

  /**
   * A page of an integration's events made after {@code after}, oldest first, optionally only those
   * with {@code status} and of {@code type} (null: any), each with its last attempt.
   */
  public List<Listed> page(
      String integrationId, Status status, EventType type, PageCursor after, int limit) {
    StringBuilder sql =
        new StringBuilder(
            LISTED
                + " WHERE e.integration_id = :integration AND e.created_at >= :after"
                + " AND (e.created_at > :after OR e.id > :id)");
    if (status != null) {
      sql.append(" AND e.status = :status");
    }
    if (type != null) {
      sql.append(" AND e.type = :type");
    }
    // Without a status, the page is read in the order of events_by_integration_page and stops at
    // its end: ordering by the one integration too changes nothing but lets H2 see that (migration
    // V23). With one, the few events of that status are found by events_by_integration_status
    // (V22) and sorted; read in page order, a rare status would mean reading every event.
    sql.append(status == null ? " ORDER BY e.integration_id," : " ORDER BY")
        .append(" e.created_at, e.id FETCH FIRST ")
        .append(limit)
        .append(" ROWS ONLY");
    return jdbi.withHandle(
        h -> {
          Query query =
              h.createQuery(sql.toString())
                  .bind("integration", integrationId)
                  .bind("after", utc(after.after()))
                  .bind("id", after.id());
          if (status != null) {
            query.bind("status", status.name());
          }
          if (type != null) {
            query.bind("type", type.wireName());
          }
          return query.map(EventStore::listed).list();
        });
  }

  /** An integration's latest FAILED events made since {@code since}, last failed first. */
  public List<Listed> latestFailures(String integrationId, Instant since, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    LISTED
                        + " WHERE e.integration_id = ? AND e.created_at >= ? AND e.status ="
                        + " 'FAILED' ORDER BY e.finished_at DESC, e.id FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind(0, integrationId)
                .bind(1, utc(since))
                .map(EventStore::listed)
                .list());
  }

  /** How many of an integration's events made since {@code since} stand at each status. */
  public Map<Status, Long> countsByStatus(String integrationId, Instant since) {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    for (Status status : Status.values()) {
      counts.put(status, 0L);
    }
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT status, COUNT(*) AS n FROM events WHERE integration_id = ? AND"
                        + " created_at >= ? GROUP BY status")
                .bind(0, integrationId)
                .bind(1, utc(since))
                .map(
                    (rs, ctx) -> Map.entry(Status.valueOf(rs.getString("status")), rs.getLong("n")))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
    return counts;
  }

  /** Delivery attempts of one UTC day: how many, and how many were answered 200. */
  public record DayOfAttempts(LocalDate day, long attempts, long delivered) {}

  /**
   * An integration's delivery attempts per UTC day from {@code since} on, for its events made since
   * {@code madeSince} (an attempt's event is at most one retry window older than it); days without
   * attempts are left out.
   */
  public List<DayOfAttempts> attemptsPerDay(
      String integrationId, Instant since, Instant madeSince) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM d.started_at) / 86400) AS BIGINT) AS utc_day,"
                        + " COUNT(*) AS attempts,"
                        + " SUM(CASE WHEN d.status_code = 200 THEN 1 ELSE 0 END) AS delivered"
                        + " FROM events e JOIN deliveries d ON d.event_id = e.id"
                        + " WHERE e.integration_id = ? AND e.created_at >= ? AND d.started_at >= ?"
                        + " GROUP BY CAST(FLOOR(EXTRACT(EPOCH FROM d.started_at) / 86400) AS BIGINT)"
                        + " ORDER BY utc_day")
                .bind(0, integrationId)
                .bind(1, utc(madeSince))
                .bind(2, utc(since))
                .map(
                    (rs, ctx) ->
                        new DayOfAttempts(
                            LocalDate.ofEpochDay(rs.getLong("utc_day")),
                            rs.getLong("attempts"),
                            rs.getLong("delivered")))
                .list());
  }

  private static Listed listed(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Listed(
        event(rs, ctx), rs.getString("d_event_id") == null ? null : delivery(rs, "d_"));
  }

  /**
   * Makes pending again, with a fresh retry window, up to {@code limit} of an integration's events
   * that ended with {@code status} and were made at or after {@code since} (oldest first), skipping
   * sessions that have an event pending: their order would not hold. An erasure notice already sent
   * (scrubbed) is never sent again.
   */
  public Reopened reopenEnded(
      String integrationId, Status status, Instant since, Instant retryUntil, int limit) {
    return jdbi.inTransaction(
        h -> {
          List<Event> failed =
              h.createQuery(
                      "SELECT "
                          + COLUMNS
                          + " FROM events e WHERE integration_id = ? AND status = ?"
                          + " AND created_at >= ? AND uid IS NOT NULL AND NOT EXISTS (SELECT 1"
                          + " FROM events p WHERE p.session_id = e.session_id AND p.status ="
                          + " 'PENDING') ORDER BY created_at, id FETCH FIRST "
                          + (limit + 1)
                          + " ROWS ONLY")
                  .bind(0, integrationId)
                  .bind(1, status.name())
                  .bind(2, utc(since))
                  .map(EventStore::event)
                  .list();
          List<Event> reopened = failed.subList(0, Math.min(limit, failed.size()));
          if (!reopened.isEmpty()) {
            h.createUpdate(
                    "UPDATE events SET status = 'PENDING', finished_at = NULL, retry_until ="
                        + " :until, window_attempts = 0 WHERE status = :status AND id IN"
                        + " (<ids>)")
                .bind("until", utc(retryUntil))
                .bind("status", status.name())
                .bindList("ids", reopened.stream().map(Event::id).toList())
                .execute();
          }
          return new Reopened(
              reopened,
              reopened.stream().map(Event::sessionId).distinct().toList(),
              failed.size() > limit);
        });
  }

  /** Ended events made pending again, their sessions, and whether more were left for later. */
  public record Reopened(List<Event> events, List<String> sessions, boolean more) {}

  public List<Delivery> deliveries(String eventId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT event_id, attempt, started_at, url, status_code, error, latency_ms,"
                        + " response_snippet FROM deliveries WHERE event_id = ? ORDER BY attempt")
                .bind(0, eventId)
                .map((rs, ctx) -> delivery(rs, ""))
                .list());
  }

  /** A delivery from columns named with {@code prefix}. */
  private static Delivery delivery(ResultSet rs, String prefix) throws SQLException {
    return new Delivery(
        rs.getString(prefix + "event_id"),
        rs.getInt(prefix + "attempt"),
        instant(rs, prefix + "started_at"),
        rs.getString(prefix + "url"),
        (Integer) rs.getObject(prefix + "status_code", Integer.class),
        rs.getString(prefix + "error"),
        rs.getInt(prefix + "latency_ms"),
        rs.getString(prefix + "response_snippet"));
  }

  private static Event event(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Event(
        rs.getString("id"),
        rs.getString("session_id"),
        rs.getString("integration_id"),
        rs.getString("uid"),
        EventType.fromWireName(rs.getString("type")),
        rs.getInt("session_round"),
        rs.getInt("seq"),
        rs.getString("body"),
        Status.valueOf(rs.getString("status")),
        rs.getInt("attempts"),
        instant(rs, "created_at"),
        instant(rs, "retry_until"),
        instant(rs, "next_attempt_at"),
        instant(rs, "finished_at"),
        rs.getInt("window_attempts"));
  }
}
