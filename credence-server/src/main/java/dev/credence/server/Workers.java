package dev.credence.server;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.credence.server.config.Config;
import dev.credence.server.console.funnel.FunnelDays;
import dev.credence.server.endings.ExpirySweep;
import dev.credence.server.erasure.RetentionSweep;
import dev.credence.server.store.Ids;
import dev.credence.server.store.Timestamps;
import dev.credence.server.webhooks.DeliveryAlerts;
import dev.credence.server.webhooks.WebhookDelivery;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/**
 * The background work of every node, as db-scheduler tasks in the shared database: webhook
 * deliveries, the expiry sweep, the retention sweep, the check for failing webhooks
 * (DeliveryAlerts), and a repair pass that re-schedules any event whose delivery was never
 * scheduled (a node that stopped between storing an event and scheduling it). Any number of nodes
 * run these; each execution is claimed by one of them.
 *
 * <p>Built first, started last: the scheduler exists (and takes deliveries into its table) before
 * the parts that schedule them are built, and runs only once they all are, with the sweeps that
 * need them.
 */
final class Workers implements AutoCloseable {
  static final Duration REPAIR_EVERY = Duration.ofMinutes(1);

  /**
   * How often the funnel's ended days are sealed (console/funnel/FunnelDays); also at each start.
   */
  static final Duration FUNNEL_SEAL_EVERY = Duration.ofHours(1);

  private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

  private final Scheduler scheduler;
  private final WebhookDelivery delivery;
  private volatile Runnable expirySweep;
  private volatile Runnable retentionSweep;
  private volatile Runnable alertCheck;
  private volatile Runnable funnelSeal;

  private Workers(DataSource dataSource, Config.Workers config, WebhookDelivery delivery) {
    this.delivery = delivery;
    RecurringTask<Void> expiry =
        Tasks.recurring("expiry-sweep", FixedDelay.of(config.expirySweep()))
            .execute((instance, context) -> expirySweep.run());
    RecurringTask<Void> retention =
        Tasks.recurring("retention-sweep", FixedDelay.of(config.retentionSweep()))
            .execute((instance, context) -> retentionSweep.run());
    RecurringTask<Void> alerts =
        Tasks.recurring("webhook-alerts", FixedDelay.of(config.alertCheck()))
            .execute((instance, context) -> alertCheck.run());
    RecurringTask<Void> funnel =
        Tasks.recurring("funnel-seal", FixedDelay.of(FUNNEL_SEAL_EVERY))
            .execute((instance, context) -> funnelSeal.run());
    RecurringTask<Void> repair =
        Tasks.recurring("webhook-repair", FixedDelay.of(REPAIR_EVERY))
            .execute((instance, context) -> delivery.repair(context.getSchedulerClient()));
    this.scheduler =
        Scheduler.create(dataSource, delivery.task())
            .startTasks(expiry, retention, alerts, funnel, repair)
            .schedulerName(new SchedulerName.Fixed(nodeName()))
            .pollingInterval(config.pollInterval())
            // Work held by a node that died (kill -9, power loss) is taken over by another node, or
            // by the same one restarted, once four heartbeats are missed: about 20 s by default.
            .heartbeatInterval(config.heartbeat())
            .missedHeartbeatsLimit(4)
            .threads(8)
            .enableImmediateExecution()
            // A delivery running at a stop is let finish and recorded: its receiver has up to the
            // webhook time-out to answer, so the wait covers that and the recording after it.
            .shutdownMaxWait(config.webhookTimeout().plus(SHUTDOWN_MARGIN))
            .build();
  }

  /**
   * The node's scheduler, built and not yet running, with {@code credence_scheduler_lag_seconds} in
   * {@code meters}.
   */
  static Workers create(
      DataSource dataSource,
      Config.Workers config,
      WebhookDelivery delivery,
      MeterRegistry meters) {
    Workers workers = new Workers(dataSource, config, delivery);
    Gauge.builder("credence.scheduler.lag", () -> lagSeconds(dataSource))
        .description(
            "How long the longest-waiting due task (a delivery, a retry, a sweep) has been due"
                + " without a node taking it; 0 if none")
        .baseUnit("seconds")
        .register(meters);
    return workers;
  }

  /**
   * Read from the shared table, so every node reports the whole deployment's lag: a lag that grows
   * means the nodes together do not keep up (or none is running the scheduler).
   */
  private static double lagSeconds(DataSource dataSource) {
    // db-scheduler writes its times from the system clock, so this compares with the same clock.
    Instant now = Instant.now();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT MIN(execution_time) FROM scheduled_tasks"
                    + " WHERE picked = FALSE AND execution_time <= ?")) {
      query.setObject(1, Timestamps.utc(now));
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        OffsetDateTime oldest = rs.getObject(1, OffsetDateTime.class);
        return oldest == null
            ? 0
            : Math.max(0, Duration.between(oldest.toInstant(), now).toMillis() / 1000.0);
      }
    } catch (SQLException e) {
      // Micrometer reports a gauge that throws as NaN: the scrape itself still answers.
      throw new IllegalStateException("cannot read the scheduler's lag: " + e.getMessage(), e);
    }
  }

  /** What parts schedule deliveries with; it takes them before it runs. */
  SchedulerClient scheduler() {
    return scheduler;
  }

  /**
   * Runs the tasks, the sweeps among them; nothing of them runs before this. First every pending
   * event without a delivery scheduled gets one (a crash may have stopped this node between storing
   * an event and scheduling it).
   */
  void start(
      ExpirySweep sweep, RetentionSweep retention, DeliveryAlerts alerts, FunnelDays funnelDays) {
    this.expirySweep = sweep::run;
    this.retentionSweep = retention::run;
    this.alertCheck = alerts::check;
    this.funnelSeal = funnelDays::run;
    delivery.repairAll(scheduler);
    scheduler.start();
  }

  /** Names this node in scheduled_tasks.picked_by: host and process, unique on a shared host. */
  static String nodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    String name = host + "#" + ProcessHandle.current().pid() + "#" + Ids.newId().substring(0, 8);
    return name.length() > 100 ? name.substring(name.length() - 100) : name;
  }

  @Override
  public void close() {
    scheduler.stop();
  }
}
