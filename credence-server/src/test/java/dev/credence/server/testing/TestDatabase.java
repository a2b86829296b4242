package dev.credence.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
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
 */
public enum TestDatabase {
  H2,
  POSTGRES;

  private static EmbeddedPostgres embedded;
  private static String failure;

  /** Connection settings for a new, empty database: url, user, password. */
  public Map<String, String> newDatabase() {
    if (this == H2) {
      return Map.of(); // the server's embedded default, in the test's own data directory
    }
    String url = adminUrl();
    String name = "credence_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(url, adminUser(), adminPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database at " + url, e);
    }
    return Map.of(
        "CREDENCE_DATABASE_URL", url.substring(0, url.lastIndexOf('/') + 1) + name,
        "CREDENCE_DATABASE_USER", adminUser(),
        "CREDENCE_DATABASE_PASSWORD", adminPassword());
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
