package dev.credence.server.erasure;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code DELETE /v1/admin/integrations/{integration_id}/sessions/{uid}}: the operator erases a
 * session's data, behind the operator token that the operator API checks on every {@code /v1/admin}
 * route. Answers {@code 200 {"uid", "erased_at"}}; 404 {@code integration_not_found}, {@code
 * uid_not_found}, or {@code erased} for a uid erased already.
 */
public final class ErasureApi {
  private final DeploymentService deployments;
  private final Erasures erasures;

  public ErasureApi(DeploymentService deployments, Erasures erasures) {
    this.deployments = deployments;
    this.erasures = erasures;
  }

  public void routes(RoutesConfig routes) {
    routes.delete("/v1/admin/integrations/{integration_id}/sessions/{uid}", this::erase);
  }

  private void erase(Context ctx) {
    Environment environment = deployments.getIntegration(ctx.pathParam("integration_id"));
    ctx.json(erasures.erase(environment, ctx.pathParam("uid"), ErasedBy.operator()).toJson());
  }
}
