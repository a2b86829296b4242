package dev.credence.server.erasure;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Erases the finished sessions (completed, cancelled, expired) of every environment with a {@code
 * retention_days} setting once they finished longer ago than that, {@link #BATCH} to a transaction,
 * as the actor {@code retention}. Every node may run it at the same moment: each erasure is a
 * conditional change of the session's row, so a session is erased, and announced, once.
 */
public final class RetentionSweep {
  static final int BATCH = 100;

  private final DeploymentService deployments;
  private final Erasures erasures;
  private final Clock clock;

  public RetentionSweep(DeploymentService deployments, Erasures erasures, Clock clock) {
    this.deployments = deployments;
    this.erasures = erasures;
    this.clock = clock;
  }

  /** Erases every session past its environment's retention now; returns how many it erased. */
  public int run() {
    int erased = 0;
    for (Environment environment : deployments.listWithRetention()) {
      Instant cutoff =
          clock.instant().minus(Duration.ofDays(environment.settings().retentionDays()));
      Erasures.Batch batch;
      do {
        batch = erasures.eraseFinishedBefore(environment, cutoff, BATCH);
        erased += batch.erased();
        // A batch another node erased first: leave what is left to the next run.
      } while (batch.found() == BATCH && batch.erased() > 0);
    }
    return erased;
  }
}
