package dev.credence.server.sessions;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.errors.Refusal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL of the sessions table: reads, and the columns the journey records (visits, language, the
 * time a step was shown). Status changes are {@link SessionLifecycle}'s alone. An erased session's
 * row has no uid; it is found by the keyed hash of its uid ({@link UidHashes}).
 */
public final class SessionStore {
  private static final String COLUMNS =
      "id, integration_id, uid, status, created_at, expires_at, started_at, finished_at,"
          + " simulated";

  private static final String INSERT =
      "INSERT INTO sessions (" + COLUMNS + ", uid_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Bound values a query carries at most, well under PostgreSQL's limit of 32,767. */
  private static final int UIDS_PER_QUERY = 1000;

  /** The statuses a session is finished in, whose data a retention period may erase. */
  public static final List<SessionStatus> FINISHED =
      List.of(SessionStatus.COMPLETED, SessionStatus.CANCELLED, SessionStatus.EXPIRED);

  private final Jdbi jdbi;
  private final UidHashes hashes;

  public SessionStore(Jdbi jdbi, UidHashes hashes) {
    this.jdbi = jdbi;
    this.hashes = hashes;
  }

  /** What an erased session keeps besides its id: its integration and when and by whom. */
  public record Tombstone(
      String sessionId,
      String integrationId,
      Instant createdAt,
      Instant finishedAt,
      Instant erasedAt,
      String erasedBy) {}

  /** The keyed hash of {@code uid} on an integration, as {@code sessions.uid_hash} holds it. */
  public String uidHash(String integrationId, String uid) {
    return hashes.hash(integrationId, uid);
  }

  /**
   * The session of {@code uid} on an integration; 404 {@code uid_not_found} when it has none, 404
   * {@code erased} when its session was erased.
   */
  public Session require(String integrationId, String uid) {
    Optional<Session> session = findByUid(integrationId, uid);
    if (session.isPresent()) {
      return session.get();
    }
    Optional<Tombstone> erased = findErased(integrationId, uid);
    if (erased.isPresent()) {
      throw Refusal.notFound(
          "erased",
          "The session of uid '"
              + uid
              + "' on this integration was erased at "
              + erased.get().erasedAt()
              + "; its answers and result are gone");
    }
    throw Refusal.notFound(
        "uid_not_found", "No session with uid '" + uid + "' on this integration");
  }

  /** The tombstone of {@code uid}'s session on an integration, if it was erased. */
  public Optional<Tombstone> findErased(String integrationId, String uid) {
    return findTombstone("uid_hash", integrationId, uidHash(integrationId, uid));
  }

  /** The tombstone of the session {@code sessionId} on an integration, if it was erased. */
  public Optional<Tombstone> findErasedById(String integrationId, String sessionId) {
    return findTombstone("id", integrationId, sessionId);
  }

  private Optional<Tombstone> findTombstone(String column, String integrationId, String value) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, integration_id, created_at, finished_at, erased_at, erased_by"
                        + " FROM sessions WHERE integration_id = ? AND "
                        + column
                        + " = ? AND status = 'ERASED'")
                .bind(0, integrationId)
                .bind(1, value)
                .map(
                    (rs, ctx) ->
                        new Tombstone(
                            rs.getString("id"),
                            rs.getString("integration_id"),
                            instant(rs, "created_at"),
                            instant(rs, "finished_at"),
                            instant(rs, "erased_at"),
                            rs.getString("erased_by")))
                .findOne());
  }

  /**
   * Up to {@code limit} sessions of an integration that finished before {@code cutoff} and are not
   * erased, oldest first: what a retention period lets go.
   */
  public List<Session> findFinishedBefore(String integrationId, Instant cutoff, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM sessions WHERE integration_id = :integration"
                        + " AND finished_at < :cutoff AND status IN (<finished>)"
                        + " ORDER BY finished_at, id FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind("integration", integrationId)
                .bind("cutoff", utc(cutoff))
                .bindList("finished", FINISHED.stream().map(Enum::name).toList())
                .map(SessionStore::session)
                .list());
  }

  public Optional<Session> findByUid(String integrationId, String uid) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + " FROM sessions WHERE integration_id = ? AND uid = ?")
                .bind(0, integrationId)
                .bind(1, uid)
                .map(SessionStore::session)
                .findOne());
  }

  public Optional<Session> findById(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = ?")
                .bind(0, id)
                .map(SessionStore::session)
                .findOne());
  }

  /** The sessions that these uids have on one integration; a uid without one is left out. */
  public List<Session> findByUids(String integrationId, List<String> uids) {
    List<Session> found = new ArrayList<>();
    for (int from = 0; from < uids.size(); from += UIDS_PER_QUERY) {
      List<String> chunk = uids.subList(from, Math.min(uids.size(), from + UIDS_PER_QUERY));
      found.addAll(
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT "
                              + COLUMNS
                              + " FROM sessions WHERE integration_id = :integration"
                              + " AND uid IN (<uids>)")
                      .bind("integration", integrationId)
                      .bindList("uids", chunk)
                      .map(SessionStore::session)
                      .list()));
    }
    return found;
  }

  /** How many sessions of the integration are open and inside their time limit. */
  long countOpen(Handle h, String integrationId, Instant now) {
    return h.createQuery(
            "SELECT COUNT(*) FROM sessions WHERE integration_id = ?"
                + " AND status IN ('CREATED', 'STARTED') AND expires_at > ?")
        .bind(0, integrationId)
        .bind(1, utc(now))
        .mapTo(Long.class)
        .one();
  }

  /** How many times the session was re-opened: the round its next events belong to. */
  public int round(Handle h, String sessionId) {
    return h.createQuery("SELECT reopened FROM sessions WHERE id = ?")
        .bind(0, sessionId)
        .mapTo(Integer.class)
        .one();
  }

  /** Open sessions whose time limit has passed, oldest deadline first, for the expiry sweep. */
  public List<Session> findDue(Instant now, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM sessions WHERE status IN ('CREATED', 'STARTED') AND expires_at <= ?"
                        + " ORDER BY expires_at FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind(0, utc(now))
                .map(SessionStore::session)
                .list());
  }

  /**
   * An opening of the link. It counts as a visit when it is the first, when the link was not opened
   * since {@code returnAfter}, or when it comes from another device; a change of user agent also
   * counts as a device change. All compared in the statement, so no read comes first. An opening
   * after the session ended (its end page again) changes nothing: the session, and the funnel's
   * sealed figures of its day, stay as they were at the end.
   */
  public void visit(
      String sessionId, String userAgent, String platform, Instant now, Instant returnAfter) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE sessions SET visits = visits + CASE WHEN last_visit_at IS NULL"
                        + " OR last_visit_at <= :returnAfter OR user_agent IS NULL"
                        + " OR user_agent <> :agent THEN 1 ELSE 0 END,"
                        + " user_agents = user_agents + CASE"
                        + " WHEN user_agent IS NULL OR user_agent <> :agent THEN 1 ELSE 0 END,"
                        + " user_agent = :agent, platform = :platform, last_visit_at = :now"
                        + " WHERE id = :id AND status IN ('CREATED', 'STARTED')")
                .bind("agent", userAgent)
                .bind("platform", platform)
                .bind("now", utc(now))
                .bind("returnAfter", utc(returnAfter))
                .bind("id", sessionId)
                .execute());
  }

  /**
   * The language the session is taken in, once chosen or negotiated; kept as it was at the end once
   * the session has ended.
   */
  public void setLanguage(String sessionId, String language) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE sessions SET language = ? WHERE id = ?"
                        + " AND status IN ('CREATED', 'STARTED')")
                .bind(0, language)
                .bind(1, sessionId)
                .execute());
  }

  /** When the step on screen was shown, so the next answer's time is measured by the server. */
  public void stepShown(String sessionId, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE sessions SET step_shown_at = ? WHERE id = ?")
                .bind(0, utc(now))
                .bind(1, sessionId)
                .execute());
  }

  void insert(Handle h, Session s) {
    bindRow(h.createUpdate(INSERT), s).execute();
  }

  /**
   * Inserts {@code sessions} on the caller's handle in one round of statements, each on its own: a
   * session whose uid (or uid hash) already has a row on its integration, in the table or earlier
   * in the list, is left out ({@code ON CONFLICT DO NOTHING}, which H2 takes in its PostgreSQL
   * mode) and the others go in.
   *
   * @return for each session, in order, whether it was inserted
   */
  boolean[] insertNew(Handle h, List<Session> sessions) {
    PreparedBatch batch = h.prepareBatch(INSERT + " ON CONFLICT DO NOTHING");
    for (Session s : sessions) {
      bindRow(batch, s).add();
    }
    int[] counts = batch.execute();
    boolean[] inserted = new boolean[sessions.size()];
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0 && counts[i] != 1) {
        throw new IllegalStateException("an insert of one session reported " + counts[i] + " rows");
      }
      inserted[i] = counts[i] == 1;
    }
    return inserted;
  }

  private <S extends SqlStatement<S>> S bindRow(S statement, Session s) {
    return statement
        .bind(0, s.id())
        .bind(1, s.integrationId())
        .bind(2, s.uid())
        .bind(3, s.status().name())
        .bind(4, utc(s.createdAt()))
        .bind(5, utc(s.expiresAt()))
        .bind(6, utc(s.startedAt()))
        .bind(7, utc(s.finishedAt()))
        .bind(8, s.simulated())
        .bind(9, uidHash(s.integrationId(), s.uid()));
  }

  private static Session session(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("integration_id"),
        rs.getString("uid"),
        SessionStatus.valueOf(rs.getString("status")),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getBoolean("simulated"));
  }
}
