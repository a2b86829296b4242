package dev.credence.server.erasure;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Erasing a session through the operator API, over real HTTP, and what is left of it afterwards:
 * the API's answers, the webhook, the link, and every table of the database read directly.
 */
abstract class ErasureContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String AGENT = "ErasureProbe/7.3 (distinctive-agent-5f1c)";

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        RunningServer.QUICK_WORKERS,
        RunningServer.LOOPBACK_WEBHOOKS,
        Map.of("CREDENCE_WEBHOOK_RETRY_BASE_MS", "100"));
  }

  private static String newUid() {
    return "ERASE-" + ProcessHandle.current().pid() + "-" + UIDS.incrementAndGet();
  }

  private HttpResponse<String> erase(String integrationId, String uid) {
    return server.operator(
        "DELETE", "/v1/admin/integrations/" + integrationId + "/sessions/" + uid, null);
  }

  private Applicant created(Deployment d, String uid) {
    HttpResponse<String> created =
        server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  /** A completed session of the questionnaire alone, whose events go to {@code receiver}. */
  private Applicant completed(Deployment d, String uid, WebhookReceiver receiver) {
    server.patchIntegration(
        d.productionIntegrationId(), Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));
    Applicant applicant = created(d, uid);
    applicant.answerEverything();
    assertThat(applicant.page().statusCode()).isEqualTo(200); // completes it
    return applicant;
  }

  private static void status(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (code != null) {
      assertThat(json(response).get("code").asText()).as(response.body()).isEqualTo(code);
    }
  }

  @Test
  void anErasedSessionIsGoneFromTheApiItsLinkAndItsUidStaysUsed() throws IOException {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String key = d.productionKey();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String uid = newUid();
      Applicant applicant = completed(d, uid, receiver);
      receiver.await(2, WAIT);
      status(server.send("GET", "/v1/results/" + uid, null, "api-key", key), 200, null);

      HttpResponse<String> erased = erase(integration, uid);
      status(erased, 200, null);
      JsonNode answer = json(erased);
      assertThat(answer.fieldNames()).toIterable().containsExactly("uid", "erased_at");
      assertThat(answer.get("uid").asText()).isEqualTo(uid);
      long erasedAt = answer.get("erased_at").asLong();
      assertThat(erasedAt).isCloseTo(server.clock().instant().getEpochSecond(), within(5));

      // session.erased follows the session's other events, signed like them.
      List<Received> got = receiver.await(3, WAIT);
      List<String> types = new ArrayList<>();
      for (Received r : got) {
        types.add(body(r).at("/event/type").asText());
        assertThat(Signatures.matches(key, r.body(), r.header("X-Signature"))).isTrue();
      }
      assertThat(types)
          .containsExactly("application.complete", "psychometric_score.complete", "session.erased");
      JsonNode event = body(got.get(2));
      assertThat(event.get("uid").asText()).isEqualTo(uid);
      assertThat(event.get("integration_id").asText()).isEqualTo(integration);
      assertThat(event.at("/event/details/erased_at").asLong()).isEqualTo(erasedAt);
      assertThat(event.at("/event/details").size()).isEqualTo(1);

      // The pull API: 404 erased for the uid, and the list leaves it out.
      HttpResponse<String> result = server.send("GET", "/v1/results/" + uid, null, "api-key", key);
      status(result, 404, "erased");
      assertThat(json(result).get("detail").asText()).contains(uid, "erased");
      HttpResponse<String> list = server.send("GET", "/v1/results", null, "api-key", key);
      status(list, 200, null);
      assertThat(list.body()).doesNotContain(uid);

      // The uid stays used: a new session with it is refused as before.
      HttpResponse<String> again = server.createSession(key, sessionBody(uid, integration));
      status(again, 409, "uid_already_used");
      assertThat(json(again).get("detail").asText()).contains("erased");

      // Erasing it again: 404 erased. Its events and re-open: 404 erased.
      status(erase(integration, uid), 404, "erased");
      String admin = "/v1/admin/integrations/" + integration + "/sessions/" + uid;
      status(server.operator("GET", admin + "/events", null), 404, "erased");
      status(server.operator("POST", admin + "/reopen", null), 404, "erased");

      // The old link behaves like an expired one and shows nothing of the applicant's.
      HttpResponse<String> link = applicant.page();
      assertThat(link.statusCode()).isEqualTo(410);
      assertThat(link.body()).contains(Applicant.interfaceText("en", "expired.title"));
      assertThat(receiver.received()).hasSize(3);
    }
  }

  @Test
  void pendingEventsOfAnErasedSessionAreNeverSent() throws IOException {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    try (WebhookReceiver receiver = WebhookReceiver.down()) {
      String uid = newUid();
      completed(d, uid, receiver);
      // The receiver is down: application.complete is being retried, its score waits behind it.
      awaitTrue(
          () ->
              count(
                      "SELECT COUNT(*) FROM events e JOIN sessions s ON s.id = e.session_id"
                          + " WHERE s.uid = ? AND e.attempts > 0",
                      uid)
                  > 0);
      status(erase(integration, uid), 200, null);
      receiver.listen();
      List<Received> got = receiver.await(1, WAIT);
      pause(Duration.ofSeconds(1));
      assertThat(receiver.received()).hasSize(1);
      assertThat(body(got.get(0)).at("/event/type").asText()).isEqualTo("session.erased");
    }
  }

  @Test
  void redeliveringAnUnsentErasureNoticeKeepsTheUidOutOfTheAuditLog() throws IOException {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    try (WebhookReceiver receiver = WebhookReceiver.down()) {
      String uid = newUid();
      completed(d, uid, receiver);
      status(erase(integration, uid), 200, null);
      // The receiver is down: session.erased waits for a retry, its uid and body still kept.
      Map<String, Object> notice =
          server.database(
              h ->
                  h.createQuery(
                          "SELECT id, session_id FROM events WHERE integration_id = ?"
                              + " AND type = 'session.erased'")
                      .bind(0, integration)
                      .mapToMap()
                      .one());
      status(
          server.operator("POST", "/v1/admin/events/" + notice.get("id") + "/redeliver", null),
          202,
          null);
      List<Map<String, Object>> audit =
          server.database(
              h ->
                  h.createQuery(
                          "SELECT action, target, before_json, after_json FROM audit_log"
                              + " WHERE company_id = ? ORDER BY id")
                      .bind(0, d.companyId())
                      .mapToMap()
                      .list());
      assertThat(audit)
          .filteredOn(e -> "event.redelivered".equals(e.get("action")))
          .extracting(e -> e.get("target"))
          .containsExactly("session " + notice.get("session_id") + " on " + integration);
      assertThat(audit.toString()).doesNotContain(uid);
    }
  }

  @Test
  void aSessionFromBeforeUidHashesGetsItsHashWhenErasedAndItsUidStaysUsed() {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String uid = newUid();
    created(d, uid);
    // As a row written before the hash column existed: no hash.
    String id = sessionId(integration, uid);
    server.<Integer>database(
        h ->
            h.createUpdate("UPDATE sessions SET uid_hash = NULL WHERE id = ?")
                .bind(0, id)
                .execute());

    status(erase(integration, uid), 200, null);
    assertThat(
            count(
                "SELECT COUNT(*) FROM sessions WHERE id = ? AND uid IS NULL"
                    + " AND uid_hash IS NOT NULL AND status = 'ERASED'",
                id))
        .isEqualTo(1);
    status(erase(integration, uid), 404, "erased");
    status(
        server.send("GET", "/v1/results/" + uid, null, "api-key", d.productionKey()),
        404,
        "erased");
    status(
        server.createSession(d.productionKey(), sessionBody(uid, integration)),
        409,
        "uid_already_used");
  }

  @Test
  void unknownUidsAndIntegrationsAndCallsWithoutTheTokenAreRefused() {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String uid = newUid();
    created(d, uid);
    status(erase(integration, "NOBODY-00000001"), 404, "uid_not_found");
    status(erase("000000000000000000000000", uid), 404, "integration_not_found");
    // Another environment of the same deployment does not know the uid.
    status(erase(d.testIntegrationId(), uid), 404, "uid_not_found");
    String path = "/v1/admin/integrations/" + integration + "/sessions/" + uid;
    status(server.send("DELETE", path, null), 401, "operator_token_missing");
    status(
        server.send("DELETE", path, null, "Authorization", "Bearer wrong"),
        401,
        "operator_token_invalid");
    // None of that changed anything: the session is still there.
    status(server.send("GET", "/v1/results/" + uid, null, "api-key", d.productionKey()), 200, null);
  }

  @Test
  void erasingTheSameUidAtOnceErasesItOnce() throws Exception {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String uid = newUid();
    Applicant open = created(d, uid);
    assertThat(open.page().statusCode()).isEqualTo(200);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(pool.submit(() -> erase(integration, uid)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> call : calls) {
        HttpResponse<String> response = call.get();
        statuses.add(response.statusCode());
        if (response.statusCode() == 404) {
          assertThat(json(response).get("code").asText()).isEqualTo("erased");
        }
      }
      assertThat(statuses).containsOnly(200, 404).containsOnlyOnce(200);
    } finally {
      pool.shutdownNow();
    }
    // The session was open: its link stops working, as an expired one does.
    HttpResponse<String> link = open.page();
    assertThat(link.statusCode()).isEqualTo(410);
    assertThat(link.body()).contains(Applicant.interfaceText("en", "expired.title"));
    assertThat(
            count(
                "SELECT COUNT(*) FROM events e JOIN sessions s ON s.id = e.session_id"
                    + " WHERE s.integration_id = ? AND e.type = 'session.erased'",
                integration))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM audit_log WHERE company_id = ?"
                    + " AND action = 'session.erased'",
                d.companyId()))
        .isEqualTo(1);
  }

  @Test
  void nothingOfAnErasedSessionIsLeftInAnyTable() {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);

    // A session that expired and was re-opened: the audit log named its uid.
    String reopenedUid = newUid();
    server.patchIntegration(integration, "{\"session_expiry_hours\": 1}");
    created(d, reopenedUid).page("User-Agent", AGENT);
    server.clock().advance(Duration.ofMinutes(61));
    String admin = "/v1/admin/integrations/" + integration + "/sessions/";
    awaitTrue(
        () -> server.operator("POST", admin + reopenedUid + "/reopen", null).statusCode() == 200);
    server.patchIntegration(integration, "{\"session_expiry_hours\": 24}");

    // A session played through every game, with a loan outcome uploaded for it.
    String uid = newUid();
    Applicant applicant = created(d, uid);
    assertThat(applicant.page("User-Agent", AGENT).statusCode()).isEqualTo(200);
    applicant.finish();
    HttpResponse<String> uploaded =
        server.uploadOutcomes(integration, "uid,outcome,date\n" + uid + ",repaid,2026-11-01\n");
    assertThat(json(uploaded).get("added").asInt()).as(uploaded.body()).isEqualTo(1);
    List<String> sessionIds = new ArrayList<>();
    for (String erased : List.of(uid, reopenedUid)) {
      sessionIds.add(sessionId(integration, erased));
      assertThat(rowsOf(sessionIds.get(sessionIds.size() - 1))).as("before").isPositive();
    }
    assertThat(containing(uid)).as("the uid is stored before the erasure").isNotEmpty();
    assertThat(containing(AGENT)).as("the user agent is stored before").isNotEmpty();

    status(erase(integration, uid), 200, null);
    status(erase(integration, reopenedUid), 200, null);
    // No webhook is set: session.erased finishes as NO_WEBHOOK, and loses its uid and body.
    awaitTrue(
        () ->
            count(
                    "SELECT COUNT(*) FROM events WHERE integration_id = ?"
                        + " AND status = 'PENDING'",
                    integration)
                == 0);

    for (String erased : List.of(uid, reopenedUid)) {
      assertThat(containing(erased)).as("rows holding " + erased).isEmpty();
    }
    assertThat(containing(AGENT)).as("rows holding the user agent").isEmpty();
    for (String id : sessionIds) {
      Map<String, Object> tombstone =
          server.database(
              h ->
                  h.createQuery("SELECT * FROM sessions WHERE id = ?")
                      .bind(0, id)
                      .mapToMap()
                      .one());
      assertThat(tombstone.get("status")).isEqualTo("ERASED");
      assertThat(tombstone.get("uid")).isNull();
      assertThat((String) tombstone.get("uid_hash")).matches("[0-9a-f]{64}");
      assertThat(tombstone.get("erased_by")).isEqualTo("operator");
      assertThat(tombstone.get("erased_at")).isNotNull();
      assertThat(tombstone.get("created_at")).isNotNull();
      assertThat(tombstone.get("finished_at")).isNotNull();
      for (String cleared :
          List.of(
              "user_agent",
              "language",
              "platform",
              "assessment_config",
              "started_at",
              "step_shown_at",
              "last_visit_at")) {
        assertThat(tombstone.get(cleared)).as(cleared).isNull();
      }
      // Only the finished session.erased event is left, without uid or body.
      assertThat(rowsOf(id)).isEqualTo(1);
      Map<String, Object> event =
          server.database(
              h ->
                  h.createQuery("SELECT * FROM events WHERE session_id = ?")
                      .bind(0, id)
                      .mapToMap()
                      .one());
      assertThat(event.get("type")).isEqualTo("session.erased");
      assertThat(event.get("status")).isEqualTo("NO_WEBHOOK");
      assertThat(event.get("uid")).isNull();
      assertThat(event.get("body")).isEqualTo("");
      // Sent and scrubbed: it cannot be sent again.
      status(
          server.operator("POST", "/v1/admin/events/" + event.get("id") + "/redeliver", null),
          409,
          "event_erased");
    }
    // The audit log: an entry for each erasure, and the re-open's entry without the uid.
    List<Map<String, Object>> audit =
        server.database(
            h ->
                h.createQuery(
                        "SELECT actor_email, action, target FROM audit_log WHERE company_id = ?"
                            + " AND action IN ('session.erased', 'session.reopened') ORDER BY id")
                    .bind(0, d.companyId())
                    .mapToMap()
                    .list());
    assertThat(audit)
        .extracting(e -> e.get("action"))
        .containsExactly("session.reopened", "session.erased", "session.erased");
    assertThat(audit).extracting(e -> e.get("actor_email")).containsOnly("operator");
    assertThat(audit.get(0).get("target"))
        .isEqualTo("session " + sessionIds.get(1) + " on " + integration);
  }

  @Test
  void everyTableWithASessionIdIsOneTheErasureEmpties() {
    TreeSet<String> withSessionId =
        new TreeSet<String>(
            server.<List<String>>database(
                h ->
                    h.createQuery(
                            "SELECT LOWER(table_name) FROM information_schema.columns"
                                + " WHERE table_schema = CURRENT_SCHEMA"
                                + " AND LOWER(column_name) = 'session_id'")
                        .mapTo(String.class)
                        .list()));
    assertThat(withSessionId).contains("answers", "results", "events");
    assertThat(withSessionId)
        .as(
            "a table with a session_id column that an erasure does not empty: add it to"
                + " Erasures (or, for a module's table, to its sessionTables())")
        .isEqualTo(new TreeSet<>(Erasures.sessionTables(Modules.standard())));
  }

  private int count(String sql, Object... arguments) {
    return StoredRows.count(server, sql, arguments);
  }

  private String sessionId(String integrationId, String uid) {
    return StoredRows.sessionId(server, integrationId, uid);
  }

  /** How many rows every table with a session_id column holds for the session. */
  private int rowsOf(String sessionId) {
    return server.<Integer>database(
        h -> {
          int rows = 0;
          for (String table : Erasures.sessionTables(Modules.standard())) {
            rows +=
                h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE session_id = ?")
                    .bind(0, sessionId)
                    .mapTo(Integer.class)
                    .one();
          }
          return rows;
        });
  }

  /** "table.column" of every stored value, in every table, that contains {@code text}. */
  private List<String> containing(String text) {
    return server.<List<String>>database(
        h -> {
          List<String> found = new ArrayList<>();
          List<String> tables =
              h.createQuery(
                      "SELECT table_name FROM information_schema.tables"
                          + " WHERE table_schema = CURRENT_SCHEMA AND table_type = 'BASE TABLE'")
                  .mapTo(String.class)
                  .list();
          assertThat(tables).hasSizeGreaterThan(10);
          for (String table : tables) {
            for (Map<String, Object> row :
                h.createQuery("SELECT * FROM " + table).mapToMap().list()) {
              row.forEach(
                  (column, value) -> {
                    String shown =
                        value instanceof byte[] bytes
                            ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                            : String.valueOf(value);
                    if (shown.contains(text)) {
                      found.add(table + "." + column + " = " + shown);
                    }
                  });
            }
          }
          return found;
        });
  }

  private static JsonNode body(Received received) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(received.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static org.assertj.core.data.Offset<Long> within(long seconds) {
    return org.assertj.core.data.Offset.offset(seconds);
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT);
      }
      pause(Duration.ofMillis(50));
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
