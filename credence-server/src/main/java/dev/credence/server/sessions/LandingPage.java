package dev.credence.server.sessions;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.Pages;
import dev.credence.server.sessions.AccessTokens.Genuine;
import dev.credence.server.store.StoreErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /{access_token}}, where the lender redirects the applicant (spec section 5). A token
 * that is not ours gets a plain page, never a redirect; an expired one goes to the Expired URL.
 */
public final class LandingPage {
  private static final Logger LOG = LoggerFactory.getLogger(LandingPage.class);

  private final AccessTokens tokens;
  private final SessionStore sessions;
  private final DeploymentService deployments;
  private final Pages pages;
  private final Clock clock;

  public LandingPage(
      AccessTokens tokens,
      SessionStore sessions,
      DeploymentService deployments,
      Pages pages,
      Clock clock) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.deployments = deployments;
    this.pages = pages;
    this.clock = clock;
  }

  /** Declared last: a single path segment that no other route took is a token. */
  public void routes(RoutesConfig routes) {
    routes.get("/{token}", this::land);
  }

  private void land(Context ctx) {
    HttpEdge.handled(ctx);
    try {
      show(ctx, ctx.pathParam("token"));
    } catch (RuntimeException e) {
      if (!StoreErrors.isUnavailable(e)) {
        LOG.error("landing page failed (request {})", ctx.attribute(HttpEdge.REQUEST_ID), e);
      }
      pages.message(
          ctx,
          503,
          "Please try again",
          "Please try again in a minute",
          "The assessment is briefly unavailable. Your progress is safe; open the same link again"
              + " shortly.");
    }
  }

  private void show(Context ctx, String token) {
    Instant now = clock.instant();
    if (!(tokens.check(token, now) instanceof Genuine genuine)) {
      invalid(ctx);
      return;
    }
    Optional<Session> found = sessions.findById(genuine.sessionId());
    if (found.isEmpty() || !found.get().integrationId().equals(genuine.integrationId())) {
      invalid(ctx);
      return;
    }
    Session session = found.get();
    Environment environment = deployments.getIntegration(session.integrationId());
    boolean finished =
        session.status() == SessionStatus.COMPLETED || session.status() == SessionStatus.CANCELLED;
    if (!finished && (genuine.expired() || session.isExpiredAt(now))) {
      sessions.markExpired(session.id(), now);
      String expiredUrl = environment.settings().expiredUrl();
      if (expiredUrl != null) {
        ctx.redirect(expiredUrl, io.javalin.http.HttpStatus.FOUND);
        return;
      }
      pages.message(
          ctx,
          410,
          "Link expired",
          "This link has expired",
          "Please go back to your lender and ask for a new link to the assessment.");
      return;
    }
    switch (session.status()) {
      case COMPLETED ->
          pages.message(
              ctx,
              200,
              "Finished",
              "You have finished",
              "Your answers have been received. Thank you.");
      case CANCELLED ->
          pages.message(
              ctx,
              200,
              "Assessment closed",
              "This assessment was closed",
              "You chose not to take part. Contact your lender if you change your mind.");
      default ->
          pages.message(
              ctx,
              200,
              "Assessment ready",
              "Your assessment is ready",
              "This session is open. The questionnaire and games take about five minutes.");
    }
  }

  private void invalid(Context ctx) {
    pages.message(
        ctx,
        404,
        "Link not valid",
        "This link is not valid",
        "Please check that you opened the full link your lender sent, or ask them for a new one.");
  }
}
