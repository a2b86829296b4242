package dev.credence.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.credence.server.config.Config;
import dev.credence.server.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, the schema and the Jdbi handle over them. Time-outs are short on purpose:
 * with the database down a request fails with 503 within a few seconds instead of hanging, and the
 * pool reconnects by itself when the database returns.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /**
   * How long a request waits for a pool connection before it is answered 503. While the database is
   * away every request waits this long, and its answer must come within 2 s
   * (docs/configuration.md): the wait leaves the rest of the request that much room.
   */
  private static final long CONNECTION_TIMEOUT_MS = 1_000;

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Config.Database settings;
  private final PoolRecovery recovery;

  private Database(HikariDataSource dataSource, Config.Database settings, PoolRecovery recovery) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.settings = settings;
    this.recovery = recovery;
  }

  /** Opens the pool and brings the schema up to date; fails with a clear message if it cannot. */
  public static Database open(Config.Database settings) {
    return open(settings, null);
  }

  /**
   * As {@link #open(Config.Database)}, with the pool's meters ({@code hikaricp_*}, labelled {@code
   * pool="credence"}) in {@code meters}; null: none.
   */
  public static Database open(Config.Database settings, MeterRegistry meters) {
    if (settings.isH2()) {
      DurableFiles.register();
      // AUTO_SERVER's TCP port (for the command line) listens on loopback only. H2 reads this
      // process-wide property once, when its first database opens.
      if (System.getProperty("h2.bindAddress") == null) {
        System.setProperty("h2.bindAddress", "127.0.0.1");
      }
    }
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("credence");
    pool.setJdbcUrl(settings.url());
    pool.setUsername(settings.user());
    pool.setPassword(settings.password().value());
    pool.setMaximumPoolSize(settings.poolSize());
    pool.setMinimumIdle(Math.min(2, settings.poolSize()));
    pool.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    pool.setValidationTimeout(1_000);
    pool.setInitializationFailTimeout(10_000);
    if (meters != null) {
      pool.setMetricRegistry(meters);
    }
    if (!settings.isH2()) {
      pool.addDataSourceProperty("connectTimeout", "2");
      pool.addDataSourceProperty("loginTimeout", "3");
      pool.addDataSourceProperty("socketTimeout", "10");
      pool.addDataSourceProperty("tcpKeepAlive", "true");
      pool.addDataSourceProperty("ApplicationName", "credence");
    }
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(pool);
    } catch (RuntimeException e) {
      throw new ConfigException(
          "cannot connect to the database "
              + settings.url().replaceAll("(?i)(password=)[^&;]*", "$1********")
              + ": "
              + rootMessage(e),
          e);
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          // SQL migrations, and the Java ones for what SQL cannot say alike on H2 and PostgreSQL.
          .locations("classpath:db/migration", "classpath:dev/credence/server/store/migrations")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      dataSource.close();
      throw new ConfigException("database migration failed: " + rootMessage(e), e);
    }
    return new Database(
        dataSource, settings, settings.isH2() ? null : new PoolRecovery(dataSource, pool));
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** The pool itself, for libraries that take a DataSource (the task scheduler). */
  public javax.sql.DataSource dataSource() {
    return dataSource;
  }

  public boolean isH2() {
    return settings.isH2();
  }

  /** True when a connection can be had and answers a trivial query within about two seconds. */
  public boolean isReachable() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(2);
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (recovery != null) {
      recovery.close();
    }
    dataSource.close();
  }

  /**
   * Closes, and on H2 compacts the file ({@code SHUTDOWN COMPACT}) when no other connection uses
   * it: the file then holds only live rows, so what was erased or deleted leaves the disk, not only
   * the tables. A second node in this process, or the command line through H2's AUTO_SERVER, still
   * using the file defers the compaction to whichever closes last. The server's orderly stop.
   */
  public void closeAndCompact() {
    close();
    if (!settings.isH2()) {
      return;
    }
    try (Connection connection =
            DriverManager.getConnection(
                settings.url(), settings.user(), settings.password().value());
        Statement statement = connection.createStatement()) {
      long sessions;
      try (ResultSet rs =
          statement.executeQuery("SELECT COUNT(*) FROM information_schema.sessions")) {
        rs.next();
        sessions = rs.getLong(1);
      }
      if (sessions == 1) {
        statement.execute("SHUTDOWN COMPACT");
      } else {
        LOG.info("The H2 file is in use by {} other connection(s); not compacted", sessions - 1);
      }
    } catch (SQLException e) {
      LOG.warn("The H2 file was not compacted at the stop: {}", rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
