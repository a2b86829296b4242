package dev.credence.server.assessment;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.AccessTokens.Genuine;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.sessions.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The applicant's link, {@code /{access_token}} (docs/integration-guide.md, "What the applicant's
 * link shows"): which session it opens, and in what state. A token that is not ours, tampered or
 * signed with another secret, is invalid.
 */
public final class SessionLinks {
  private final AccessTokens tokens;
  private final SessionStore sessions;
  private final JourneyEndings endings;
  private final DeploymentService deployments;
  private final Clock clock;

  public SessionLinks(
      AccessTokens tokens,
      SessionStore sessions,
      JourneyEndings endings,
      DeploymentService deployments,
      Clock clock) {
    this.endings = endings;
    this.tokens = tokens;
    this.sessions = sessions;
    this.deployments = deployments;
    this.clock = clock;
  }

  /** What a link leads to. */
  public enum State {
    OPEN,
    INVALID,
    EXPIRED,
    COMPLETED,
    CANCELLED
  }

  /** The session behind a link; session and environment are null when the link is invalid. */
  public record Link(State state, String token, Session session, Environment environment) {}

  /** Resolves a link; a session found past its time limit is marked expired on the way. */
  public Link resolve(String token) {
    Instant now = clock.instant();
    if (!(tokens.check(token, now) instanceof Genuine genuine)) {
      return new Link(State.INVALID, token, null, null);
    }
    Optional<Session> found = sessions.findById(genuine.sessionId());
    if (found.isEmpty() || !found.get().integrationId().equals(genuine.integrationId())) {
      return new Link(State.INVALID, token, null, null);
    }
    Session session = found.get();
    Environment environment = deployments.getIntegration(session.integrationId());
    State state;
    if (session.status() == SessionStatus.COMPLETED) {
      state = State.COMPLETED;
    } else if (session.status() == SessionStatus.CANCELLED) {
      state = State.CANCELLED;
    } else if (session.status() == SessionStatus.ERASED) {
      // Erased: the link shows what an expired one does, with nothing of the applicant's.
      state = State.EXPIRED;
    } else if (session.isExpiredAt(now)) {
      // The session's row decides, not the token's exp: a re-opened session has a new limit.
      boolean completed =
          session.status().isOpen()
              && endings.expire(session, environment)
              && sessions.findById(session.id()).orElseThrow().status() == SessionStatus.COMPLETED;
      state = completed ? State.COMPLETED : State.EXPIRED;
    } else {
      state = State.OPEN;
    }
    return new Link(state, token, session, environment);
  }
}
