package dev.credence.server.results;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStore;
import java.time.Clock;
import java.util.List;

/**
 * Finds open sessions past their time limit and expires them, with their events. A session whose
 * link is opened late is expired on the spot; this sweep catches the ones nobody opens again.
 */
public final class ExpirySweep {
  static final int BATCH = 200;

  private final SessionStore sessions;
  private final DeploymentService deployments;
  private final Outcomes outcomes;
  private final Clock clock;

  public ExpirySweep(
      SessionStore sessions, DeploymentService deployments, Outcomes outcomes, Clock clock) {
    this.sessions = sessions;
    this.deployments = deployments;
    this.outcomes = outcomes;
    this.clock = clock;
  }

  /** Expires every session due now, a batch at a time; returns how many this call expired. */
  public int run() {
    int expired = 0;
    List<Session> due;
    do {
      due = sessions.findDue(clock.instant(), BATCH);
      int before = expired;
      for (Session session : due) {
        if (outcomes.expire(session, deployments.getIntegration(session.integrationId()))) {
          expired++;
        }
      }
      if (expired == before) {
        break; // another node is expiring the same batch: leave the rest to the next run
      }
    } while (due.size() == BATCH);
    return expired;
  }
}
