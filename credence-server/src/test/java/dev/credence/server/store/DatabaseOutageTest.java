package dev.credence.server.store;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under a running server and comes back: every request fails fast with 503
 * {@code store_unavailable} meanwhile, and the server recovers by itself. Runs on its own embedded
 * PostgreSQL, with a fixed port and data directory so that it can be stopped and started again.
 */
class DatabaseOutageTest {
  private static final Duration FAST = Duration.ofSeconds(5);
  private static final Duration RECOVERY = Duration.ofSeconds(15);
  private static final Duration RESUME_WITHIN = Duration.ofSeconds(1);

  @TempDir Path pgData;
  private int pgPort;
  private EmbeddedPostgres postgres;
  private RunningServer server;

  @AfterEach
  void stopAll() throws IOException {
    if (server != null) {
      server.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(pgPort)
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .start();
  }

  @Test
  void theServerAnswers503WhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
    pgPort = RunningServer.freePort();
    try {
      postgres = startPostgres();
    } catch (IOException | RuntimeException e) {
      TestDatabase.unavailable("embedded PostgreSQL for the outage test did not start: " + e);
      return;
    }
    // RunningServer wants a TestDatabase; H2 adds no variables, and ours below take over.
    server =
        RunningServer.start(
            TestDatabase.H2,
            Map.of(
                "CREDENCE_DATABASE_URL", "jdbc:postgresql://localhost:" + pgPort + "/postgres",
                "CREDENCE_DATABASE_USER", "postgres",
                "CREDENCE_DATABASE_PASSWORD", "postgres"));
    assertThat(server.config().database().isH2()).isFalse();

    Deployment d = server.newDeployment();
    HttpResponse<String> before = create(d, "OUTAGE-00001");
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    String token = json(before).get("access_token").asText();
    assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

    // ---- PostgreSQL goes away.
    postgres.close();
    postgres = null;

    for (String uid : new String[] {"OUTAGE-00002", "OUTAGE-00001"}) {
      HttpResponse<String> during = timed("create " + uid, () -> create(d, uid));
      assertStoreUnavailable(during);
      assertThat(during.headers().firstValue("Retry-After")).isPresent();
    }
    // Even a caller with a wrong key gets 503, not a misleading 401: the key cannot be checked.
    HttpResponse<String> wrongKey =
        timed(
            "create with a wrong key",
            () ->
                server.createSession(
                    "crd_test_" + "0".repeat(40),
                    sessionBody("OUTAGE-00004", d.testIntegrationId())));
    assertStoreUnavailable(wrongKey);

    HttpResponse<String> ready = timed("ready", () -> server.get("/health/ready"));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(json(ready).get("code").asText()).isEqualTo("store_unavailable");
    HttpResponse<String> live = timed("live", () -> server.get("/health/live"));
    assertThat(live.statusCode()).as("the process itself is alive").isEqualTo(200);

    HttpResponse<String> operator =
        timed("operator", () -> server.operator("GET", "/v1/admin/companies", null));
    assertStoreUnavailable(operator);

    HttpResponse<String> page = timed("landing page", () -> server.get("/" + token));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(503);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body())
        .startsWith("<!DOCTYPE html>")
        .containsIgnoringCase("try again")
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("org.postgresql")
        .doesNotContain("jdbc:");
    assertThat(page.headers().firstValue("Location")).isEmpty();

    // ---- PostgreSQL comes back on the same port and data directory.
    postgres = startPostgres();
    long back = System.nanoTime();
    long deadline = back + RECOVERY.toNanos();
    HttpResponse<String> after = create(d, "OUTAGE-00005");
    while (after.statusCode() != 200 && System.nanoTime() < deadline) {
      assertThat(after.statusCode()).as(after.body()).isEqualTo(503);
      Thread.sleep(50);
      after = create(d, "OUTAGE-00005");
    }
    Duration resumed = Duration.ofNanos(System.nanoTime() - back);
    assertThat(after.statusCode())
        .as("create-session %s after PostgreSQL returned: %s", RECOVERY, after.body())
        .isEqualTo(200);
    assertThat(resumed).as("200s resume after PostgreSQL returned").isLessThan(RESUME_WITHIN);

    // The session made before the outage is still there: its retry is the same session.
    HttpResponse<String> retry = create(d, "OUTAGE-00001");
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(json(retry).get("access_token").asText()).isEqualTo(token);
    assertThat(server.get("/" + token).statusCode()).isEqualTo(200);
    assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    // Nothing was half-written during the outage: OUTAGE-00002 was never created, so it is new.
    JsonNode fresh = json(create(d, "OUTAGE-00002"));
    assertThat(fresh.get("access_token").asText()).isNotBlank();
  }

  private HttpResponse<String> create(Deployment d, String uid) {
    return server.createSession(d.testKey(), sessionBody(uid, d.testIntegrationId()));
  }

  private static HttpResponse<String> timed(String what, Supplier<HttpResponse<String>> call) {
    long start = System.nanoTime();
    HttpResponse<String> response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("%s took %s; it must fail fast", what, took).isLessThan(FAST);
    return response;
  }

  private static void assertStoreUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).isEqualTo("store_unavailable");
    assertThat(body.get("detail").asText()).isNotBlank().doesNotContain("Exception");
  }
}
