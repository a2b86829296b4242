package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The platform operator's API under {@code /v1/admin}, behind the operator token. Its changes go to
 * the company's audit log ({@link OperatorChanges}).
 */
public final class OperatorApi {
  private final DeploymentService deployments;
  private final OperatorChanges changes;
  private final byte[] operatorToken;

  public OperatorApi(DeploymentService deployments, AuditLog audit, String operatorToken) {
    this.deployments = deployments;
    this.changes = new OperatorChanges(deployments, audit);
    this.operatorToken = operatorToken.getBytes(StandardCharsets.UTF_8);
  }

  public void routes(RoutesConfig routes) {
    routes.before("/v1/admin/*", this::authorize);
    routes.post("/v1/admin/companies", this::createCompany);
    routes.get("/v1/admin/companies", this::listCompanies);
    routes.post("/v1/admin/deployments", this::createDeployment);
    routes.get("/v1/admin/deployments", this::listDeployments);
    routes.get("/v1/admin/integrations/{integration_id}", this::getIntegration);
    routes.patch("/v1/admin/integrations/{integration_id}", this::patchIntegration);
    routes.post("/v1/admin/integrations/{integration_id}/rotate-key", this::rotateKey);
    routes.post("/v1/admin/integrations/{integration_id}/end-key-overlap", this::endKeyOverlap);
  }

  private void authorize(Context ctx) {
    String header = ctx.header("Authorization");
    String prefix = "Bearer ";
    if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw Refusal.unauthenticated(
          "operator_token_missing", "Missing Authorization: Bearer <operator token>", "Bearer");
    }
    byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, operatorToken)) {
      throw Refusal.unauthenticated("operator_token_invalid", "Invalid operator token", "Bearer");
    }
  }

  private void createCompany(Context ctx) {
    JsonNode body = Json.parseObject(ctx.bodyAsBytes());
    ctx.status(201).json(OperatorViews.company(changes.createCompany(text(body, "name"))));
  }

  private void listCompanies(Context ctx) {
    ctx.json(
        OperatorViews.list(
            "companies",
            deployments.listCompanies().stream().map(OperatorViews::company).toList()));
  }

  private void createDeployment(Context ctx) {
    JsonNode body = Json.parseObject(ctx.bodyAsBytes());
    var created = changes.createDeployment(text(body, "company_id"), text(body, "name"));
    ctx.status(201).json(OperatorViews.createdDeployment(created));
  }

  private void listDeployments(Context ctx) {
    String companyId = ctx.queryParam("company_id");
    if (companyId == null) {
      throw Refusal.invalid("company_id_missing", "Give the company as ?company_id=<id>");
    }
    ctx.json(
        OperatorViews.list(
            "deployments",
            deployments.listDeployments(companyId).stream()
                .map(OperatorViews::deployment)
                .toList()));
  }

  private void getIntegration(Context ctx) {
    ctx.json(
        OperatorViews.integration(deployments.getIntegration(ctx.pathParam("integration_id"))));
  }

  private void patchIntegration(Context ctx) {
    JsonNode patch = Json.parseObject(ctx.bodyAsBytes());
    Environment updated = changes.patchSettings(ctx.pathParam("integration_id"), patch);
    ctx.json(OperatorViews.integration(updated));
  }

  /** The body is optional: none, or {@code {"overlap_hours": 0..168}} (decision 0027). */
  private void rotateKey(Context ctx) {
    String integrationId = ctx.pathParam("integration_id");
    KeyOverlap overlap = overlap(ctx.bodyAsBytes());
    ctx.json(OperatorViews.rotatedKey(integrationId, changes.rotateKey(integrationId, overlap)));
  }

  private void endKeyOverlap(Context ctx) {
    ctx.json(OperatorViews.integration(changes.endKeyOverlap(ctx.pathParam("integration_id"))));
  }

  /**
   * A rotation's overlap from its body: none (an empty body) is {@link KeyOverlap#NONE}; any field
   * but {@code overlap_hours} is refused, so that a misspelt one does not end the old key at once.
   */
  private static KeyOverlap overlap(byte[] body) {
    if (body.length == 0) {
      return KeyOverlap.NONE;
    }
    JsonNode json = Json.parseObject(body);
    json.fieldNames()
        .forEachRemaining(
            field -> {
              if (!field.equals("overlap_hours")) {
                throw Refusal.invalid(
                    "invalid_request",
                    "Unknown field '" + field + "'; rotate-key takes only overlap_hours");
              }
            });
    return KeyOverlap.fromJson(json.get("overlap_hours"));
  }

  /** A required string field; 422 naming the field when it is absent or not a string. */
  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw Refusal.invalid(field + "_missing", field + " is required");
    }
    if (!value.isTextual()) {
      throw Refusal.invalid(field + "_type", field + " must be a string");
    }
    return value.textValue();
  }
}
