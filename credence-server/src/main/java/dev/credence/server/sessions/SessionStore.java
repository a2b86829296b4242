package dev.credence.server.sessions;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of sessions. */
public final class SessionStore {
  private static final String COLUMNS =
      "id, integration_id, uid, status, created_at, expires_at, started_at, finished_at";

  /** Bound values a query carries at most, well under PostgreSQL's limit of 32,767. */
  private static final int UIDS_PER_QUERY = 1000;

  private final Jdbi jdbi;

  public SessionStore(Jdbi jdbi) {
    this.jdbi = jdbi;
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

  /** Inserts; a second session of the same uid on the same integration fails (unique key). */
  public void insert(Session session) {
    jdbi.useHandle(h -> insert(h, session));
  }

  /**
   * Inserts unless the integration already has {@code cap} open sessions. The environment's row is
   * locked for the count, so the cap holds across any number of nodes.
   *
   * @return false when the cap was reached and nothing was inserted
   */
  public boolean insertWithinCap(Session session, int cap, Instant now) {
    return jdbi.inTransaction(
        h -> {
          h.createQuery(
                  "SELECT integration_id FROM environments WHERE integration_id = ? FOR UPDATE")
              .bind(0, session.integrationId())
              .mapTo(String.class)
              .one();
          long open =
              h.createQuery(
                      "SELECT COUNT(*) FROM sessions WHERE integration_id = ?"
                          + " AND status IN ('CREATED', 'STARTED') AND expires_at > ?")
                  .bind(0, session.integrationId())
                  .bind(1, utc(now))
                  .mapTo(Long.class)
                  .one();
          if (open >= cap) {
            return false;
          }
          insert(h, session);
          return true;
        });
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
   * Re-opens an expired session: open again (STARTED if it had started, else CREATED) with a new
   * time limit, and its next events in a new round. False if it was not expired.
   */
  public boolean reopen(String id, Instant expiresAt) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE sessions SET status = CASE WHEN started_at IS NULL THEN 'CREATED'"
                            + " ELSE 'STARTED' END, expires_at = ?, finished_at = NULL,"
                            + " reopened = reopened + 1 WHERE id = ? AND status = 'EXPIRED'")
                    .bind(0, utc(expiresAt))
                    .bind(1, id)
                    .execute())
        == 1;
  }

  private static void insert(Handle h, Session s) {
    h.createUpdate("INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(0, s.id())
        .bind(1, s.integrationId())
        .bind(2, s.uid())
        .bind(3, s.status().name())
        .bind(4, utc(s.createdAt()))
        .bind(5, utc(s.expiresAt()))
        .bind(6, utc(s.startedAt()))
        .bind(7, utc(s.finishedAt()))
        .execute();
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
        instant(rs, "finished_at"));
  }
}
