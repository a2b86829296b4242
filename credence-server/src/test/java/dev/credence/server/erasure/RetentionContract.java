package dev.credence.server.erasure;

import static dev.credence.server.erasure.ErasureContract.awaitTrue;
import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.AssessmentSetting;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.DeploymentStore;
import dev.credence.server.deployments.Environment;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.sessions.UidHashes;
import dev.credence.server.store.Database;
import dev.credence.server.store.Timestamps;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An environment's {@code retention_days}: the retention sweep (every 200 ms here) erases finished
 * sessions once they finished longer ago than that, and nothing else; several nodes sweeping at
 * once erase each session once.
 */
abstract class RetentionContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();

  @Override
  protected Map<String, String> environment() {
    return RunningServer.QUICK_WORKERS;
  }

  private static String newUid() {
    return "KEEP-" + ProcessHandle.current().pid() + "-" + UIDS.incrementAndGet();
  }

  private Applicant created(String key, String integration, String uid) {
    HttpResponse<String> created = server.createSession(key, sessionBody(uid, integration));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  private String completed(String key, String integration) {
    String uid = newUid();
    Applicant applicant = created(key, integration, uid);
    applicant.answerEverything();
    assertThat(applicant.page().statusCode()).isEqualTo(200);
    return uid;
  }

  /** The session's status and who erased it, by its id (an erased row has no uid). */
  private Map<String, Object> row(String sessionId) {
    return server.<Map<String, Object>>database(
        h ->
            h.createQuery("SELECT status, erased_by FROM sessions WHERE id = ?")
                .bind(0, sessionId)
                .mapToMap()
                .one());
  }

  private String sessionId(String integration, String uid) {
    return server.<String>database(
        h ->
            h.createQuery("SELECT id FROM sessions WHERE integration_id = ? AND uid = ?")
                .bind(0, integration)
                .bind(1, uid)
                .mapTo(String.class)
                .one());
  }

  @Test
  void finishedSessionsOlderThanTheRetentionAreErasedAndNothingElse() {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String key = d.productionKey();
    server.patchIntegration(
        integration,
        "{\"retention_days\": 2, \"assessment\": " + Applicant.QUESTIONNAIRE_ONLY + "}");
    // The other environment keeps its sessions for ever (no retention_days).
    String forEver = d.testIntegrationId();
    server.patchIntegration(forEver, "{\"assessment\": " + Applicant.QUESTIONNAIRE_ONLY + "}");

    String old = sessionId(integration, completed(key, integration));
    String declinedUid = newUid();
    created(key, integration, declinedUid).decline();
    String declined = sessionId(integration, declinedUid);
    String unopenedUid = newUid();
    created(key, integration, unopenedUid);
    String unopened = sessionId(integration, unopenedUid);
    String keptForEver = sessionId(forEver, completed(d.testKey(), forEver));

    server.clock().advance(Duration.ofDays(3));
    // Finished just now: younger than two days.
    String recent = sessionId(integration, completed(key, integration));

    awaitTrue(() -> "ERASED".equals(row(old).get("status")));
    awaitTrue(() -> "ERASED".equals(row(declined).get("status")));
    assertThat(row(old).get("erased_by")).isEqualTo("retention");
    assertThat(row(declined).get("erased_by")).isEqualTo("retention");
    // The unopened session expired only now (its finishing time), a sweep later: kept.
    awaitTrue(() -> "EXPIRED".equals(row(unopened).get("status")));
    ErasureContract.pause(Duration.ofSeconds(1));
    assertThat(row(unopened).get("status")).isEqualTo("EXPIRED");
    assertThat(row(recent).get("status")).isEqualTo("COMPLETED");
    assertThat(row(keptForEver).get("status")).isEqualTo("COMPLETED");
    List<Map<String, Object>> audit =
        server.<List<Map<String, Object>>>database(
            h ->
                h.createQuery(
                        "SELECT actor_email, target FROM audit_log WHERE company_id = ?"
                            + " AND action = 'session.erased' ORDER BY id")
                    .bind(0, d.companyId())
                    .mapToMap()
                    .list());
    assertThat(audit)
        .extracting(e -> e.get("actor_email"))
        .containsExactly("retention", "retention");
  }

  @Test
  void nodesSweepingAtOnceEraseEachSessionOnce() throws Exception {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    int sessions = 2 * RetentionSweep.BATCH + 30;
    for (int i = 0; i < sessions; i++) {
      created(d.productionKey(), integration, newUid());
    }
    // Set up directly: every one of them finished ten days ago.
    Instant finished = server.clock().instant().minus(Duration.ofDays(10));
    server.<Integer>database(
        h ->
            h.createUpdate(
                    "UPDATE sessions SET status = 'CANCELLED', finished_at = ?"
                        + " WHERE integration_id = ?")
                .bind(0, Timestamps.utc(finished))
                .bind(1, integration)
                .execute());

    try (RunningServer second = server.secondNode();
        Database database = Database.open(server.config().database())) {
      // Both nodes sweep every 200 ms from now on, and two more sweepers run here at once.
      server.patchIntegration(integration, "{\"retention_days\": 1}");
      Environment environment =
          new DeploymentStore(database.jdbi(), new AssessmentSetting(Modules.standard()))
              .findByIntegrationId(integration)
              .orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> sweepers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Erasures erasures = erasures(database);
        sweepers.add(
            pool.submit(
                () -> {
                  int erased = 0;
                  Erasures.Batch batch;
                  do {
                    batch =
                        erasures.eraseFinishedBefore(
                            environment,
                            server.clock().instant().minus(Duration.ofDays(1)),
                            RetentionSweep.BATCH);
                    erased += batch.erased();
                  } while (batch.found() > 0);
                  return erased;
                }));
      }
      int erasedHere = 0;
      for (Future<Integer> sweeper : sweepers) {
        erasedHere += sweeper.get();
      }
      pool.shutdown();
      assertThat(erasedHere).isBetween(0, sessions);
      awaitTrue(
          () ->
              count(
                      "SELECT COUNT(*) FROM sessions WHERE integration_id = ? AND status = 'ERASED'",
                      integration)
                  == sessions);
    }
    assertThat(
            count(
                "SELECT COUNT(*) FROM events WHERE integration_id = ? AND type = 'session.erased'",
                integration))
        .isEqualTo(sessions);
    assertThat(
            count(
                "SELECT COUNT(DISTINCT session_id) FROM events WHERE integration_id = ?",
                integration))
        .isEqualTo(sessions);
    assertThat(
            count(
                "SELECT COUNT(*) FROM audit_log WHERE company_id = ? AND action = 'session.erased'",
                d.companyId()))
        .isEqualTo(sessions);
  }

  private Erasures erasures(Database database) {
    SessionStore store =
        new SessionStore(database.jdbi(), new UidHashes(server.config().masterKeyBytes()));
    return Erasures.withoutScheduler(
        database.jdbi(),
        store,
        new SessionLifecycle(database.jdbi(), store, new SimpleMeterRegistry()),
        Modules.standard(),
        Duration.ofDays(3),
        new AuditLog(database.jdbi(), server.clock()),
        server.clock(),
        new SimpleMeterRegistry());
  }

  private int count(String sql, String argument) {
    return server.<Integer>database(
        h -> h.createQuery(sql).bind(0, argument).mapTo(Integer.class).one());
  }
}
