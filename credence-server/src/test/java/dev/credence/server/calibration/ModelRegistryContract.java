package dev.credence.server.calibration;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model registry through the operator API: a fit on real applicants and their uploaded
 * outcomes, activation and rollback as the next results show them, the report with its stability,
 * and the settings' model as every environment's first entry.
 */
abstract class ModelRegistryContract extends ServerContract {
  private static final int APPLICANTS = LabelledApplicants.ENOUGH;

  private RunningServer.Deployment lender;
  private LabelledApplicants.Batch batch;

  /** One environment with {@link #APPLICANTS} finished applicants and their outcomes to upload. */
  @BeforeAll
  void applicantsWithOutcomes() {
    lender = server.newDeployment();
    batch = LabelledApplicants.create(server, lender, "LOAN", APPLICANTS, 20261207);
  }

  @Test
  void aFitIsDraftedOnTheOutcomesActivatedAndRolledBack() {
    String id = lender.productionIntegrationId();

    // No outcomes yet: nothing to fit on, and the detail says what is missing.
    JsonNode refused = json(operator("POST", id, "/models", "", 422));
    assertThat(refused.get("code").asText()).isEqualTo("insufficient_outcomes");
    assertThat(refused.get("detail").asText())
        .contains("at least 500 labelled")
        .contains("at least 50 bad")
        .contains("there are 0 labelled, 0 of them bad");

    LabelledApplicants.upload(server, lender, batch);
    int bads = batch.bads();
    assertThat(bads).isGreaterThanOrEqualTo(50);

    JsonNode fitted = json(operator("POST", id, "/models", "{\"min_confidence\": \"LOW\"}", 201));
    String version = fitted.get("version").asText();
    assertThat(version).matches("fit-\\d{8}-\\d{6}");
    assertThat(fitted.get("status").asText()).isEqualTo("draft");
    assertThat(fitted.get("calibrated").asBoolean()).isTrue();
    assertThat(fitted.get("created_at").asText()).isNotBlank();
    JsonNode report = fitted.get("report");
    assertThat(report.get("labelled").asInt()).isEqualTo(APPLICANTS);
    assertThat(report.get("excluded").asInt()).isZero();
    assertThat(report.at("/fit/n").asInt() + report.at("/holdout/n").asInt()).isEqualTo(APPLICANTS);
    assertThat(report.at("/fit/bads").asInt() + report.at("/holdout/bads").asInt()).isEqualTo(bads);
    for (String part : List.of("fit", "holdout")) {
      JsonNode p = report.get(part);
      assertThat(p.get("gini").asDouble()).isCloseTo(2 * p.get("auc").asDouble() - 1, within(1e-9));
      assertThat(p.get("calibration")).isNotEmpty();
      assertThat(p.at("/calibration/0/mean_predicted").isNumber()).isTrue();
      assertThat(p.get("brier").asDouble()).isBetween(0.0, 1.0);
    }
    assertThat(report.at("/fit/auc").asDouble()).isGreaterThan(0.5);
    assertThat(report.at("/intercept/feature").asText()).isEqualTo("intercept");
    assertThat(report.get("coefficients")).hasSize(6);
    assertThat(report.at("/coefficients/0/standard_error").asDouble()).isPositive();
    assertThat(report.at("/options/bad").toString()).isEqualTo("[\"dpd90\",\"default\"]");
    assertThat(report.at("/options/min_confidence").asText()).isEqualTo("LOW");

    // A second fit the same second gets its own version.
    String second =
        json(operator("POST", id, "/models", "{\"min_confidence\": \"LOW\"}", 201))
            .get("version")
            .asText();
    assertThat(second).isNotEqualTo(version).startsWith(version + "-");

    JsonNode models = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(models).hasSize(3);
    assertThat(field(models, "version")).containsExactly(second, version, "settings");
    assertThat(field(models, "status")).containsExactly("draft", "draft", "active");
    assertThat(models.get(2).get("calibrated").asBoolean()).isFalse();

    JsonNode before = result("LOAN-0");
    assertThat(before.at("/model/version").asText()).isEqualTo("default-2026.1");

    JsonNode active = json(operator("POST", id, "/models/" + version + "/activate", "", 200));
    assertThat(active.get("status").asText()).isEqualTo("active");
    assertThat(active.get("report").get("labelled").asInt()).isEqualTo(APPLICANTS);
    JsonNode afterActivation = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(field(afterActivation, "status")).containsExactly("draft", "active", "retired");

    JsonNode scored = finishOne("NEXT-1");
    assertThat(scored.at("/model/version").asText()).isEqualTo(version);
    assertThat(scored.at("/model/calibrated").asBoolean()).isTrue();
    assertThat(result("LOAN-0")).isEqualTo(before);

    JsonNode modelReport = json(operator("GET", id, "/model-report", null, 200));
    assertThat(modelReport.get("version").asText()).isEqualTo(version);
    assertThat(modelReport.at("/report/holdout/n").asInt()).isPositive();
    JsonNode stability = modelReport.get("stability");
    assertThat(stability.get("status").asText()).as(stability.toString()).isEqualTo("computed");
    assertThat(stability.get("recent").asInt()).isEqualTo(APPLICANTS + 1);
    assertThat(stability.get("label").asText()).isIn("stable", "watch", "shifted");
    assertThat(stability.get("psi").asDouble()).isNotNegative();
    // Per feature: the questionnaire's domains are compared; the games were never measured here.
    JsonNode perFeature = stability.get("features");
    assertThat(perFeature).hasSize(6);
    for (JsonNode feature : perFeature) {
      boolean domain = feature.get("feature").asText().startsWith("domain.");
      assertThat(feature.get("status").asText())
          .as(feature.toString())
          .isEqualTo(domain ? "computed" : "too_few_values");
      if (domain) {
        assertThat(feature.get("psi").asDouble()).isNotNegative();
        assertThat(feature.get("label").asText()).isIn("stable", "watch", "shifted");
      }
    }

    // Rollback: the settings' model scores again; the fitted one is retired, not lost.
    json(operator("POST", id, "/models/settings/activate", "", 200));
    JsonNode rolledBack = finishOne("NEXT-2");
    assertThat(rolledBack.at("/model/version").asText()).isEqualTo("default-2026.1");
    assertThat(rolledBack.at("/model/calibrated").asBoolean()).isFalse();
    assertThat(result("NEXT-1").at("/model/version").asText()).isEqualTo(version);
    JsonNode settingsReport = json(operator("GET", id, "/model-report", null, 200));
    assertThat(settingsReport.get("report").isNull()).isTrue();
    assertThat(settingsReport.at("/stability/status").asText()).isEqualTo("no_reference");
    assertThat(
            json(operator("POST", id, "/models/" + version + "/activate", "", 200))
                .get("status")
                .asText())
        .isEqualTo("active");

    AuditPage audit = AuditPage.read(ConsoleClient.firstAdmin(server, lender.companyId()));
    assertThat(audit.of("model.fitted"))
        .hasSize(2)
        .allSatisfy(row -> assertThat(row.who()).isEqualTo("operator"))
        .allSatisfy(row -> assertThat(row.target()).isEqualTo("Loans · Production"));
    List<AuditPage.Row> activations = audit.of("model.activated");
    assertThat(activations).hasSize(3);
    assertThat(activations.get(0).before().get("version").asText()).isEqualTo("settings");
    assertThat(activations.get(0).after().get("version").asText()).isEqualTo(version);

    // Activations racing each other leave exactly one active model.
    List<String> racing = List.of(second, "settings", version, second, "settings", version);
    racing.parallelStream()
        .forEach(v -> operator("POST", id, "/models/" + v + "/activate", "", 200));
    JsonNode raced = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(field(raced, "status")).containsOnlyOnce("active").doesNotContain("draft");
  }

  @Test
  void theSettingsModelIsTheFirstEntryAndFollowsTheSettings() {
    RunningServer.Deployment d = server.newDeployment();
    String id = d.testIntegrationId();
    JsonNode models = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(models).hasSize(1);
    JsonNode settings = models.get(0);
    assertThat(settings.get("version").asText()).isEqualTo("settings");
    assertThat(settings.get("status").asText()).isEqualTo("active");
    assertThat(settings.get("calibrated").asBoolean()).isFalse();
    assertThat(settings.get("source").asText()).isEqualTo("settings");
    assertThat(settings.at("/model/version").asText()).isEqualTo("default-2026.1");

    server.patchIntegration(
        id,
        "{\"scoring_model\": {\"version\": \"hand-1\", \"calibrated\": false, \"intercept\": -2,"
            + " \"weights\": {\"domain.C\": -0.5}, \"cutoffs\": [0.1, 0.2]}}");
    JsonNode after = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(after).hasSize(1);
    assertThat(after.at("/0/model/version").asText()).isEqualTo("hand-1");
    JsonNode report = json(operator("GET", id, "/model-report", null, 200));
    assertThat(report.at("/stability/status").asText()).isEqualTo("no_reference");
    assertThat(report.at("/stability/detail").asText()).isNotBlank();
  }

  @Test
  void badRequestsAreRefusedWithTheirCodeAndChangeNothing() {
    RunningServer.Deployment d = server.newDeployment();
    String id = d.testIntegrationId();
    assertError(
        operator("POST", id, "/models", "{\"bad\": [\"repaid\"]}", 422), "invalid_request", "bad");
    assertError(
        operator("POST", id, "/models", "{\"bad\": \"dpd90\"}", 422), "invalid_request", "bad");
    assertError(
        operator("POST", id, "/models", "{\"bad\": [\"late\"]}", 422), "invalid_request", "bad");
    assertError(
        operator("POST", id, "/models", "{\"min_confidence\": \"SOME\"}", 422),
        "invalid_request",
        "min_confidence");
    assertError(
        operator("POST", id, "/models", "{\"minimum\": 3}", 422), "invalid_request", "minimum");
    assertError(operator("POST", id, "/models", "[1]", 422), "invalid_json", "object");
    assertError(
        operator("POST", id, "/models/fit-20990101-000000/activate", "", 404),
        "model_not_found",
        "fit-20990101-000000");
    assertError(
        operator("GET", "no-such-integration", "/models", null, 404),
        "integration_not_found",
        "no-such-integration");
    HttpResponse<String> anonymous =
        server.send("GET", "/v1/admin/integrations/" + id + "/models", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);

    JsonNode models = json(operator("GET", id, "/models", null, 200)).get("models");
    assertThat(field(models, "version")).containsExactly("settings");
    assertThat(AuditPage.read(ConsoleClient.firstAdmin(server, d.companyId())).of("model.fitted"))
        .isEmpty();
  }

  /** One field of each model listed, in order. */
  private static List<String> field(JsonNode models, String name) {
    List<String> values = new ArrayList<>();
    models.forEach(model -> values.add(model.get(name).asText()));
    return values;
  }

  /** A new applicant of the lender, finished; their result's {@code details.calculated}. */
  private JsonNode finishOne(String uid) {
    String token = LabelledApplicants.newApplicant(server, lender, uid);
    new Applicant(server, token).answerEverything();
    assertThat(new Applicant(server, token).page().statusCode()).isEqualTo(200);
    return result(uid);
  }

  private JsonNode result(String uid) {
    HttpResponse<String> response =
        server.send("GET", "/v1/results/" + uid, null, "api-key", lender.productionKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).at("/details/calculated");
  }

  private HttpResponse<String> operator(
      String method, String integrationId, String path, String body, int status) {
    HttpResponse<String> response =
        server.operator(method, "/v1/admin/integrations/" + integrationId + path, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response;
  }

  private static void assertError(HttpResponse<String> response, String code, String named) {
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
    assertThat(body.get("detail").asText()).contains(named);
  }
}
