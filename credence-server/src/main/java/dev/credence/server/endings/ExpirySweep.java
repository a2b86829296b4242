package dev.credence.server.endings;

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
  private final SessionEndings endings;
  private final Clock clock;

  public ExpirySweep(
      SessionStore sessions, DeploymentService deployments, SessionEndings endings, Clock clock) {
    this.sessions = sessions;
    this.deployments = deployments;
    this.endings = endings;
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
        if (endings.expire(session, deployments.getIntegration(session.integrationId()))) {
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
