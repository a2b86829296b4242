package dev.credence.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.sessions.SessionLifecycle.Change;
import dev.credence.server.store.Database;
import dev.credence.server.store.Ids;
import dev.credence.server.store.Timestamps;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's statements against a real database: every status against every change, on rows in
 * that status, changes exactly the rows {@link SessionLifecycle#RULES} allows, to the status it
 * names, and leaves the others as they were.
 */
abstract class SessionLifecycleContract extends ServerContract {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @Test
  void everyChangeFromEveryStatusOnARealRow() {
    RunningServer.Deployment deployment = server.newDeployment();
    String integrationId = deployment.testIntegrationId();
    try (Database database = Database.open(server.config().database())) {
      SessionStore store =
          new SessionStore(database.jdbi(), new UidHashes(server.config().masterKeyBytes()));
      SessionLifecycle lifecycle =
          new SessionLifecycle(database.jdbi(), store, new SimpleMeterRegistry());
      for (SessionStatus status : SessionStatus.values()) {
        for (boolean started : new boolean[] {false, true}) {
          for (Change change : Change.values()) {
            if (change == Change.OPEN) {
              continue; // opening makes a row; checked below
            }
            String label = change + " from " + status + (started ? " (started)" : "");
            // due: the time limit has passed, so an expiry may happen
            Session session = row(database, integrationId, status, started, NOW.minusSeconds(60));
            int notedBefore = changesNoted(database, session);
            boolean changed =
                switch (change) {
                  case START -> lifecycle.start(session.id(), "{}", NOW);
                  case COMPLETE, CANCEL, EXPIRE ->
                      database
                          .jdbi()
                          .inTransaction(h -> lifecycle.end(h, session.id(), change, NOW));
                  case REOPEN -> lifecycle.reopen(session.id(), NOW.plusSeconds(3600), NOW);
                  case ERASE ->
                      database
                          .jdbi()
                          .inTransaction(
                              h ->
                                  lifecycle.erase(
                                      h, session.id(), "hash-" + session.id(), "test", NOW));
                  case OPEN -> throw new AssertionError();
                };
            assertThat(changed).as(label).isEqualTo(SessionLifecycle.allows(status, change));
            SessionStatus after = store.findById(session.id()).orElseThrow().status();
            SessionStatus expected =
                !changed
                    ? status
                    : change == Change.REOPEN
                        ? (started ? SessionStatus.STARTED : SessionStatus.CREATED)
                        : SessionLifecycle.RULES.get(change).to();
            assertThat(after).as(label).isEqualTo(expected);
            // A re-opening or an erasure tells the funnel its day's sealed figures are stale.
            boolean noted = changed && (change == Change.REOPEN || change == Change.ERASE);
            assertThat(changesNoted(database, session) - notedBefore)
                .as(label + ": ended_session_changes")
                .isEqualTo(noted ? 1 : 0);
          }
        }
      }
      // An open session inside its time limit is not expired, whatever else may end it.
      Session fresh =
          row(database, integrationId, SessionStatus.STARTED, true, NOW.plusSeconds(60));
      boolean expired = apply(database, lifecycle, fresh, Change.EXPIRE);
      assertThat(expired).isFalse();
      assertThat(store.findById(fresh.id()).orElseThrow().status())
          .isEqualTo(SessionStatus.STARTED);
      // Opening makes a CREATED row; a second of the same uid fails on the unique key.
      Session opened =
          new Session(
              Ids.newId(),
              integrationId,
              "lifecycle-open",
              SessionStatus.CREATED,
              NOW,
              NOW.plusSeconds(3600),
              null,
              null);
      lifecycle.open(opened);
      assertThat(store.findById(opened.id()).orElseThrow().status())
          .isEqualTo(SessionStatus.CREATED);
      assertThat(lifecycle.openWithinCap(withId(opened, Ids.newId(), "lifecycle-cap"), 1, NOW))
          .as("the cap of one open session is reached")
          .isFalse();
    }
  }

  private static boolean apply(
      Database database, SessionLifecycle lifecycle, Session session, Change change) {
    return switch (change) {
      case START -> lifecycle.start(session.id(), "{}", NOW);
      case COMPLETE, CANCEL, EXPIRE ->
          database
              .jdbi()
              .<Boolean, RuntimeException>inTransaction(
                  h -> lifecycle.end(h, session.id(), change, NOW));
      case REOPEN -> lifecycle.reopen(session.id(), NOW.plusSeconds(3600), NOW);
      case ERASE ->
          database
              .jdbi()
              .<Boolean, RuntimeException>inTransaction(
                  h -> lifecycle.erase(h, session.id(), "hash-" + session.id(), "test", NOW));
      case OPEN -> throw new AssertionError("opening is checked on its own");
    };
  }

  private static int changesNoted(Database database, Session session) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM ended_session_changes WHERE integration_id = ?"
                            + " AND changed_at = ?")
                    .bind(0, session.integrationId())
                    .bind(1, Timestamps.utc(NOW))
                    .mapTo(Integer.class)
                    .one());
  }

  private static Session withId(Session s, String id, String uid) {
    return new Session(
        id, s.integrationId(), uid, s.status(), s.createdAt(), s.expiresAt(), null, null);
  }

  /** A session row written as it would stand in {@code status}: the test sets it up directly. */
  private static Session row(
      Database database,
      String integrationId,
      SessionStatus status,
      boolean started,
      Instant expiresAt) {
    String id = Ids.newId();
    database
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO sessions (id, integration_id, uid, status, created_at,"
                            + " expires_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, id)
                    .bind(1, integrationId)
                    .bind(2, "lifecycle-" + id)
                    .bind(3, status.name())
                    .bind(4, dev.credence.server.store.Timestamps.utc(NOW.minusSeconds(3600)))
                    .bind(5, dev.credence.server.store.Timestamps.utc(expiresAt))
                    .bind(
                        6,
                        started
                            ? dev.credence.server.store.Timestamps.utc(NOW.minusSeconds(1800))
                            : null)
                    .bind(7, status.isOpen() ? null : dev.credence.server.store.Timestamps.utc(NOW))
                    .execute());
    return new Session(id, integrationId, "lifecycle-" + id, status, NOW, expiresAt, null, null);
  }
}
