package dev.credence.server.console.deployments;

import dev.credence.server.audit.Actor;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentStore.Deployment;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.EnvironmentKind;
import dev.credence.server.endings.Simulations;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.Session;
import gg.jte.generated.precompiled.console.deployments.JtesimulationGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The Test tab's "Simulate a session" (docs/dashboard.md): an Admin makes a simulated session of
 * the deployment's Test environment, checked as the API checks it, and sees how it ended, with a
 * link to its result. Viewers see the tab without the form and are refused the post.
 */
public final class SimulationPages {
  private static final String DEPLOYMENTS = ConsoleWeb.PREFIX + "/deployments";

  private final DeploymentService deployments;
  private final Simulations simulations;
  private final ResultStore results;
  private final ConsoleWeb web;

  public SimulationPages(
      DeploymentService deployments, Simulations simulations, ResultStore results, ConsoleWeb web) {
    this.deployments = deployments;
    this.simulations = simulations;
    this.results = results;
    this.web = web;
  }

  public void routes(RoutesConfig routes) {
    routes.post(DEPLOYMENTS + "/{id}/test/simulate", this::simulate);
  }

  private void simulate(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    var found =
        deployments
            .findDeployment(actor.companyId(), ctx.pathParam("id"))
            .orElseThrow(
                () -> Refusal.notFound("deployment_not_found", "There is no such deployment."));
    Deployment deployment = found.deployment();
    Environment test = found.environment(EnvironmentKind.TEST).orElseThrow();
    SimulationForm form = SimulationForm.of(ctx);
    Session ended;
    try {
      Simulations.Request request =
          Simulations.request(form.uid(), form.body(test.integrationId()));
      ended = simulations.run(test, request, Actor.of(actor));
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.INVALID
          && e.kind() != Refusal.Kind.CONFLICT
          && e.kind() != Refusal.Kind.TOO_MANY) {
        throw e;
      }
      ApiException.of(e).headers().forEach(ctx::header);
      render(ctx, ApiException.statusOf(e), deployment, test, form, null, null, e.detail());
      return;
    }
    ResultStore.StoredResult result = results.find(test.integrationId(), ended.uid()).orElse(null);
    render(ctx, 200, deployment, test, SimulationForm.fresh(), ended, result, null);
  }

  private void render(
      Context ctx,
      int status,
      Deployment deployment,
      Environment test,
      SimulationForm form,
      Session ended,
      ResultStore.StoredResult result,
      String error) {
    ConsolePage page = web.page(ctx, "Simulate a session", "deployments");
    web.render(
        ctx,
        status,
        out ->
            JtesimulationGenerated.render(
                out, null, page, deployment, test, form, ended, result, error));
  }
}
