package dev.credence.server.testing;

import dev.credence.server.config.Config;
import dev.credence.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The databases whole-app tests run on. PostgreSQL is an external server named by {@code
 * CREDENCE_TEST_POSTGRES_URL} (with {@code _USER} and {@code _PASSWORD}; it must allow CREATE
 * DATABASE), or else an embedded one started once per test JVM. Each server under test gets a fresh
 * database. Under {@code CI=true} a PostgreSQL that cannot start fails the test; elsewhere the test
 * is skipped with a loud message.
 *
 * <p>{@link #newMigratedDatabase} gives a fresh database that already has the schema: a copy of one
 * this JVM migrated through {@link Database#open} (the server's own migration), so each server
 * started on it only checks the schema instead of building it again. A new database is still
 * migrated from nothing by the first server of each JVM, by every {@link ServerProcess}, and by the
 * command line tests that start on an empty data directory.
 */
public enum TestDatabase {
  H2,
  POSTGRES;

  private static EmbeddedPostgres embedded;
  private static String failure;
  private static Path h2Template;
  private static String postgresTemplate;

  /** Connection settings for a new, empty database: url, user, password. */
  public Map<String, String> newDatabase() {
    if (this == H2) {
      return Map.of(); // the server's embedded default, in the test's own data directory
    }
    return createDatabase("");
  }

  private static Map<String, String> createDatabase(String options) {
    String url = adminUrl();
    String name = "credence_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(url, adminUser(), adminPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " " + options);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database at " + url, e);
    }
    return Map.of(
        "CREDENCE_DATABASE_URL", url.substring(0, url.lastIndexOf('/') + 1) + name,
        "CREDENCE_DATABASE_USER", adminUser(),
        "CREDENCE_DATABASE_PASSWORD", adminPassword());
  }

  /**
   * As {@link #newDatabase}, with the schema already migrated. An H2 database is the file of the
   * embedded default in {@code dataDir}, copied there; a PostgreSQL one is created from a template
   * database.
   */
  public Map<String, String> newMigratedDatabase(Path dataDir) {
    if (this == H2) {
      try {
        Files.copy(h2Template(), dataDir.resolve(H2_FILE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of();
    }
    return createDatabase("TEMPLATE " + postgresTemplate());
  }

  /** The file name of the embedded default's database in its data directory. */
  private static final String H2_FILE = "credence.mv.db";

  private static synchronized Path h2Template() throws IOException {
    if (h2Template == null) {
      Path dataDir = Files.createTempDirectory("credence-template-");
      migrate(Config.Database.h2Url(dataDir), "sa", ""); // the embedded default's user
      h2Template = dataDir.resolve(H2_FILE);
    }
    return h2Template;
  }

  private static synchronized String postgresTemplate() {
    if (postgresTemplate == null) {
      Map<String, String> template = POSTGRES.newDatabase();
      String url = template.get("CREDENCE_DATABASE_URL");
      migrate(url, adminUser(), adminPassword());
      postgresTemplate = url.substring(url.lastIndexOf('/') + 1);
    }
    return postgresTemplate;
  }

  private static void migrate(String url, String user, String password) {
    Database.open(new Config.Database(url, user, new Config.Secret(password, "test"), 2)).close();
  }

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static String external() {
    String url = System.getenv("CREDENCE_TEST_POSTGRES_URL");
    return url == null || url.isBlank() ? null : url;
  }

  private static String adminUser() {
    return external() != null
        ? System.getenv().getOrDefault("CREDENCE_TEST_POSTGRES_USER", "postgres")
        : "postgres";
  }

  private static String adminPassword() {
    return external() != null
        ? System.getenv().getOrDefault("CREDENCE_TEST_POSTGRES_PASSWORD", "")
        : "postgres";
  }

  private static synchronized String adminUrl() {
    if (external() != null) {
      return external();
    }
    if (embedded == null && failure == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stopEmbedded));
      } catch (IOException | RuntimeException e) {
        failure = e.toString();
      }
    }
    if (embedded == null) {
      unavailable("embedded PostgreSQL did not start: " + failure);
    }
    return embedded.getJdbcUrl("postgres", "postgres");
  }

  private static void stopEmbedded() {
    try {
      embedded.close();
    } catch (IOException e) {
      // the JVM is exiting; the temp directory goes with it
    }
  }

  /** Fails under CI, skips loudly elsewhere. */
  public static void unavailable(String why) {
    Prerequisites.missing(
        "PostgreSQL tests",
        why,
        "Set CREDENCE_TEST_POSTGRES_URL to an external server to run them.");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
