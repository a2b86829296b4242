package dev.credence.server.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.ApiException;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The operator's hand on sessions and their events, under {@code /v1/admin} (behind the operator
 * token checked by the operator API): re-open an expired uid, read a session's events with their
 * delivery log, send an event again.
 */
public final class SessionAdminApi {
  private final DeploymentService deployments;
  private final SessionStore sessions;
  private final Outcomes outcomes;
  private final EventStore events;
  private final Webhooks webhooks;
  private final AccessTokens tokens;
  private final String publicUrl;
  private final Clock clock;

  public SessionAdminApi(
      DeploymentService deployments,
      SessionStore sessions,
      Outcomes outcomes,
      EventStore events,
      Webhooks webhooks,
      AccessTokens tokens,
      String publicUrl,
      Clock clock) {
    this.deployments = deployments;
    this.sessions = sessions;
    this.outcomes = outcomes;
    this.events = events;
    this.webhooks = webhooks;
    this.tokens = tokens;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    String session = "/v1/admin/integrations/{integration_id}/sessions/{uid}";
    routes.post(session + "/reopen", this::reopen);
    routes.get(session + "/events", this::events);
    routes.post("/v1/admin/events/{event_id}/redeliver", this::redeliver);
  }

  /**
   * Re-opens an expired session: its clock restarts (a full time limit from now), the applicant's
   * answers so far are kept, and both the old link and a new one work. Only an expired session can
   * be re-opened: a finished one has its result, an open one has time left.
   */
  private void reopen(Context ctx) {
    Environment environment = deployments.getIntegration(ctx.pathParam("integration_id"));
    Session session = session(ctx, environment);
    Instant now = clock.instant();
    if (session.status().isOpen() && session.isExpiredAt(now)) {
      outcomes.expire(session, environment); // due but not yet swept: expire it properly first
      session = session(ctx, environment);
    }
    if (session.status() != SessionStatus.EXPIRED) {
      throw new ApiException(
          409,
          "session_not_expired",
          "uid '"
              + session.uid()
              + "' is "
              + session.status().name().toLowerCase(Locale.ROOT)
              + "; only an expired session can be re-opened");
    }
    Instant expiresAt = now.plus(Duration.ofHours(environment.settings().sessionExpiryHours()));
    if (!sessions.reopen(session.id(), expiresAt)) {
      throw new ApiException(409, "session_not_expired", "The session changed; try again");
    }
    Session reopened = session(ctx, environment);
    String token = tokens.issue(reopened, environment);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("uid", reopened.uid());
    body.put("integration_id", reopened.integrationId());
    body.put("status", reopened.status().name().toLowerCase(Locale.ROOT));
    body.put("expires_at", reopened.expiresAt().getEpochSecond());
    body.put("access_token", token);
    body.put("url", publicUrl + "/" + token);
    ctx.json(body);
  }

  private void events(Context ctx) {
    Environment environment = deployments.getIntegration(ctx.pathParam("integration_id"));
    Session session = session(ctx, environment);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("uid", session.uid());
    body.put("status", session.status().name().toLowerCase(Locale.ROOT));
    ArrayNode list = body.putArray("events");
    for (EventStore.Event event : events.forSession(session.id())) {
      ObjectNode item = list.addObject();
      item.put("id", event.id());
      item.put("type", event.type().wireName());
      item.put("status", event.status().name());
      item.put("attempts", event.attempts());
      item.put("created_at", event.createdAt().getEpochSecond());
      putTime(item, "next_attempt_at", event.nextAttemptAt());
      putTime(item, "finished_at", event.finishedAt());
      ArrayNode deliveries = item.putArray("deliveries");
      for (EventStore.Delivery d : events.deliveries(event.id())) {
        ObjectNode row = deliveries.addObject();
        row.put("attempt", d.attempt());
        row.put("started_at", d.startedAt().getEpochSecond());
        row.put("url", d.url());
        row.put("status_code", d.statusCode());
        row.put("error", d.error());
        row.put("latency_ms", d.latencyMs());
        row.put("response_snippet", d.responseSnippet());
      }
    }
    ctx.json(body);
  }

  private void redeliver(Context ctx) {
    String eventId = ctx.pathParam("event_id");
    if (!webhooks.redeliver(eventId)) {
      throw ApiException.notFound("event_not_found", "No event with id '" + eventId + "'");
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("id", eventId);
    body.put("status", "PENDING");
    body.put("detail", "The event is being sent again");
    ctx.status(202).json(body);
  }

  private Session session(Context ctx, Environment environment) {
    String uid = ctx.pathParam("uid");
    return sessions
        .findByUid(environment.integrationId(), uid)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "uid_not_found", "No session with uid '" + uid + "' on this integration"));
  }

  private static void putTime(ObjectNode node, String name, Instant time) {
    if (time == null) {
      node.putNull(name);
    } else {
      node.put(name, time.getEpochSecond());
    }
  }
}
