package dev.credence.server.outcomes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.audit.Actor;
import dev.credence.server.deployments.DeploymentAudit;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.RefusedBodies;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * {@code POST /v1/admin/integrations/{integration_id}/outcomes} (behind the operator token checked
 * by the operator API): a {@code text/csv} body in the dashboard's {@code uid,outcome,date} format
 * and rules, answered with the same row-by-row report as JSON.
 */
public final class OutcomeOperatorApi {
  /** The most of an oversized upload read and dropped, so that its sender reads the 413. */
  private static final long DRAIN_LIMIT = 32L * 1024 * 1024;

  private final DeploymentService deployments;
  private final OutcomeUploads uploads;

  public OutcomeOperatorApi(DeploymentService deployments, OutcomeUploads uploads) {
    this.deployments = deployments;
    this.uploads = uploads;
  }

  public void routes(RoutesConfig routes) {
    routes.post("/v1/admin/integrations/{integration_id}/outcomes", this::upload);
  }

  private void upload(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("text/csv")) {
      RefusedBodies.drain(ctx, DRAIN_LIMIT);
      throw new Refusal(
          Kind.UNSUPPORTED_TYPE,
          "unsupported_media_type",
          "Send the outcomes as text/csv (uid,outcome,date).");
    }
    ctx.json(upload(ctx.pathParam("integration_id"), body(ctx)));
  }

  /** Stores an upload as the operator's, for this API and the command line: the JSON report. */
  public ObjectNode upload(String integrationId, byte[] csv) {
    Environment environment = deployments.getIntegration(integrationId);
    String label =
        DeploymentAudit.label(
            deployments
                .findDeployment(environment.companyId(), environment.deploymentId())
                .orElseThrow()
                .deployment(),
            environment);
    OutcomeUploads.Upload upload =
        uploads.upload(
            new OutcomeUploads.Target(environment.companyId(), integrationId, label),
            csv,
            Actor.OPERATOR);
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    answer.put("accepted", upload.accepted());
    answer.put("added", upload.added());
    answer.put("changed", upload.changed());
    answer.put("unchanged", upload.unchanged());
    answer.put("refused_count", upload.refusedCount());
    ArrayNode refused = answer.putArray("refused");
    for (OutcomeCsv.RefusedLine refusal : upload.refused()) {
      refused.addObject().put("line", refusal.line()).put("reason", refusal.reason());
    }
    return answer;
  }

  /** The body, read up to the file limit; a longer one is refused whole, as in the dashboard. */
  private static byte[] body(Context ctx) {
    byte[] bytes;
    if (ctx.contentLength() > OutcomeCsv.MAX_BYTES) {
      bytes = null;
    } else {
      try (InputStream in = ctx.req().getInputStream()) {
        bytes = in.readNBytes(OutcomeCsv.MAX_BYTES + 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (bytes == null || bytes.length > OutcomeCsv.MAX_BYTES) {
      RefusedBodies.drain(ctx, DRAIN_LIMIT);
      throw new Refusal(Kind.TOO_LARGE, "csv_too_large", OutcomeCsv.tooLarge());
    }
    return bytes;
  }
}
