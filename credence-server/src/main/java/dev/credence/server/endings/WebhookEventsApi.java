package dev.credence.server.endings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventType;
import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.KeyHeader;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.http.PageCursor;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.EventStore.Delivery;
import dev.credence.server.webhooks.EventStore.Event;
import dev.credence.server.webhooks.EventStore.Listed;
import dev.credence.server.webhooks.EventStore.Status;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Webhook management with the {@code api-key} (docs/webhooks.md, "Finding and replaying failed
 * deliveries"): a lender's own system lists its environment's events with where each stands, sends
 * one again, or replays its failed ones in order per session. Every redelivery goes to the
 * company's audit log under {@code api-key}.
 */
public final class WebhookEventsApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private final DeploymentService deployments;
  private final EventStore events;
  private final Webhooks webhooks;
  private final AuditLog audit;

  public WebhookEventsApi(
      DeploymentService deployments, EventStore events, Webhooks webhooks, AuditLog audit) {
    this.deployments = deployments;
    this.events = events;
    this.webhooks = webhooks;
    this.audit = audit;
  }

  public void routes(RoutesConfig routes) {
    routes.get("/v1/webhooks-management/events", this::list);
    routes.post("/v1/webhooks-management/events/{event_id}/redeliver", this::redeliver);
    routes.post("/v1/webhooks-management/redeliver", this::replay);
  }

  /**
   * {@code ?status=&type=&since=&cursor=&limit=}: the environment's events in the order they were
   * made, each with its last attempt and the body it carries (null for an erasure notice already
   * sent, whose body is gone).
   */
  private void list(Context ctx) {
    Environment environment = KeyHeader.require(ctx, deployments);
    Status status = status(ctx.queryParam("status"), List.of(Status.values()));
    EventType type = type(ctx.queryParam("type"));
    int limit = PageCursor.limit(ctx.queryParam("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    PageCursor cursor = PageCursor.parse(ctx.queryParam("cursor"), ctx.queryParam("since"));
    List<Listed> page = events.page(environment.integrationId(), status, type, cursor, limit + 1);
    boolean more = page.size() > limit;
    List<Listed> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode items = body.putArray("events");
    for (Listed listed : shown) {
      ObjectNode item = eventJson(listed.event());
      item.put("uid", listed.event().uid());
      item.set("last_attempt", listed.last() == null ? null : attemptJson(listed.last()));
      item.set("payload", payload(listed.event()));
      items.add(item);
    }
    Event last = shown.isEmpty() ? null : shown.get(shown.size() - 1).event();
    PageCursor next = last == null ? cursor : new PageCursor(last.createdAt(), last.id());
    body.put("next_cursor", next.encode());
    body.put("has_more", more);
    ctx.json(body);
  }

  /** One event of the environment sent again now, with a fresh retry window. */
  private void redeliver(Context ctx) {
    Environment environment = KeyHeader.require(ctx, deployments);
    Event event =
        redeliver(events, webhooks, ctx.pathParam("event_id"), environment.integrationId());
    audit.record(environment.companyId(), Actor.API_KEY, SessionAudit.redelivered(event));
    ctx.status(202).json(redelivered(event.id()));
  }

  /**
   * {@code {"status": "FAILED" | "NO_WEBHOOK", "since": <epoch seconds>}}: up to {@link
   * Webhooks#REPLAY_LIMIT} such events made at or after {@code since}, sent again in order per
   * session.
   */
  private void replay(Context ctx) {
    Environment environment = KeyHeader.require(ctx, deployments);
    JsonNode request = Json.parseObject(ctx.bodyAsBytes());
    JsonNode statusField = request.get("status");
    if (statusField == null || !statusField.isTextual()) {
      throw Refusal.invalid(
          "invalid_status",
          "status is required: \"FAILED\" or \"NO_WEBHOOK\", the events to send again");
    }
    Status status = status(statusField.asText(), List.of(Status.FAILED, Status.NO_WEBHOOK));
    JsonNode sinceField = request.get("since");
    if (sinceField == null || !sinceField.canConvertToExactIntegral()) {
      throw Refusal.invalid(
          "invalid_since",
          "since is required: a time in epoch seconds, such as 1767225600; events made at or"
              + " after it are sent again");
    }
    Instant since = Instant.ofEpochSecond(sinceField.asLong());
    EventStore.Reopened reopened =
        webhooks.redeliver(environment.integrationId(), status, since, Webhooks.REPLAY_LIMIT);
    if (!reopened.events().isEmpty()) {
      audit.record(
          environment.companyId(),
          Actor.API_KEY,
          SessionAudit.replayed(
              environment.integrationId(), status, since, reopened.events().size()));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("redelivered", reopened.events().size());
    body.put("sessions", reopened.sessions().size());
    body.put("has_more", reopened.more());
    body.put(
        "detail",
        reopened.events().isEmpty()
            ? "No " + status.name() + " events made since " + since + " to send again"
            : "Sending "
                + reopened.events().size()
                + " events again, in order per session"
                + (reopened.more() ? "; call again for the rest" : ""));
    ctx.status(202).json(body);
  }

  /**
   * Sends one event again, refused as 404 when it does not exist or belongs to another integration
   * than {@code integrationId} (null: any), and 409 when it is an erasure notice already sent.
   */
  static Event redeliver(
      EventStore events, Webhooks webhooks, String eventId, String integrationId) {
    Event event =
        events
            .find(eventId)
            .filter(e -> integrationId == null || e.integrationId().equals(integrationId))
            .orElseThrow(
                () -> Refusal.notFound("event_not_found", "No event with id '" + eventId + "'"));
    if (event.isScrubbed()) {
      throw Refusal.conflict(
          "event_erased",
          "Event '" + eventId + "' announced an erasure and was sent; its body is gone");
    }
    if (!webhooks.redeliver(eventId)) {
      // Erased meanwhile, with its session.
      throw Refusal.notFound("event_not_found", "No event with id '" + eventId + "'");
    }
    return event;
  }

  static ObjectNode redelivered(String eventId) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("id", eventId);
    body.put("status", Status.PENDING.name());
    body.put("detail", "The event is being sent again");
    return body;
  }

  /** An event as the operator's and the lender's lists show it. */
  static ObjectNode eventJson(Event event) {
    ObjectNode item = JsonNodeFactory.instance.objectNode();
    item.put("id", event.id());
    item.put("type", event.type().wireName());
    item.put("status", event.status().name());
    item.put("attempts", event.attempts());
    item.put("created_at", event.createdAt().getEpochSecond());
    putTime(item, "next_attempt_at", event.nextAttemptAt());
    putTime(item, "finished_at", event.finishedAt());
    return item;
  }

  static ObjectNode attemptJson(Delivery d) {
    ObjectNode row = JsonNodeFactory.instance.objectNode();
    row.put("attempt", d.attempt());
    row.put("started_at", d.startedAt().getEpochSecond());
    row.put("url", d.url());
    row.put("status_code", d.statusCode());
    row.put("error", d.error());
    row.put("latency_ms", d.latencyMs());
    row.put("response_snippet", d.responseSnippet());
    return row;
  }

  private static JsonNode payload(Event event) {
    return event.isScrubbed()
        ? JsonNodeFactory.instance.nullNode()
        : Json.parseObject(event.body().getBytes(StandardCharsets.UTF_8));
  }

  private static Status status(String value, List<Status> allowed) {
    if (value == null) {
      return null;
    }
    String name = value.trim().toUpperCase(Locale.ROOT);
    return allowed.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                Refusal.invalid(
                    "invalid_status",
                    "status must be one of "
                        + allowed.stream().map(Status::name).toList()
                        + ", not '"
                        + value
                        + "'"));
  }

  private static EventType type(String value) {
    if (value == null) {
      return null;
    }
    return Arrays.stream(EventType.values())
        .filter(t -> t.wireName().equals(value.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                Refusal.invalid(
                    "invalid_type",
                    "type must be an event type such as psychometric_score.complete, not '"
                        + value
                        + "'"));
  }

  private static void putTime(ObjectNode node, String name, Instant time) {
    if (time == null) {
      node.putNull(name);
    } else {
      node.put(name, time.getEpochSecond());
    }
  }
}
