package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.calibration.LabelledApplicants;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Model page: the settings' model alone, a fit from the page with its report and charts,
 * activation and re-activation as the next results show them, Viewers kept to reading, and another
 * company's environments unknown.
 */
abstract class ModelPagesContract extends ServerContract {
  private static final Pattern DRAFT = Pattern.compile("Fitted the draft (fit-[0-9-]+)\\.");

  private RunningServer.Deployment lender;
  private LabelledApplicants.Batch batch;
  private ConsoleClient admin;

  @BeforeAll
  void lenderWithOutcomes() {
    lender = server.newDeployment();
    batch = LabelledApplicants.create(server, lender, "PAGE", LabelledApplicants.ENOUGH, 20261208);
    admin = ConsoleClient.firstAdmin(server, lender.companyId());
  }

  @Test
  void anEnvironmentWithOnlyTheSettingsModel() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient own = ConsoleClient.firstAdmin(server, d.companyId());
    HttpResponse<String> page = own.get("/console/models");
    assertThat(page.statusCode()).isEqualTo(200);
    String body = page.body();
    // Production is chosen first.
    assertThat(body)
        .contains("<span class=\"badge\">Production</span>")
        .contains("<a href=\"/console/models\" aria-current=\"page\">Model</a>")
        .contains("<code>settings</code> (the model in the environment's settings:")
        .contains("default-2026.1")
        .contains("no, a hand-set starting point")
        .contains("it has no fit report")
        .contains("Not available: The active model is the one in the environment's settings")
        .contains("action=\"/console/models/fit\"")
        .contains("Not available yet: no completed sessions with a questionnaire.")
        .doesNotContain("<svg class=\"calibration\"")
        .doesNotContain("action=\"/console/models/activate\"");
    assertThat(options(body).get(0)).isEqualTo(d.productionIntegrationId());

    String test = own.get("/console/models?integration=" + d.testIntegrationId()).body();
    assertThat(test)
        .contains("<span class=\"badge test\">Test</span>")
        .contains("its applicants are not real");

    // Too few outcomes: the reason on the page, 422, nothing stored.
    HttpResponse<String> refused =
        own.post(
            "/console/models/fit",
            Map.of(
                "integration",
                d.productionIntegrationId(),
                "bad",
                "default",
                "min_confidence",
                "LOW"));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body())
        .contains("role=\"alert\"")
        .contains("at least 500 labelled")
        .contains("there are 0 labelled, 0 of them bad");
    assertThat(versions(d.productionIntegrationId())).containsExactly("settings");
    assertThat(AuditPage.read(own).of("model.fitted")).isEmpty();

    // Options the registry does not know are refused the same way.
    assertThat(
            own.post(
                    "/console/models/fit",
                    Map.of(
                        "integration",
                        d.productionIntegrationId(),
                        "bad",
                        "repaid",
                        "min_confidence",
                        "LOW"))
                .statusCode())
        .isEqualTo(422);
    assertThat(
            own.post(
                    "/console/models/fit",
                    Map.of("integration", d.productionIntegrationId(), "bad", "default"))
                .statusCode())
        .isEqualTo(422);
  }

  @Test
  void anAdminFitsActivatesAndReactivatesAViewerOnlyReads() {
    String id = lender.productionIntegrationId();
    LabelledApplicants.upload(server, lender, batch);
    admin.get("/console/models?integration=" + id);
    HttpResponse<String> fitted =
        admin.post(
            "/console/models/fit",
            Map.of("integration", id, "bad", "default", "min_confidence", "LOW"));
    assertThat(fitted.statusCode()).as(fitted.body()).isEqualTo(200);
    Matcher draft = DRAFT.matcher(fitted.body());
    assertThat(draft.find()).as(fitted.body()).isTrue();
    String version = draft.group(1);
    // The scales' reliability, from the batch's completed questionnaires: numbers for every
    // domain of the short form.
    Matcher reliable =
        Pattern.compile(
                "<tr><td>short</td><td>Conscientiousness</td><td class=\"num\">(\\d+)</td>"
                    + "<td class=\"num\">6</td><td class=\"num\">(-?[0-9.]+)</td>"
                    + "<td class=\"num\">(-?[0-9.]+) to (-?[0-9.]+)</td>")
            .matcher(fitted.body());
    assertThat(reliable.find()).as(fitted.body()).isTrue();
    assertThat(Integer.parseInt(reliable.group(1))).isGreaterThanOrEqualTo(500);
    double alpha = Double.parseDouble(reliable.group(2));
    assertThat(alpha)
        .isBetween(Double.parseDouble(reliable.group(3)), Double.parseDouble(reliable.group(4)));
    String body = fitted.body();
    assertThat(body)
        .contains("Report of the draft <code>" + version + "</code>")
        .contains("<th class=\"num\">Fitted</th><th class=\"num\">Held out</th>")
        .contains("<td>AUC</td>")
        .contains("<td>Gini</td>")
        .contains("<td>KS</td>")
        .contains("<td>Brier score</td>")
        .contains("Conscientiousness <code>domain.C</code>")
        .contains("<table class=\"reliability\">")
        .contains("<svg class=\"calibration\"")
        .contains("<title id=\"calibration-title\">")
        .contains("<desc id=\"calibration-desc\">")
        .contains("<svg class=\"bands\"")
        .contains("<table class=\"calibration-table\">")
        .contains("<table class=\"band-table\">")
        .contains("aria-label=\"Activate " + version + "\"")
        .doesNotContain("<script>")
        .doesNotContain("style=");
    assertThat(count(body, "<circle class=\"point\"")).isBetween(2, 10);
    assertThat(versions(id)).containsExactly(version, "settings");

    // A Viewer sees the report but no forms, and a hand-made POST is refused.
    ConsoleClient viewer = admin.invite("VIEWER");
    String seen = viewer.get("/console/models?integration=" + id).body();
    assertThat(seen)
        .contains("<h2>Models</h2>")
        .doesNotContain("action=\"/console/models/activate\"")
        .doesNotContain("action=\"/console/models/fit\"");
    assertThat(
            viewer
                .post("/console/models/activate", Map.of("integration", id, "version", version))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            viewer
                .post(
                    "/console/models/fit",
                    Map.of("integration", id, "bad", "default", "min_confidence", "LOW"))
                .statusCode())
        .isEqualTo(403);
    assertThat(versions(id)).containsExactly(version, "settings");

    // Activate: the next result is scored by the draft; its report is the active one's now.
    HttpResponse<String> activated =
        admin.post("/console/models/activate", Map.of("integration", id, "version", version));
    assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
    assertThat(activated.body())
        .contains(version + " is now the active model.")
        .contains("<h2>Fit report</h2>")
        .contains("yes, fitted on your outcomes")
        .contains("by " + admin.email())
        .contains("Population stability index")
        .contains("aria-label=\"Re-activate settings\"");
    assertThat(finishOne("PAGE-NEXT-1").at("/model/version").asText()).isEqualTo(version);

    // Roll back to the settings' model, then re-activate the fitted one.
    admin.post("/console/models/activate", Map.of("integration", id, "version", "settings"));
    assertThat(finishOne("PAGE-NEXT-2").at("/model/version").asText()).isEqualTo("default-2026.1");
    String back =
        admin
            .post("/console/models/activate", Map.of("integration", id, "version", version))
            .body();
    assertThat(back).contains(version + " is now the active model.");
    assertThat(finishOne("PAGE-NEXT-3").at("/model/version").asText()).isEqualTo(version);

    // An unknown version is not found, and changes nothing.
    assertThat(
            admin
                .post(
                    "/console/models/activate",
                    Map.of("integration", id, "version", "fit-20990101-000000"))
                .statusCode())
        .isEqualTo(404);

    AuditPage audit = AuditPage.read(admin);
    assertThat(audit.only("model.fitted").who()).isEqualTo(admin.email());
    List<AuditPage.Row> activations = audit.of("model.activated");
    assertThat(activations)
        .hasSize(3)
        .allSatisfy(row -> assertThat(row.who()).isEqualTo(admin.email()))
        .allSatisfy(row -> assertThat(row.target()).isEqualTo("Loans · Production"));
    List<String> afterVersions = new ArrayList<>();
    activations.forEach(row -> afterVersions.add(row.after().get("version").asText()));
    assertThat(afterVersions).containsExactlyInAnyOrder(version, "settings", version);

    // Another company: the environment answers as an unknown one.
    RunningServer.Deployment other = server.newDeployment();
    ConsoleClient stranger = ConsoleClient.firstAdmin(server, other.companyId());
    String unknown = "0".repeat(id.length());
    int unknownStatus = stranger.get("/console/models?integration=" + unknown).statusCode();
    assertThat(unknownStatus).isEqualTo(404);
    HttpResponse<String> foreign = stranger.get("/console/models?integration=" + id);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).doesNotContain(version);
    stranger.get("/console/models");
    assertThat(
            stranger
                .post("/console/models/activate", Map.of("integration", id, "version", "settings"))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            stranger
                .post(
                    "/console/models/fit",
                    Map.of("integration", id, "bad", "default", "min_confidence", "LOW"))
                .statusCode())
        .isEqualTo(404);
    assertThat(finishOne("PAGE-NEXT-4").at("/model/version").asText()).isEqualTo(version);
  }

  /** The versions of the environment's models, newest first, as the operator API lists them. */
  private List<String> versions(String integrationId) {
    HttpResponse<String> listed =
        server.operator("GET", "/v1/admin/integrations/" + integrationId + "/models", null);
    List<String> versions = new ArrayList<>();
    json(listed).get("models").forEach(m -> versions.add(m.get("version").asText()));
    return versions;
  }

  private static List<String> options(String html) {
    Matcher option = Pattern.compile("<option value=\"([^\"]+)\"").matcher(html);
    List<String> values = new ArrayList<>();
    while (option.find()) {
      values.add(option.group(1));
    }
    return values;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  /** A new applicant of the lender, finished; their result's {@code details.calculated}. */
  private JsonNode finishOne(String uid) {
    String token = LabelledApplicants.newApplicant(server, lender, uid);
    new Applicant(server, token).answerEverything();
    assertThat(new Applicant(server, token).page().statusCode()).isEqualTo(200);
    HttpResponse<String> response =
        server.send("GET", "/v1/results/" + uid, null, "api-key", lender.productionKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).at("/details/calculated");
  }
}
