package dev.credence.server.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.audit.Change;
import dev.credence.server.deployments.DeploymentAudit;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scorer;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The model registry for the operator (behind the operator token checked by the operator API) and
 * the command line: fit a draft on the environment's outcomes, list, activate (and so roll back),
 * and the active model's report with its stability and the scales' reliability. Fits and
 * activations are audited as the operator's.
 */
public final class ModelOperatorApi {
  private static final String BASE = "/v1/admin/integrations/{integration_id}";

  private final DeploymentService deployments;
  private final AuditLog audit;
  private final ModelStore store;
  private final ModelRegistry registry;
  private final ModelFits fits;
  private final ModelStability stability;
  private final ReliabilityReport reliability;
  private final Clock clock;

  public ModelOperatorApi(
      DeploymentService deployments,
      AuditLog audit,
      ResultStore results,
      OutcomeUploads outcomes,
      Scorer scorer,
      ModelRegistry registry,
      ReliabilityReport reliability,
      Clock clock) {
    this.deployments = deployments;
    this.audit = audit;
    this.store = registry.store();
    this.registry = registry;
    this.fits = new ModelFits(store, registry, results, outcomes, scorer, clock);
    this.stability = new ModelStability(results, clock);
    this.reliability = reliability;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.post(BASE + "/models", this::fit);
    routes.get(BASE + "/models", ctx -> ctx.json(list(ctx.pathParam("integration_id"))));
    routes.post(
        BASE + "/models/{version}/activate",
        ctx -> ctx.json(activate(ctx.pathParam("integration_id"), ctx.pathParam("version"))));
    routes.get(BASE + "/model-report", ctx -> ctx.json(report(ctx.pathParam("integration_id"))));
  }

  private void fit(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    JsonNode options = body.length == 0 ? null : Json.parseObject(body);
    ctx.status(201).json(fit(ctx.pathParam("integration_id"), options));
  }

  /** Fits a draft; {@code options} the request's JSON object, or null for the defaults. */
  public ObjectNode fit(String integrationId, JsonNode options) {
    Environment environment = deployments.getIntegration(integrationId);
    return fit(environment, options(options), Actor.OPERATOR);
  }

  /**
   * Fits a draft for {@code environment} on behalf of {@code actor} (the operator, or a dashboard
   * user), audited as theirs: the new model with its report.
   *
   * @throws Refusal 422 {@code insufficient_outcomes} or {@code fit_not_converged}; nothing is
   *     stored then
   */
  public ObjectNode fit(Environment environment, ModelFitting.Options parsed, Actor actor) {
    ModelStore.Row row;
    try {
      row = fits.fit(environment, parsed, actor.name());
    } catch (ModelFitting.InsufficientOutcomes e) {
      throw Refusal.invalid("insufficient_outcomes", e.getMessage() + ".");
    } catch (ModelFitting.NotConverged e) {
      throw Refusal.invalid("fit_not_converged", e.getMessage() + ".");
    }
    JsonNode report = tree(row.report());
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("version", row.version());
    after.put("labelled", report.get("labelled").asInt());
    after.put("holdout_auc", report.at("/holdout/auc").asDouble());
    record(environment, actor, new Change("model.fitted", label(environment), null, after));
    ObjectNode answer = view(environment, row);
    answer.set("report", report);
    return answer;
  }

  /** Every model of the environment, newest first, without their reports. */
  public ObjectNode list(String integrationId) {
    return list(deployments.getIntegration(integrationId));
  }

  /** Every model of {@code environment}, newest first, without their reports. */
  public ObjectNode list(Environment environment) {
    String integrationId = environment.integrationId();
    store.ensureSettingsRow(integrationId, clock.instant(), Actor.OPERATOR.name());
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    store
        .list(integrationId)
        .forEach(row -> answer.withArray("models").add(view(environment, row)));
    return answer;
  }

  /**
   * The model of {@code environment} called {@code version} (the one a result names), or, when no
   * model of that version is stored any more, the model it scores with now.
   */
  public CreditModel modelOrInUse(Environment environment, String version) {
    CreditModel settings = environment.settings().scoringModel();
    if (settings.version().equals(version)) {
      return settings;
    }
    return store
        .find(environment.integrationId(), version)
        .filter(row -> !row.isSettings())
        .map(row -> CreditModel.fromJson(row.model()))
        .orElseGet(() -> registry.inUse(environment));
  }

  /** Makes {@code version} active and retires the one before; the model with its report. */
  public ObjectNode activate(String integrationId, String version) {
    return activate(deployments.getIntegration(integrationId), version, Actor.OPERATOR);
  }

  /**
   * Makes {@code version} of {@code environment} active on behalf of {@code actor}, audited as
   * theirs ({@code model.activated}); 404 {@code model_not_found} for a version it does not have.
   */
  public ObjectNode activate(Environment environment, String version, Actor actor) {
    String integrationId = environment.integrationId();
    ModelStore.Activation activation =
        store
            .activate(integrationId, version, clock.instant(), actor.name())
            .orElseThrow(
                () ->
                    Refusal.notFound(
                        "model_not_found",
                        "No model '" + version + "' in integration '" + integrationId + "'"));
    registry.forget(integrationId);
    if (activation.previous().isPresent()) {
      record(
          environment,
          actor,
          new Change(
              "model.activated",
              label(environment),
              Map.of("version", activation.previous().get().version()),
              Map.of("version", version)));
    }
    return withReport(environment, activation.active());
  }

  /**
   * The active model, its report, the stability of recent scores against it, and the reliability of
   * the domain scales computed from the environment's stored answers.
   */
  public ObjectNode report(String integrationId) {
    return report(deployments.getIntegration(integrationId));
  }

  /** The active model of {@code environment}, its report and its stability. */
  public ObjectNode report(Environment environment) {
    String integrationId = environment.integrationId();
    store.ensureSettingsRow(integrationId, clock.instant(), Actor.OPERATOR.name());
    ModelStore.Row active = store.active(integrationId).orElseThrow();
    ObjectNode answer = withReport(environment, active);
    answer.set("stability", stability.section(active));
    answer.set("reliability", reliability.section(integrationId));
    return answer;
  }

  /**
   * The fit options from {@code {"bad": [...], "min_confidence": "..."}}, each optional; anything
   * else is refused naming the field.
   */
  static ModelFitting.Options options(JsonNode json) {
    ModelFitting.Options defaults = ModelFitting.Options.DEFAULT;
    if (json == null) {
      return defaults;
    }
    Iterator<String> fields = json.fieldNames();
    while (fields.hasNext()) {
      String field = fields.next();
      if (!field.equals("bad") && !field.equals("min_confidence")) {
        throw invalid("Unknown field '" + field + "'; send bad and min_confidence only.");
      }
    }
    Set<String> bad = defaults.bad();
    if (json.has("bad")) {
      JsonNode array = json.get("bad");
      if (!array.isArray()) {
        throw invalid("bad must be an array such as [\"dpd90\", \"default\"].");
      }
      bad = new LinkedHashSet<>();
      for (JsonNode outcome : array) {
        if (!outcome.isTextual()) {
          throw invalid("bad must hold outcome names such as \"dpd90\".");
        }
        bad.add(outcome.asText());
      }
    }
    Confidence minConfidence = defaults.minConfidence();
    if (json.has("min_confidence")) {
      JsonNode value = json.get("min_confidence");
      minConfidence =
          Set.of("HIGH", "MEDIUM", "LOW").contains(value.asText()) && value.isTextual()
              ? Confidence.valueOf(value.asText())
              : null;
    }
    try {
      return new ModelFitting.Options(bad, minConfidence);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage() + ".");
    }
  }

  private static Refusal invalid(String detail) {
    return Refusal.invalid("invalid_request", detail);
  }

  private ObjectNode withReport(Environment environment, ModelStore.Row row) {
    ObjectNode answer = view(environment, row);
    answer.set("report", row.report() == null ? null : tree(row.report()));
    return answer;
  }

  /**
   * A row as the API shows it. The {@code settings} row shows the model the settings hold now,
   * since that is the model it stands for.
   */
  private static ObjectNode view(Environment environment, ModelStore.Row row) {
    CreditModel model =
        row.isSettings()
            ? environment.settings().scoringModel()
            : CreditModel.fromJson(row.model());
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("version", row.version());
    json.put("status", row.status());
    json.put("calibrated", model.calibrated());
    json.put("source", row.isSettings() ? "settings" : "fitted");
    json.set("model", Json.MAPPER.valueToTree(model));
    json.put("created_at", text(row.createdAt()));
    json.put("created_by", row.createdBy());
    json.put("activated_at", text(row.activatedAt()));
    json.put("activated_by", row.activatedBy());
    return json;
  }

  private void record(Environment environment, Actor actor, Change change) {
    audit.record(environment.companyId(), actor, change);
  }

  private String label(Environment environment) {
    return DeploymentAudit.label(
        deployments
            .findDeployment(environment.companyId(), environment.deploymentId())
            .orElseThrow()
            .deployment(),
        environment);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored report is not JSON", e);
    }
  }
}
