package dev.credence.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings the pool back as soon as PostgreSQL returns from an outage. While the database is away,
 * Hikari waits longer and longer between attempts to open a connection (up to 5 s, with no setting
 * to change it), so the first requests after the database is back could still fail for seconds.
 * While the pool lacks connections, this tries one connection of its own four times a second; once
 * that succeeds it wakes Hikari's connection-adder, which then retries at once.
 */
final class PoolRecovery implements AutoCloseable {
  private static final long PROBE_EVERY_MS = 250;

  private final HikariDataSource pool;
  private final String adderThread;
  private final String url;
  private final Properties login = new Properties();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "credence-pool-recovery");
            thread.setDaemon(true);
            return thread;
          });

  PoolRecovery(HikariDataSource pool, HikariConfig config) {
    this.pool = pool;
    this.adderThread = config.getPoolName() + ":connection-adder";
    this.url = config.getJdbcUrl();
    login.putAll(config.getDataSourceProperties());
    login.setProperty("user", config.getUsername());
    login.setProperty("password", config.getPassword());
    timer.scheduleWithFixedDelay(
        this::check, PROBE_EVERY_MS, PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  private void check() {
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    if (state == null || !starved(state)) {
      return;
    }
    try (Connection probe = DriverManager.getConnection(url, login)) {
      wakeTheAdder();
    } catch (SQLException | RuntimeException stillAway) {
      // the next probe tries again
    }
  }

  /** Requests wait for a connection the pool has not opened, or it is below its minimum. */
  private boolean starved(HikariPoolMXBean state) {
    int total = state.getTotalConnections();
    return total < pool.getMinimumIdle()
        || (state.getThreadsAwaitingConnection() > 0 && total < pool.getMaximumPoolSize());
  }

  /** Ends the adder's back-off sleep: Hikari then starts a new attempt with a short back-off. */
  private void wakeTheAdder() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(adderThread) && thread.getState() == Thread.State.TIMED_WAITING) {
        thread.interrupt();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
