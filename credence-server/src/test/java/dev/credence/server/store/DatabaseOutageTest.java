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
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under a running server and comes back: every request fails fast with 503
 * {@code store_unavailable} meanwhile, one by one and under the load of many clients, and the
 * server recovers by itself with nothing it acknowledged lost. Runs on its own embedded PostgreSQL,
 * with a fixed port and data directory so that it can be stopped and started again.
 */
class DatabaseOutageTest {
  /** Every answer while the database is away comes within this (docs/configuration.md). */
  private static final Duration FAST = Duration.ofSeconds(2);

  private static final Duration RECOVERY = Duration.ofSeconds(15);
  private static final Duration RESUME_WITHIN = Duration.ofSeconds(1);
  private static final int CLIENTS = 16;

  /** Generous: a request still unanswered after this counts as hanging. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Longer than the pool's wait for a connection, so that requests queued for one while the
   * database is away are answered too, not only those that found it gone.
   */
  private static final Duration DOWN_UNDER_LOAD = Duration.ofSeconds(4);

  private static final Duration RESUME_UNDER_LOAD = Duration.ofSeconds(5);

  @TempDir Path pgData;
  private int pgPort;
  private EmbeddedPostgres postgres;
  private RunningServer server;

  @BeforeEach
  void startPostgresAndServer() throws IOException {
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
  }

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

  private void stopPostgres() throws IOException {
    postgres.close();
    postgres = null;
  }

  @Test
  void theServerAnswers503WhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
    Deployment d = server.newDeployment();
    HttpResponse<String> before = create(d, "OUTAGE-00001");
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    String token = json(before).get("access_token").asText();
    assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

    // ---- PostgreSQL goes away.
    stopPostgres();

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

  @Test
  void underLoadEveryAnswerIsAFast503AndEverySessionAnswered200IsKept() throws Exception {
    server.requestTimeout(CLIENT_TIMEOUT);
    Deployment d = server.newDeployment();
    Load load = new Load(server, d);
    List<Call> probes = new ArrayList<>();
    long stopping;
    long down;
    long restarting;
    long up;
    try {
      load.start(CLIENTS);
      load.awaitAcknowledged(10 * CLIENTS);

      // ---- PostgreSQL goes away under the load, for longer than the pool waits for a connection.
      stopping = System.nanoTime();
      stopPostgres();
      down = System.nanoTime();
      while (System.nanoTime() - down < DOWN_UNDER_LOAD.toNanos()) {
        // As a load balancer and a watchdog ask, beside the clients.
        probes.add(Call.of("ready", null, () -> server.get("/health/ready")));
        probes.add(Call.of("live", null, () -> server.get("/health/live")));
        Thread.sleep(100);
      }

      // ---- It comes back on the same port and data directory, the load still on.
      restarting = System.nanoTime();
      postgres = startPostgres();
      up = System.nanoTime();
      Thread.sleep(RESUME_UNDER_LOAD.plusSeconds(2).toMillis());
    } finally {
      load.stop();
    }

    List<Call> calls = load.calls();
    assertThat(calls)
        .as("requests with no answer within %s (hanging or refused)", CLIENT_TIMEOUT)
        .filteredOn(c -> c.failure() != null)
        .isEmpty();
    assertThat(calls)
        .as("answers other than 200 or 503 store_unavailable")
        .filteredOn(c -> c.status() != 200 && !isStoreUnavailable(c))
        .isEmpty();
    Duration slowest = calls.stream().map(Call::took).max(Duration::compareTo).orElseThrow();
    assertThat(slowest)
        .as("the slowest of %d answers, before, during and after the outage", calls.size())
        .isLessThan(FAST);

    List<Call> whileDown =
        calls.stream().filter(c -> c.started() >= down && c.ended() <= restarting).toList();
    assertThat(whileDown)
        .as("requests made and answered while PostgreSQL was down")
        .hasSizeGreaterThan(CLIENTS);
    assertThat(whileDown)
        .as("answers while PostgreSQL was down")
        .allSatisfy(c -> assertThat(isStoreUnavailable(c)).as(c.toString()).isTrue());

    assertThat(probes)
        .filteredOn(p -> p.what().equals("ready"))
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p.status()).as(p.toString()).isEqualTo(503);
              assertThat(json(p.response()).get("code").asText()).isEqualTo("store_unavailable");
            });
    assertThat(probes)
        .filteredOn(p -> p.what().equals("live"))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.status()).as("the process itself is alive").isEqualTo(200));
    assertThat(probes).allSatisfy(p -> assertThat(p.took()).as(p.toString()).isLessThan(FAST));

    long resumedBy = up + RESUME_UNDER_LOAD.toNanos();
    List<Call> afterwards = calls.stream().filter(c -> c.started() >= resumedBy).toList();
    long firstBack =
        calls.stream()
            .filter(c -> c.started() >= restarting && c.status() == 200)
            .mapToLong(Call::ended)
            .min()
            .orElseThrow();
    assertThat(afterwards)
        .as(
            "answers from %s after PostgreSQL accepted connections (the first 200 came %d ms after"
                + " it accepted them, %d ms after it was started)",
            RESUME_UNDER_LOAD,
            Duration.ofNanos(firstBack - up).toMillis(),
            Duration.ofNanos(firstBack - restarting).toMillis())
        .hasSizeGreaterThan(CLIENTS)
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(200));

    System.out.printf(
        "outage under load: %d requests, %d answered 503 while PostgreSQL was down, slowest %d ms;"
            + " first 200 %d ms after PostgreSQL accepted connections%n",
        calls.size(),
        whileDown.size(),
        slowest.toMillis(),
        Duration.ofNanos(firstBack - up).toMillis());

    // Every session answered 200 is in the database: before the outage, during it (none), after.
    Map<String, String> acknowledged = load.acknowledged();
    assertThat(acknowledged.keySet())
        .as("sessions acknowledged before the outage")
        .anyMatch(uid -> load.acknowledgedAt(uid) < stopping);
    assertThat(acknowledged.keySet())
        .as("sessions acknowledged after PostgreSQL returned")
        .anyMatch(uid -> load.acknowledgedAt(uid) > up);
    Set<String> stored =
        new HashSet<>(
            server.database(
                h ->
                    h.createQuery("SELECT uid FROM sessions WHERE integration_id = :id")
                        .bind("id", d.productionIntegrationId())
                        .mapTo(String.class)
                        .list()));
    assertThat(stored).as("sessions in the database").containsAll(acknowledged.keySet());
    for (Call read : calls) {
      if (read.what().equals("result") && read.status() == 200) {
        assertThat(json(read.response()).get("status").asText()).isEqualTo("created");
      }
    }
  }

  /** One request of the test: what it was, when it started and ended, its answer or failure. */
  private record Call(
      String what,
      String uid,
      long started,
      long ended,
      HttpResponse<String> response,
      RuntimeException failure) {
    static Call of(String what, String uid, Supplier<HttpResponse<String>> request) {
      long started = System.nanoTime();
      try {
        HttpResponse<String> response = request.get();
        return new Call(what, uid, started, System.nanoTime(), response, null);
      } catch (UncheckedIOException e) {
        return new Call(what, uid, started, System.nanoTime(), null, e);
      }
    }

    int status() {
      return response == null ? -1 : response.statusCode();
    }

    Duration took() {
      return Duration.ofNanos(ended - started);
    }

    @Override
    public String toString() {
      return what
          + " "
          + (uid == null ? "" : uid + " ")
          + "took "
          + took().toMillis()
          + " ms: "
          + (response == null ? failure : response.statusCode() + " " + response.body());
    }
  }

  /**
   * Clients creating sessions on the Production environment (no rate limit, no cap) as fast as they
   * are answered, each reading the result of the last session it was given after every create.
   */
  private static final class Load {
    private final RunningServer server;
    private final Deployment deployment;
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ExecutorService clients;

    Load(RunningServer server, Deployment deployment) {
      this.server = server;
      this.deployment = deployment;
    }

    void start(int count) {
      clients = Executors.newFixedThreadPool(count);
      for (int c = 0; c < count; c++) {
        String prefix = "LOAD-" + c + "-";
        clients.submit(() -> run(prefix));
      }
    }

    private void run(String prefix) {
      String last = null;
      for (int i = 0; !stopped.get(); i++) {
        String uid = prefix + i;
        Call created =
            Call.of(
                "create",
                uid,
                () ->
                    server.createSession(
                        deployment.productionKey(),
                        sessionBody(uid, deployment.productionIntegrationId())));
        calls.add(created);
        if (created.status() == 200) {
          acknowledged.put(uid, json(created.response()).get("access_token").asText());
          acknowledgedAt.put(uid, created.ended());
          last = uid;
        }
        if (last != null) {
          String read = last;
          calls.add(
              Call.of(
                  "result",
                  read,
                  () ->
                      server.send(
                          "GET",
                          "/v1/results/" + read,
                          null,
                          "api-key",
                          deployment.productionKey())));
        }
      }
    }

    void awaitAcknowledged(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() < count) {
        assertThat(System.nanoTime()).as("%d sessions within 30 s", count).isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    List<Call> calls() {
      return List.copyOf(calls);
    }

    Map<String, String> acknowledged() {
      return Map.copyOf(acknowledged);
    }

    long acknowledgedAt(String uid) {
      return acknowledgedAt.get(uid);
    }
  }

  private static boolean isStoreUnavailable(Call call) {
    if (call.status() != 503) {
      return false;
    }
    HttpResponse<String> response = call.response();
    JsonNode body = json(response);
    return "store_unavailable".equals(body.path("code").asText())
        && !body.path("detail").asText().isBlank()
        && response.headers().firstValue("Retry-After").isPresent()
        && response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
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
