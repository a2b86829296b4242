package dev.credence.server.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.KeyHeader;
import dev.credence.server.http.Json;
import dev.credence.server.http.PageCursor;
import dev.credence.server.results.ResultStore.StoredResult;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.sessions.SessionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The pull API (Credence's addition; the vendor only pushes): a lender reads a uid's result, or
 * pages through results in the order they were scored, with the API key of the integration.
 */
public final class ResultApi {
  /**
   * How long after scoring a result enters the list. A result's time is taken just before its
   * transaction commits, on its node's clock; waiting this long before listing it means a result
   * that commits late, or on a node whose clock runs behind, is not passed by a cursor already
   * handed out.
   */
  public static final Duration SETTLE = Duration.ofSeconds(10);

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private final DeploymentService deployments;
  private final SessionStore sessions;
  private final ResultStore results;
  private final Clock clock;

  public ResultApi(
      DeploymentService deployments, SessionStore sessions, ResultStore results, Clock clock) {
    this.deployments = deployments;
    this.sessions = sessions;
    this.results = results;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.get("/v1/results", this::list);
    routes.get("/v1/results/{uid}", this::one);
  }

  /**
   * {@code {"uid", "integration_id", "status", "details"}}: the session's status (created, started,
   * completed, cancelled, expired) and, once scored, the same {@code details} as the {@code
   * psychometric_score.complete} event; null before. A simulated session adds {@code "simulated":
   * true}. An erased session's uid answers 404 {@code erased}.
   */
  private void one(Context ctx) {
    Environment environment = KeyHeader.require(ctx, deployments);
    ctx.json(result(environment.integrationId(), ctx.pathParam("uid")));
  }

  /** The answer of {@code GET /v1/results/{uid}} for {@code uid} on an integration. */
  public ObjectNode result(String integrationId, String uid) {
    Session session = sessions.require(integrationId, uid);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("uid", session.uid());
    body.put("integration_id", session.integrationId());
    // Past its time limit is expired, even before the sweep has marked it.
    SessionStatus status =
        session.isExpiredAt(clock.instant()) ? SessionStatus.EXPIRED : session.status();
    body.put("status", status.name().toLowerCase(Locale.ROOT));
    results
        .find(integrationId, uid)
        .ifPresentOrElse(r -> body.set("details", details(r)), () -> body.putNull("details"));
    if (session.simulated()) {
      body.put("simulated", true);
    }
    return body;
  }

  /**
   * {@code ?since=<epoch seconds>&cursor=<next_cursor>&limit=<1..500>}: results scored after the
   * cursor (or at or after {@code since}) and at least {@link #SETTLE} ago, oldest first. {@code
   * next_cursor} is where to continue, now or later, so a lender can keep polling with the last
   * cursor it was given. An erased session's result is gone, so it is not listed.
   */
  private void list(Context ctx) {
    Environment environment = KeyHeader.require(ctx, deployments);
    int limit = PageCursor.limit(ctx.queryParam("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    PageCursor cursor = PageCursor.parse(ctx.queryParam("cursor"), ctx.queryParam("since"));
    List<StoredResult> page =
        results.page(
            environment.integrationId(),
            cursor.after(),
            cursor.id(),
            clock.instant().minus(SETTLE),
            limit + 1);
    boolean more = page.size() > limit;
    List<StoredResult> shown = more ? page.subList(0, limit) : page;
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode items = body.putArray("results");
    for (StoredResult r : shown) {
      ObjectNode item =
          items
              .addObject()
              .put("uid", r.uid())
              .put("integration_id", r.integrationId())
              .put("status", "completed");
      item.set("details", details(r));
      if (r.simulated()) {
        item.put("simulated", true);
      }
    }
    PageCursor next =
        shown.isEmpty()
            ? cursor
            : new PageCursor(
                shown.get(shown.size() - 1).scoredAt(), shown.get(shown.size() - 1).sessionId());
    body.put("next_cursor", next.encode());
    body.put("has_more", more);
    ctx.json(body);
  }

  /** The {@code details} of {@code psychometric_score.complete}, rebuilt from the stored result. */
  static ObjectNode details(StoredResult r) {
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.put("application_started_at", epoch(r.startedAt()));
    details.put("application_completed_at", epoch(r.completedAt()));
    details.put("scored_at", r.scoredAt().getEpochSecond());
    details.put("platform", "WEB");
    try {
      details.set("calculated", Json.MAPPER.readTree(r.calculated()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored result is not JSON", e);
    }
    return details;
  }

  private static Long epoch(Instant time) {
    return time == null ? null : time.getEpochSecond();
  }
}
