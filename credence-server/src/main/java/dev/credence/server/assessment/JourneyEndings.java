package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.deployments.Environment;
import dev.credence.server.sessions.Session;

/**
 * What the journey asks for when a session ends; the ending itself (the status, the result, the
 * events, their delivery) is not the journey's business. Each method returns whether this call
 * ended the session: whoever ends a session first wins, a second caller changes nothing.
 */
public interface JourneyEndings {
  /** The last step is answered: score it and complete the session. */
  boolean complete(View view);

  /** The applicant declined the privacy policy. */
  boolean cancel(View view);

  /** The session's time limit has passed (found when its link is opened late). */
  boolean expire(Session session, Environment environment);
}
