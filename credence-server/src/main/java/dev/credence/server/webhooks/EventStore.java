package dev.credence.server.webhooks;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.api.EventType;
import dev.credence.server.store.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
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
   * Stores a session's new events inside the caller's transaction, in the given order.
   *
   * @return the new events' ids, in order
   */
  public static List<String> insert(
      Handle h,
      String sessionId,
      String integrationId,
      String uid,
      int round,
      List<NewEvent> events,
      Instant now,
      Instant retryUntil) {
    return events.stream()
        .map(
            event -> {
              String id = Ids.newOrderedId(now);
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
                  .bind(7, event.body(uid, integrationId))
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
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) AS due, MIN(COALESCE(next_attempt_at, created_at)) AS oldest"
                        + " FROM events WHERE status = 'PENDING'"
                        + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)")
                .bind(0, utc(now))
                .map((rs, ctx) -> new Backlog(rs.getLong("due"), instant(rs, "oldest")))
                .one());
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

  public List<Delivery> deliveries(String eventId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT event_id, attempt, started_at, url, status_code, error, latency_ms,"
                        + " response_snippet FROM deliveries WHERE event_id = ? ORDER BY attempt")
                .bind(0, eventId)
                .map(
                    (rs, ctx) ->
                        new Delivery(
                            rs.getString("event_id"),
                            rs.getInt("attempt"),
                            instant(rs, "started_at"),
                            rs.getString("url"),
                            (Integer) rs.getObject("status_code", Integer.class),
                            rs.getString("error"),
                            rs.getInt("latency_ms"),
                            rs.getString("response_snippet")))
                .list());
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
