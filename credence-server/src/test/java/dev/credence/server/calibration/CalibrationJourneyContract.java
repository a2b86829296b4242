package dev.credence.server.calibration;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Calibration end to end, as a lender would do it: applicants whose answers are driven by a latent
 * trait walk the real assessment; outcomes drawn from that trait are uploaded; a model is fitted
 * and activated; fresh applicants are then scored by it, and the Gini of their probabilities
 * against their own simulated outcomes agrees with the report's held-out Gini within sampling
 * error. Results scored before the activation do not change.
 */
abstract class CalibrationJourneyContract extends ServerContract {
  private static final int TRAINING = 700;
  private static final int FRESH = 400;
  private static final ItemBank ITEMS = ItemBank.load();

  private final SplittableRandom random = new SplittableRandom(7_2026_12);

  /** One simulated applicant: the latent trait that drives both answers and default. */
  private record Simulated(String uid, double conscientiousness, boolean bad) {}

  @Test
  void aModelFittedOnOutcomesRanksFreshApplicantsAsItsReportSaid() {
    RunningServer.Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    server.patchIntegration(id, "{\"assessment\": " + Applicant.QUESTIONNAIRE_ONLY + "}");

    List<Simulated> training = new ArrayList<>();
    StringBuilder outcomes = new StringBuilder("uid,outcome,date\n");
    for (int i = 0; i < TRAINING; i++) {
      Simulated applicant = walk(d, "TRAIN-" + i);
      training.add(applicant);
      outcomes
          .append(applicant.uid())
          .append(applicant.bad() ? ",default," : ",repaid,")
          .append("2026-11-01\n");
    }
    JsonNode earlier = result(d, training.get(0).uid());
    HttpResponse<String> uploaded = server.uploadOutcomes(id, outcomes.toString());
    assertThat(json(uploaded).get("added").asInt()).as(uploaded.body()).isEqualTo(TRAINING);

    HttpResponse<String> fit =
        server.operator(
            "POST", "/v1/admin/integrations/" + id + "/models", "{\"min_confidence\": \"LOW\"}");
    assertThat(fit.statusCode()).as(fit.body()).isEqualTo(201);
    JsonNode report = json(fit).get("report");
    String version = json(fit).get("version").asText();
    HttpResponse<String> activated =
        server.operator(
            "POST", "/v1/admin/integrations/" + id + "/models/" + version + "/activate", "");
    assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);

    // Fresh applicants, scored by the fitted model, against their own simulated outcomes.
    double[] pd = new double[FRESH];
    boolean[] bad = new boolean[FRESH];
    for (int i = 0; i < FRESH; i++) {
      Simulated applicant = walk(d, "FRESH-" + i);
      JsonNode calculated = result(d, applicant.uid());
      assertThat(calculated.at("/model/version").asText()).isEqualTo(version);
      assertThat(calculated.at("/model/calibrated").asBoolean()).isTrue();
      assertThat(calculated.at("/evidence/norms/frozen_with_model").asText()).isEqualTo(version);
      pd[i] = calculated.get("probability_of_default").asDouble();
      bad[i] = applicant.bad();
    }
    Discrimination fresh = Discrimination.of(pd, bad);
    double heldOutGini = report.at("/holdout/gini").asDouble();
    double tolerance =
        3
            * Math.hypot(
                giniStandardError(fresh.auc(), fresh.bads(), fresh.goods()),
                giniStandardError(
                    report.at("/holdout/auc").asDouble(),
                    report.at("/holdout/bads").asInt(),
                    report.at("/holdout/n").asInt() - report.at("/holdout/bads").asInt()));
    assertThat(fresh.gini())
        .as("fresh Gini against the held-out %.3f (tolerance %.3f)", heldOutGini, tolerance)
        .isGreaterThan(0.2)
        .isCloseTo(heldOutGini, org.assertj.core.api.Assertions.within(tolerance));
    // The trait that drives default is conscientiousness: the fit found its direction.
    for (JsonNode coefficient : report.get("coefficients")) {
      if (coefficient.get("feature").asText().equals("domain.C")) {
        assertThat(coefficient.get("estimate").asDouble()).isNegative();
      }
    }

    // A result scored before the activation is as it was.
    assertThat(result(d, training.get(0).uid())).isEqualTo(earlier);
  }

  /**
   * A new session walked to the end: conscientiousness (a latent trait, standard normal) sets how
   * far the applicant agrees with the C statements (the reverse for minus-keyed ones); each other
   * domain has a level of its own; the applicant defaults with log odds -1.4 - 1.0 x trait.
   */
  private Simulated walk(RunningServer.Deployment d, String uid) {
    HttpResponse<String> created =
        server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
    String token = json(created).get("access_token").asText();
    double trait = random.nextGaussian();
    Map<Character, Double> levels = new HashMap<>(Map.of('C', trait));
    Applicant applicant = new Applicant(server, token);
    applicant.consent();
    List<String> fields = new ArrayList<>(List.of("page", "1"));
    for (String item : Applicant.items(applicant.page().body())) {
      ItemBank.Item known = ITEMS.item("en", item);
      double level = levels.computeIfAbsent(known.domain(), k -> random.nextGaussian());
      int agree =
          (int) Math.max(1, Math.min(5, Math.round(3 + 1.2 * level + 0.7 * random.nextGaussian())));
      fields.add("item_" + item);
      fields.add(String.valueOf(known.minusKeyed() ? 6 - agree : agree));
    }
    Applicant.assertRedirectsToLink(
        applicant.post("questionnaire", fields.toArray(String[]::new)), token);
    assertThat(applicant.page().statusCode()).isEqualTo(200);
    boolean bad = random.nextDouble() < 1 / (1 + Math.exp(1.4 + 1.0 * trait));
    return new Simulated(uid, trait, bad);
  }

  private JsonNode result(RunningServer.Deployment d, String uid) {
    HttpResponse<String> response =
        server.send("GET", "/v1/results/" + uid, null, "api-key", d.productionKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).at("/details/calculated");
  }

  /** Twice the AUC's standard error by Hanley and McNeil (1982). */
  private static double giniStandardError(double auc, int bads, int goods) {
    double q1 = auc / (2 - auc);
    double q2 = 2 * auc * auc / (1 + auc);
    double variance =
        (auc * (1 - auc) + (bads - 1) * (q1 - auc * auc) + (goods - 1) * (q2 - auc * auc))
            / ((double) bads * goods);
    return 2 * Math.sqrt(variance);
  }
}
