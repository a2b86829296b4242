package dev.credence.server;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.credence.server.config.Config;
import dev.credence.server.deployments.Ids;
import dev.credence.server.results.ExpirySweep;
import dev.credence.server.webhooks.Webhooks;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The background work of every node, as db-scheduler tasks in the shared database: webhook
 * deliveries, the expiry sweep, and a repair pass that re-schedules any event whose delivery was
 * never scheduled (a node that stopped between storing an event and scheduling it). Any number of
 * nodes run these; each execution is claimed by one of them.
 */
final class Workers implements AutoCloseable {
  static final Duration REPAIR_EVERY = Duration.ofMinutes(1);
  private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final Scheduler scheduler;

  private Workers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  static Workers start(
      DataSource dataSource, Config.Workers config, Webhooks webhooks, ExpirySweep sweep) {
    RecurringTask<Void> expiry =
        Tasks.recurring("expiry-sweep", FixedDelay.of(config.expirySweep()))
            .execute((instance, context) -> sweep.run());
    RecurringTask<Void> repair =
        Tasks.recurring("webhook-repair", FixedDelay.of(REPAIR_EVERY))
            .execute((instance, context) -> webhooks.repair());
    Scheduler scheduler =
        Scheduler.create(dataSource, webhooks.task())
            .startTasks(expiry, repair)
            .schedulerName(new SchedulerName.Fixed(nodeName()))
            .pollingInterval(config.pollInterval())
            // Work held by a node that died (kill -9, power loss) is taken over by another node, or
            // by the same one restarted, once four heartbeats are missed: about 20 s.
            .heartbeatInterval(HEARTBEAT)
            .missedHeartbeatsLimit(4)
            .threads(8)
            .enableImmediateExecution()
            // A delivery running at a stop is let finish and recorded: its receiver has up to the
            // webhook time-out to answer, so the wait covers that and the recording after it.
            .shutdownMaxWait(config.webhookTimeout().plus(SHUTDOWN_MARGIN))
            .build();
    webhooks.attach(scheduler);
    scheduler.start();
    return new Workers(scheduler);
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
