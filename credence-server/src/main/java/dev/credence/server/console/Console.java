package dev.credence.server.console;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.calibration.ModelOperatorApi;
import dev.credence.server.config.Config;
import dev.credence.server.console.accounts.Accounts;
import dev.credence.server.console.accounts.AuthPages;
import dev.credence.server.console.accounts.ConsoleOperatorApi;
import dev.credence.server.console.accounts.UserPages;
import dev.credence.server.console.audit.AuditPages;
import dev.credence.server.console.deployments.DeploymentPages;
import dev.credence.server.console.deployments.SimulationPages;
import dev.credence.server.console.funnel.FunnelPages;
import dev.credence.server.console.funnel.FunnelQueries;
import dev.credence.server.console.links.LinkBatches;
import dev.credence.server.console.links.LinkPages;
import dev.credence.server.console.models.ModelPages;
import dev.credence.server.console.outcomes.LoanOutcomes;
import dev.credence.server.console.outcomes.OutcomePages;
import dev.credence.server.console.results.CompanyResults;
import dev.credence.server.console.results.ResultExports;
import dev.credence.server.console.results.ResultPages;
import dev.credence.server.console.results.ResultQuery;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.console.webhooks.WebhookPages;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.endings.Simulations;
import dev.credence.server.erasure.Erasures;
import dev.credence.server.http.ApiException;
import dev.credence.server.http.ClientAddress;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.Database;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.WebhookTestCall;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.config.MultipartConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The dashboard, built whole from the server's parts: its edge ({@link ConsoleWeb}) and every
 * feature's pages, plus the operator's invitation of a company's first Admin. It lives above the
 * feature packages so that none of them, nor the edge, depends on another.
 */
public final class Console {
  public static final String PREFIX = ConsoleWeb.PREFIX;

  private final ConsoleWeb web;
  private final List<Consumer<RoutesConfig>> routes;

  private Console(ConsoleWeb web, List<Consumer<RoutesConfig>> routes) {
    this.web = web;
    this.routes = routes;
  }

  /** Builds the dashboard; {@code accounts} is the server's, also used by the command line. */
  public static Console wire(
      Config config,
      Clock clock,
      Database database,
      Accounts accounts,
      DeploymentService deployments,
      AuditLog audit,
      SessionService sessions,
      SessionStore sessionStore,
      AccessTokens tokens,
      WebhookTestCall webhookTest,
      Webhooks webhooks,
      EventStore events,
      OutcomeUploads outcomeUploads,
      ModelOperatorApi modelOperator,
      ResultStore results,
      SessionReopener reopener,
      Erasures erasures,
      Simulations simulations) {
    ConsoleWeb web = new ConsoleWeb(accounts, deployments, config.publicUrl());
    ConsoleOperatorApi operator = new ConsoleOperatorApi(accounts);
    AuthPages auth =
        new AuthPages(
            accounts, deployments, web, new ClientAddress(config.console().trustedProxies()));
    UserPages users = new UserPages(accounts, web);
    AuditPages auditLog = new AuditPages(audit, web, clock);
    DeploymentPages deploymentPages = new DeploymentPages(deployments, webhookTest, audit, web);
    SimulationPages simulationPages = new SimulationPages(deployments, simulations, results, web);
    CompanyEnvironments environments = new CompanyEnvironments(deployments);
    LinkPages links =
        new LinkPages(
            new LinkBatches(
                database.jdbi(),
                environments,
                sessions,
                sessionStore,
                tokens,
                audit,
                config.publicUrl(),
                clock),
            environments,
            web);
    OutcomePages outcomes =
        new OutcomePages(
            new LoanOutcomes(database.jdbi(), environments, outcomeUploads), environments, web);
    ModelPages models = new ModelPages(modelOperator, environments, web);
    ResultQuery query = new ResultQuery(database.jdbi(), database.isH2());
    ResultPages resultPages =
        new ResultPages(
            query,
            new CompanyResults(
                deployments,
                sessionStore,
                results,
                reopener,
                erasures,
                webhooks,
                audit,
                modelOperator::modelOrInUse,
                clock),
            new ResultExports(query, config.dataDir().resolve("exports"), clock),
            web);
    WebhookPages webhookPages = new WebhookPages(events, webhooks, environments, audit, web, clock);
    FunnelPages funnel =
        new FunnelPages(
            new FunnelQueries(database.jdbi(), database.isH2()), environments, web, clock);
    return new Console(
        web,
        List.of(
            operator::routes,
            web::routes,
            auth::routes,
            users::routes,
            auditLog::routes,
            deploymentPages::routes,
            simulationPages::routes,
            links::routes,
            outcomes::routes,
            webhookPages::routes,
            funnel::routes,
            models::routes,
            resultPages::routes));
  }

  /** The operator's route and every page's, the edge's guard before the pages. */
  public void routes(RoutesConfig config) {
    routes.forEach(r -> r.accept(config));
  }

  /** The dashboard's error page, for {@link dev.credence.server.http.HttpEdge}. */
  public void renderError(Context ctx, ApiException e) {
    web.renderError(ctx, e);
  }

  /** Limits Jetty's reading of file uploads to the largest the dashboard accepts. */
  public static void limitUploads(MultipartConfig multipart) {
    ConsoleWeb.limitUploads(multipart);
  }
}
