package dev.credence.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.Application;
import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The real server on a free port, over a test database, spoken to over real HTTP. */
public final class RunningServer extends ServerHttp implements AutoCloseable {
  public static final String OPERATOR_TOKEN = "test-operator-token-0123456789abcdef";

  /**
   * Background work at test speed: webhook deliveries, expiry and retention within a fraction of a
   * second.
   */
  public static final Map<String, String> QUICK_WORKERS =
      Map.of(
          "CREDENCE_SCHEDULER_POLL_MS", "100",
          "CREDENCE_EXPIRY_SWEEP_MS", "200",
          "CREDENCE_RETENTION_SWEEP_MS", "200");

  /**
   * Lets webhooks reach receivers on this machine ({@link WebhookReceiver}), whose loopback address
   * the server refuses by default.
   */
  public static final Map<String, String> LOOPBACK_WEBHOOKS =
      Map.of("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Application app;
  private final Config config;
  private final TestClock clock;
  private final Map<String, String> env;
  private final AssessmentModules modules;

  private RunningServer(Map<String, String> env, TestClock clock) {
    this(env, clock, Modules.standard());
  }

  private RunningServer(Map<String, String> env, TestClock clock, AssessmentModules modules) {
    this.env = Map.copyOf(env);
    this.config = Config.fromEnvironment(env);
    this.clock = clock;
    this.modules = modules;
    this.app = Application.start(config, clock, modules);
  }

  /** A server that knows the assessment modules {@code modules} (e.g. a test module as well). */
  public static RunningServer start(TestDatabase database, AssessmentModules modules) {
    Path dataDir = tempDir();
    Map<String, String> env = new HashMap<>(database.newMigratedDatabase(dataDir));
    env.putAll(baseEnvironment(dataDir));
    return new RunningServer(env, TestClock.startingNow(), modules);
  }

  public static RunningServer start(TestDatabase database) {
    return start(database, Map.of());
  }

  public static RunningServer start(TestDatabase database, Map<String, String> extraEnv) {
    Path dataDir = tempDir();
    Map<String, String> env = new HashMap<>(database.newMigratedDatabase(dataDir));
    env.putAll(baseEnvironment(dataDir));
    env.putAll(extraEnv);
    return new RunningServer(env, TestClock.startingNow());
  }

  /** Several sets of settings as one; a later one wins for a variable in two. */
  @SafeVarargs
  public static Map<String, String> with(Map<String, String>... settings) {
    Map<String, String> all = new HashMap<>();
    for (Map<String, String> some : settings) {
      all.putAll(some);
    }
    return Map.copyOf(all);
  }

  /** What every test server shares: a free port, its own data dir, a known operator token. */
  public static Map<String, String> baseEnvironment(Path dataDir) {
    int port = freePort();
    return Map.of(
        "CREDENCE_PORT",
        String.valueOf(port),
        "CREDENCE_DATA_DIR",
        dataDir.toString(),
        "CREDENCE_OPERATOR_TOKEN",
        OPERATOR_TOKEN,
        "CREDENCE_DEMO",
        "false");
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("credence-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops this server and starts a new one on the same port, database and clock. */
  public RunningServer restart() {
    close();
    return new RunningServer(env, clock, modules);
  }

  /**
   * Stops this server, runs {@code whileStopped} (which may open the database itself), and starts a
   * new one on the same port, database and clock.
   */
  public RunningServer restartAfter(Runnable whileStopped) {
    close();
    whileStopped.run();
    return new RunningServer(env, clock, modules);
  }

  /**
   * Stops this server and starts a new one on the same port, database and clock, with {@code
   * changes} to its settings.
   */
  public RunningServer restart(Map<String, String> changes) {
    close();
    Map<String, String> changed = new HashMap<>(env);
    changed.putAll(changes);
    return new RunningServer(changed, clock, modules);
  }

  /**
   * A second node of the same deployment: same database, data dir (so the same secrets) and clock,
   * its own port.
   */
  public RunningServer secondNode() {
    Map<String, String> second = new HashMap<>(env);
    second.put("CREDENCE_PORT", String.valueOf(freePort()));
    return new RunningServer(second, clock, modules);
  }

  public Config config() {
    return config;
  }

  public TestClock clock() {
    return clock;
  }

  /** Reads or changes the server's database directly, as a test checking what is stored does. */
  public <T> T database(org.jdbi.v3.core.HandleCallback<T, RuntimeException> callback) {
    try (dev.credence.server.store.Database database =
        dev.credence.server.store.Database.open(config.database())) {
      return database.jdbi().withHandle(callback);
    }
  }

  /**
   * Lets the retry windows of {@code uid}'s first {@code events} events close one after another,
   * until each is FAILED: a session's events go one at a time, so each is awaited until it has been
   * tried, then the clock moves by {@code past} (longer than the window) and its next attempt is
   * its last. Waits at most {@code wait} for each step.
   */
  public void failEvents(
      String integrationId, String uid, int events, Duration past, Duration wait) {
    for (int event = 0; event < events; event++) {
      final int index = event;
      awaitEvents(integrationId, uid, wait, e -> e.get(index).get("attempts").asInt() > 0);
      clock.advance(past);
      awaitEvents(
          integrationId, uid, wait, e -> e.get(index).get("status").asText().equals("FAILED"));
    }
  }

  /** Every HTTP route of the server, as {@code "GET /v1/results/{uid}"}. */
  public java.util.List<String> routes() {
    return app.routes();
  }

  @Override
  public String baseUrl() {
    return "http://localhost:" + app.port();
  }

  public record Deployment(
      String companyId,
      String deploymentId,
      String testIntegrationId,
      String testKey,
      String productionIntegrationId,
      String productionKey) {}

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  public static String sessionBody(String uid, String integrationId) {
    return "{\"uid\":\"" + uid + "\",\"integration_id\":\"" + integrationId + "\"}";
  }

  @Override
  public void close() {
    app.close();
  }
}
