package dev.credence.server.console;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.Environment;
import dev.credence.server.endings.SessionAudit;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.http.ApiException;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.Session;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The results screen: a company's sessions with their results, filtered and paged, exported as CSV,
 * their score distribution; one result's facts, traits and events, where an Admin sends an event
 * again or re-opens an expired uid. Production and Test are never shown together.
 */
public final class ResultPages {
  private static final String RESULTS = ConsoleWeb.PREFIX + "/results";

  private final ResultQuery query;
  private final DeploymentService deployments;
  private final ResultStore results;
  private final EventStore events;
  private final Webhooks webhooks;
  private final SessionReopener reopener;
  private final AuditLog audit;
  private final ConsoleWeb web;
  private final Clock clock;
  private final ExportFiles exportFiles;

  public ResultPages(
      ResultQuery query,
      DeploymentService deployments,
      ResultStore results,
      EventStore events,
      Webhooks webhooks,
      SessionReopener reopener,
      AuditLog audit,
      ConsoleWeb web,
      Clock clock,
      Path exportDir) {
    this.query = query;
    this.deployments = deployments;
    this.results = results;
    this.events = events;
    this.webhooks = webhooks;
    this.reopener = reopener;
    this.audit = audit;
    this.web = web;
    this.clock = clock;
    this.exportFiles = new ExportFiles(exportDir);
  }

  /** An event of a session with its delivery attempts, oldest first. */
  public record EventLog(EventStore.Event event, List<EventStore.Delivery> deliveries) {}

  public void routes(RoutesConfig routes) {
    routes.get(RESULTS, this::list);
    routes.get(RESULTS + "/export.csv", this::export);
    String one = RESULTS + "/{integration_id}/{uid}";
    routes.get(one, ctx -> show(ctx, 200, null, null));
    routes.post(one + "/reopen", this::reopen);
    routes.post(one + "/events/{event_id}/redeliver", this::redeliver);
  }

  // --- the list ---------------------------------------------------------------------------------

  private void list(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<DeploymentWithEnvironments> mine = deployments.listDeployments(viewer.companyId());
    ResultFilter filter = filter(ctx, mine);
    Map<String, Object> params = new HashMap<>();
    params.put("filter", filter);
    params.put("deployments", mine.stream().map(DeploymentWithEnvironments::deployment).toList());
    if (!filter.valid()) {
      params.put("rows", List.of());
      params.put("total", 0L);
      params.put("olderQuery", null);
      params.put("histogram", Charts.histogram(new TreeMap<>()));
      web.render(ctx, 422, "results", page(ctx, filter), params);
      return;
    }
    ResultQuery.Scope scope = ResultQuery.Scope.of(mine, filter);
    List<ResultQuery.Row> rows = query.page(scope, filter, ResultQuery.PAGE_SIZE + 1);
    String older = null;
    if (rows.size() > ResultQuery.PAGE_SIZE) {
      rows = rows.subList(0, ResultQuery.PAGE_SIZE);
      older = filter.queryBefore(rows.get(rows.size() - 1).sessionId());
    }
    ResultQuery.Summary summary = query.summary(scope, filter);
    params.put("rows", rows);
    params.put("total", summary.sessions());
    params.put("olderQuery", older);
    params.put("histogram", Charts.histogram(summary.scores()));
    web.render(ctx, 200, "results", page(ctx, filter), params);
  }

  private ConsolePage page(Context ctx, ResultFilter filter) {
    return web.page(ctx, filter.test() ? "Test results" : "Results", "results");
  }

  private static ResultFilter filter(Context ctx, List<DeploymentWithEnvironments> mine) {
    return ResultFilter.parse(
        ctx::queryParam, mine.stream().map(d -> d.deployment().id()).collect(Collectors.toSet()));
  }

  // --- the export -------------------------------------------------------------------------------

  private void export(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<DeploymentWithEnvironments> mine = deployments.listDeployments(viewer.companyId());
    ResultFilter filter = filter(ctx, mine).firstPage();
    if (!filter.valid()) {
      throw ApiException.unprocessable("filter_invalid", String.join(" ", filter.errors()));
    }
    String name =
        "results-"
            + filter.kind().name().toLowerCase(Locale.ROOT)
            + "-"
            + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
            + ".csv";
    // Written whole to a file first: the read holds a database connection, the download need not.
    ExportFiles.Written export = exportFiles.write(out -> writeCsv(out, mine, filter));
    ctx.contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.header("Content-Length", String.valueOf(export.size()));
    ctx.result(export.content());
  }

  private void writeCsv(Writer out, List<DeploymentWithEnvironments> mine, ResultFilter filter) {
    Csv csv = new Csv(out);
    csv.row(
        "uid",
        "deployment",
        "environment",
        "created_at",
        "finished_at",
        "status",
        "score",
        "risk_band",
        "score_confidence",
        "review_required",
        "flags");
    query.each(
        ResultQuery.Scope.of(mine, filter),
        filter,
        r ->
            csv.row(
                r.uid(),
                r.deployment(),
                filter.kind().name(),
                Csv.time(r.createdAt()),
                Csv.time(r.finishedAt()),
                r.status(),
                r.score() == null ? "" : r.score().toString(),
                r.band(),
                r.confidence(),
                r.reviewRequired() == null ? "" : r.reviewRequired().toString(),
                r.flagList()));
  }

  // --- one result -------------------------------------------------------------------------------

  private void show(Context ctx, int status, SessionReopener.Reopened reopened, String error) {
    Environment environment = integration(ctx);
    Session session = session(ctx, environment);
    var result = results.find(environment.integrationId(), session.uid()).orElse(null);
    List<EventLog> log =
        events.forSession(session.id()).stream()
            .map(e -> new EventLog(e, events.deliveries(e.id())))
            .toList();
    Map<String, Object> params = new HashMap<>();
    params.put("environment", environment);
    params.put("deployment", deploymentName(environment));
    params.put("session", session);
    params.put(
        "status", ResultQuery.statusName(session.status().name(), session.startedAt() != null));
    params.put("result", result);
    params.put("details", result == null ? null : ResultDetails.parse(result.calculated()));
    params.put("events", log);
    params.put("canReopen", session.isExpiredAt(clock.instant()));
    params.put("reopened", reopened);
    params.put("error", error);
    params.put("notice", "redelivered".equals(ctx.queryParam("done")) ? REDELIVERED : null);
    web.render(ctx, status, "result", web.page(ctx, "Result " + session.uid(), "results"), params);
  }

  private static final String REDELIVERED =
      "The event is being sent again; its attempts appear below as they happen.";

  private void reopen(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    Accounts.requireAdmin(actor);
    Environment environment = integration(ctx);
    SessionReopener.Reopened reopened;
    try {
      reopened = reopener.reopen(environment, ctx.pathParam("uid"));
    } catch (ApiException e) {
      if (e.status() == 404) {
        throw notFound();
      }
      show(ctx, e.status(), null, e.detail());
      return;
    }
    audit.record(actor, SessionAudit.reopened(reopened));
    show(ctx, 200, reopened, null);
  }

  private void redeliver(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    Accounts.requireAdmin(actor);
    Environment environment = integration(ctx);
    Session session = session(ctx, environment);
    String eventId = ctx.pathParam("event_id");
    EventStore.Event event =
        events
            .find(eventId)
            .filter(e -> e.sessionId().equals(session.id()))
            .orElseThrow(ResultPages::notFound);
    webhooks.redeliver(event.id());
    audit.record(actor, SessionAudit.redelivered(event));
    ctx.redirect(path(environment, session) + "?done=redelivered");
  }

  /** The integration named in the path, if it is the user's company's; else 404 as if unknown. */
  private Environment integration(Context ctx) {
    String company = ConsoleWeb.user(ctx).companyId();
    return deployments
        .findIntegration(ctx.pathParam("integration_id"))
        .filter(e -> e.companyId().equals(company))
        .orElseThrow(ResultPages::notFound);
  }

  private Session session(Context ctx, Environment environment) {
    try {
      return reopener.find(environment, ctx.pathParam("uid"));
    } catch (ApiException e) {
      throw notFound();
    }
  }

  /** One answer for every id that is unknown or another company's; it repeats none of them. */
  private static ApiException notFound() {
    return ApiException.notFound(
        "result_not_found", "There is no such session, result or event in your deployments.");
  }

  private String deploymentName(Environment environment) {
    return deployments
        .findDeployment(environment.companyId(), environment.deploymentId())
        .map(d -> d.deployment().name())
        .orElse("");
  }

  /** A delivery attempt's time, to the second, in UTC. */
  public static String toTheSecond(Instant instant) {
    return SECONDS.format(instant);
  }

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  static String path(Environment environment, Session session) {
    return RESULTS + "/" + environment.integrationId() + "/" + session.uid();
  }
}
