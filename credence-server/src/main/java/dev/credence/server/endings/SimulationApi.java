package dev.credence.server.endings;

import dev.credence.api.Signatures;
import dev.credence.server.audit.Actor;
import dev.credence.server.results.ResultApi;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code POST /v1/sessions-management/simulate}: a Test environment's session made and ended as
 * scripted (docs/integration-guide.md, "Simulating outcomes in Test"). Its checks come in create's
 * order, the simulation's own fields after the uid's: 401, 403, 422, 429, then 409 or the session;
 * the answer is the pull API's for the uid.
 */
public final class SimulationApi {
  private final SessionService sessions;
  private final Simulations simulations;
  private final ResultApi results;

  public SimulationApi(SessionService sessions, Simulations simulations, ResultApi results) {
    this.sessions = sessions;
    this.simulations = simulations;
    this.results = results;
  }

  public void routes(RoutesConfig routes) {
    routes.post("/v1/sessions-management/simulate", this::simulate);
  }

  private void simulate(Context ctx) {
    SessionService.Admitted admitted =
        sessions.admitSimulation(
            ctx.header("api-key"), ctx.header(Signatures.HEADER), ctx.bodyAsBytes());
    Simulations.Request request = Simulations.request(admitted.uid(), admitted.request());
    Session ended = simulations.run(admitted.environment(), request, Actor.API_KEY);
    ctx.json(results.result(ended.integrationId(), ended.uid()));
  }
}
