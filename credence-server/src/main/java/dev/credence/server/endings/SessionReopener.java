package dev.credence.server.endings;

import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.sessions.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Re-opens an expired uid, for the operator API and the dashboard alike: its clock restarts (a full
 * time limit from now), the applicant's answers so far are kept, and both the old link and a new
 * one work. Only an expired session can be re-opened: a finished one has its result, an open one
 * has time left.
 */
public final class SessionReopener {
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final SessionEndings endings;
  private final AccessTokens tokens;
  private final String publicUrl;
  private final Clock clock;

  public SessionReopener(
      SessionStore sessions,
      SessionLifecycle lifecycle,
      SessionEndings endings,
      AccessTokens tokens,
      String publicUrl,
      Clock clock) {
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.endings = endings;
    this.tokens = tokens;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /**
   * A re-opened session with the applicant's new link.
   *
   * @param before the session as it was, expired
   */
  public record Reopened(Session before, Session session, String accessToken, String url) {}

  /** 404 for an unknown uid, 409 when the session is not expired. */
  public Reopened reopen(Environment environment, String uid) {
    Session session = find(environment, uid);
    Instant now = clock.instant();
    if (session.status().isOpen() && session.isExpiredAt(now)) {
      endings.expire(session, environment); // due but not yet swept: expire it properly first
      session = find(environment, uid);
    }
    if (session.status() != SessionStatus.EXPIRED) {
      throw Refusal.conflict(
          "session_not_expired",
          "uid '"
              + session.uid()
              + "' is "
              + session.status().name().toLowerCase(Locale.ROOT)
              + "; only an expired session can be re-opened");
    }
    Instant expiresAt = now.plus(Duration.ofHours(environment.settings().sessionExpiryHours()));
    if (!lifecycle.reopen(session.id(), expiresAt, now)) {
      throw Refusal.conflict("session_not_expired", "The session changed; try again");
    }
    Session reopened = find(environment, uid);
    String token = tokens.issue(reopened, environment);
    return new Reopened(session, reopened, token, publicUrl + "/" + token);
  }

  /** The session of {@code uid} on the environment's integration, or 404 (erased, or none). */
  public Session find(Environment environment, String uid) {
    return sessions.require(environment.integrationId(), uid);
  }
}
