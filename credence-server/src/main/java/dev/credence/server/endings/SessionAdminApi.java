package dev.credence.server.endings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.sessions.Session;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * The operator's hand on sessions and their events, under {@code /v1/admin} (behind the operator
 * token checked by the operator API): re-open an expired uid, read a session's events with their
 * delivery log, send an event again. A re-open and a redelivery go to the company's audit log as
 * the operator's, with the entry the dashboard writes for the same change ({@link SessionAudit}).
 */
public final class SessionAdminApi {
  private final DeploymentService deployments;
  private final SessionReopener reopener;
  private final EventStore events;
  private final Webhooks webhooks;
  private final AuditLog audit;

  public SessionAdminApi(
      DeploymentService deployments,
      SessionReopener reopener,
      EventStore events,
      Webhooks webhooks,
      AuditLog audit) {
    this.deployments = deployments;
    this.reopener = reopener;
    this.events = events;
    this.webhooks = webhooks;
    this.audit = audit;
  }

  public void routes(RoutesConfig routes) {
    String session = "/v1/admin/integrations/{integration_id}/sessions/{uid}";
    routes.post(session + "/reopen", this::reopen);
    routes.get(session + "/events", this::events);
    routes.post("/v1/admin/events/{event_id}/redeliver", this::redeliver);
  }

  /** Re-opens an expired session ({@link SessionReopener}) and answers with its new link. */
  private void reopen(Context ctx) {
    Environment environment = deployments.getIntegration(ctx.pathParam("integration_id"));
    SessionReopener.Reopened reopened = reopener.reopen(environment, ctx.pathParam("uid"));
    audit.record(environment.companyId(), Actor.OPERATOR, SessionAudit.reopened(reopened));
    Session session = reopened.session();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("uid", session.uid());
    body.put("integration_id", session.integrationId());
    body.put("status", session.status().name().toLowerCase(Locale.ROOT));
    body.put("expires_at", session.expiresAt().getEpochSecond());
    body.put("access_token", reopened.accessToken());
    body.put("url", reopened.url());
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
      ObjectNode item = WebhookEventsApi.eventJson(event);
      ArrayNode deliveries = item.putArray("deliveries");
      events.deliveries(event.id()).forEach(d -> deliveries.add(WebhookEventsApi.attemptJson(d)));
      list.add(item);
    }
    ctx.json(body);
  }

  private void redeliver(Context ctx) {
    EventStore.Event event =
        WebhookEventsApi.redeliver(events, webhooks, ctx.pathParam("event_id"), null);
    String companyId = deployments.getIntegration(event.integrationId()).companyId();
    audit.record(companyId, Actor.OPERATOR, SessionAudit.redelivered(event));
    ctx.status(202).json(WebhookEventsApi.redelivered(event.id()));
  }

  private Session session(Context ctx, Environment environment) {
    return reopener.find(environment, ctx.pathParam("uid"));
  }
}
