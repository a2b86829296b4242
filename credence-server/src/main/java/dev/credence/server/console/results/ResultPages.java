package dev.credence.server.console.results;

import dev.credence.server.console.web.Charts;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.DeploymentStore.Deployment;
import dev.credence.server.deployments.Environment;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.erasure.Erased;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.webhooks.Webhooks;
import gg.jte.generated.precompiled.console.results.JteerasedGenerated;
import gg.jte.generated.precompiled.console.results.JteresultGenerated;
import gg.jte.generated.precompiled.console.results.JteresultsGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The results screen: a company's sessions with their results, filtered and paged, exported as CSV,
 * their score distribution; one result's facts, traits and events, where an Admin sends an event
 * again, re-opens an expired uid or erases the applicant's data. An erased session is shown by its
 * session id, without data. Production and Test are never shown together.
 */
public final class ResultPages {
  private static final String RESULTS = ConsoleWeb.PREFIX + "/results";

  private final ResultQuery query;
  private final CompanyResults results;
  private final ResultExports exports;
  private final ConsoleWeb web;

  public ResultPages(
      ResultQuery query, CompanyResults results, ResultExports exports, ConsoleWeb web) {
    this.query = query;
    this.results = results;
    this.exports = exports;
    this.web = web;
  }

  public void routes(RoutesConfig routes) {
    routes.get(RESULTS, this::list);
    routes.get(RESULTS + "/export.csv", this::export);
    String one = RESULTS + "/{integration_id}/{uid}";
    routes.get(one, this::one);
    routes.post(one + "/reopen", this::reopen);
    routes.post(one + "/events/{event_id}/redeliver", this::redeliver);
    routes.post(one + "/erase", this::erase);
    routes.get(RESULTS + "/{integration_id}/erased/{session_id}", this::erased);
  }

  // --- the list ---------------------------------------------------------------------------------

  private void list(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<DeploymentWithEnvironments> mine = results.deployments(viewer);
    ResultFilter filter = filter(ctx, mine);
    List<Deployment> deployments =
        mine.stream().map(DeploymentWithEnvironments::deployment).toList();
    if (!filter.valid()) {
      Charts.Histogram histogram = Charts.histogram(new TreeMap<>());
      ConsolePage page = page(ctx, filter);
      web.render(
          ctx,
          422,
          out ->
              JteresultsGenerated.render(
                  out, null, page, filter, deployments, List.of(), 0L, null, histogram));
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
    List<ResultQuery.Row> shown = rows;
    String olderQuery = older;
    Charts.Histogram histogram = Charts.histogram(summary.scores());
    ConsolePage page = page(ctx, filter);
    web.render(
        ctx,
        200,
        out ->
            JteresultsGenerated.render(
                out,
                null,
                page,
                filter,
                deployments,
                shown,
                summary.sessions(),
                olderQuery,
                histogram));
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
    List<DeploymentWithEnvironments> mine = results.deployments(viewer);
    ResultFilter filter = filter(ctx, mine).firstPage();
    if (!filter.valid()) {
      throw Refusal.invalid("filter_invalid", String.join(" ", filter.errors()));
    }
    String name = exports.fileName(filter);
    ExportFiles.Written export = exports.write(mine, filter);
    ctx.contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.header("Content-Length", String.valueOf(export.size()));
    ctx.result(export.content());
  }

  // --- one result -------------------------------------------------------------------------------

  /** A uid's page; an erased uid's goes to its tombstone's. */
  private void one(Context ctx) {
    Environment environment = integration(ctx);
    String uid = ctx.pathParam("uid");
    if (results.findSession(environment, uid).isEmpty()) {
      ctx.redirect(erasedPath(environment, results.erasedUid(environment, uid).sessionId()));
      return;
    }
    show(ctx, 200, null, null);
  }

  private void show(Context ctx, int status, SessionReopener.Reopened reopened, String error) {
    Environment environment = integration(ctx);
    Session session = session(ctx, environment);
    ResultStore.StoredResult result = results.result(environment, session).orElse(null);
    List<Webhooks.EventLog> log = results.events(session);
    String deployment = results.deploymentName(environment);
    String statusName =
        ResultQuery.statusName(session.status().name(), session.startedAt() != null);
    ResultDetails details = result == null ? null : ResultDetails.parse(result.calculated());
    if (details != null) {
      details = details.withDirections(results.model(environment, details.modelVersion()));
    }
    ResultDetails shownDetails = details;
    boolean canReopen = results.canReopen(session);
    String notice = "redelivered".equals(ctx.queryParam("done")) ? REDELIVERED : null;
    ConsolePage page = web.page(ctx, "Result " + session.uid(), "results");
    web.render(
        ctx,
        status,
        out ->
            JteresultGenerated.render(
                out,
                null,
                page,
                environment,
                deployment,
                session,
                statusName,
                result,
                shownDetails,
                log,
                canReopen,
                reopened,
                error,
                notice));
  }

  private static final String REDELIVERED =
      "The event is being sent again; its attempts appear below as they happen.";

  private void reopen(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Environment environment = integration(ctx);
    SessionReopener.Reopened reopened;
    try {
      reopened = results.reopen(actor, environment, ctx.pathParam("uid"));
    } catch (Refusal e) {
      if (e.kind() == Refusal.Kind.NOT_FOUND) {
        throw CompanyResults.notFound();
      }
      show(ctx, ApiException.statusOf(e), null, e.detail());
      return;
    }
    show(ctx, 200, reopened, null);
  }

  private void redeliver(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Environment environment = integration(ctx);
    Session session = session(ctx, environment);
    try {
      results.redeliver(actor, environment, session, ctx.pathParam("event_id"));
    } catch (Refusal e) {
      if (e.kind() == Refusal.Kind.NOT_FOUND) {
        throw e;
      }
      show(ctx, ApiException.statusOf(e), null, e.detail());
      return;
    }
    ctx.redirect(path(environment, session) + "?done=redelivered");
  }

  // --- erasure ----------------------------------------------------------------------------------

  /**
   * Erases the applicant's data as an Admin asked, once "I understand this cannot be undone" is
   * ticked; then shows the tombstone. Without the tick, or for a uid erased already (by anyone, a
   * moment before included), the page says so and nothing changes.
   */
  private void erase(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Environment environment = integration(ctx);
    String uid = ctx.pathParam("uid");
    if (results.findSession(environment, uid).isEmpty()) {
      alreadyErased(ctx, environment, uid);
      return;
    }
    if (!"yes".equals(ctx.formParam("confirm"))) {
      show(ctx, 422, null, NOT_CONFIRMED);
      return;
    }
    Erased erased;
    try {
      erased = results.erase(actor, environment, uid);
    } catch (Refusal e) {
      if (ERASED.equals(e.code())) {
        alreadyErased(ctx, environment, uid);
        return;
      }
      throw CompanyResults.notFound();
    }
    ctx.redirect(erasedPath(environment, erased.sessionId()) + "?done=erased");
  }

  /** The code of the erasure service's refusal of a uid erased already. */
  private static final String ERASED = "erased";

  private static final String NOT_CONFIRMED =
      "Tick \"I understand this cannot be undone\" to erase this applicant's data. Nothing was"
          + " changed.";

  private void alreadyErased(Context ctx, Environment environment, String uid) {
    SessionStore.Tombstone tombstone = results.erasedUid(environment, uid);
    showErased(
        ctx,
        409,
        tombstone,
        null,
        "This applicant's data was erased already, "
            + toTheSecond(tombstone.erasedAt())
            + " by "
            + tombstone.erasedBy()
            + ". Nothing was changed.");
  }

  private void erased(Context ctx) {
    Environment environment = integration(ctx);
    SessionStore.Tombstone tombstone =
        results.erasedSession(environment, ctx.pathParam("session_id"));
    String notice = ERASED.equals(ctx.queryParam("done")) ? JUST_ERASED : null;
    showErased(ctx, 200, tombstone, notice, null);
  }

  private static final String JUST_ERASED =
      "Erased: this applicant's uid, answers, result, events and loan outcomes are gone for good."
          + " The uid stays used on this integration: a new assessment needs a new uid.";

  private void showErased(
      Context ctx, int status, SessionStore.Tombstone tombstone, String notice, String error) {
    Environment environment = integration(ctx);
    String deployment = results.deploymentName(environment);
    List<Webhooks.EventLog> log = results.events(tombstone.sessionId());
    ConsolePage page = web.page(ctx, "Erased session", "results");
    web.render(
        ctx,
        status,
        out ->
            JteerasedGenerated.render(
                out, null, page, environment, deployment, tombstone, log, notice, error));
  }

  /** The integration named in the path, if it is the user's company's; else 404 as if unknown. */
  private Environment integration(Context ctx) {
    return results.integration(ConsoleWeb.user(ctx), ctx.pathParam("integration_id"));
  }

  private Session session(Context ctx, Environment environment) {
    return results.session(environment, ctx.pathParam("uid"));
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

  /** Where an erased session is shown: by its session id, since its uid is gone. */
  public static String erasedPath(String integrationId, String sessionId) {
    return RESULTS + "/" + integrationId + "/erased/" + sessionId;
  }

  private static String erasedPath(Environment environment, String sessionId) {
    return erasedPath(environment.integrationId(), sessionId);
  }
}
