package dev.credence.server.calibration;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Applicants who finish the questionnaire in a deployment's Production environment, with outcomes
 * that a model can learn: those who disagree (1 or 2) with one chosen statement default far more
 * often. Enough of them make a fit possible.
 */
public final class LabelledApplicants {
  /** Enough labelled applicants for a fit, with some to spare for uids the split holds out. */
  public static final int ENOUGH = 520;

  /**
   * The applicants' outcomes as an outcome CSV ({@code uid,outcome,date}), and how many are bad.
   */
  public record Batch(String outcomesCsv, int count, int bads) {}

  private LabelledApplicants() {}

  /**
   * Sets the Production environment of {@code lender} to the questionnaire only and walks {@code
   * count} applicants {@code prefix}-0, -1, ... through it, answering at random from {@code seed}.
   */
  public static Batch create(
      RunningServer server, RunningServer.Deployment lender, String prefix, int count, long seed) {
    server.patchIntegration(
        lender.productionIntegrationId(), "{\"assessment\": " + Applicant.QUESTIONNAIRE_ONLY + "}");
    StringBuilder outcomes = new StringBuilder("uid,outcome,date\n");
    int bads = 0;
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      String uid = prefix + "-" + i;
      String token = newApplicant(server, lender, uid);
      Applicant applicant = new Applicant(server, token);
      applicant.consent();
      List<String> ids = Applicant.items(applicant.page().body());
      String chosen = Collections.min(ids);
      List<String> fields = new ArrayList<>(List.of("page", "1"));
      int chosenValue = 0;
      for (String id : ids) {
        int value = 1 + random.nextInt(5);
        chosenValue = id.equals(chosen) ? value : chosenValue;
        fields.add("item_" + id);
        fields.add(String.valueOf(value));
      }
      Applicant.assertRedirectsToLink(
          applicant.post("questionnaire", fields.toArray(String[]::new)), token);
      assertThat(applicant.page().statusCode()).isEqualTo(200);
      boolean bad = random.nextDouble() < (chosenValue <= 2 ? 0.45 : 0.08);
      bads += bad ? 1 : 0;
      outcomes.append(uid).append(bad ? ",default," : ",repaid,").append("2026-11-01\n");
    }
    return new Batch(outcomes.toString(), count, bads);
  }

  /** Uploads the batch's outcomes to the lender's Production environment as the operator. */
  public static void upload(RunningServer server, RunningServer.Deployment lender, Batch batch) {
    HttpResponse<String> uploaded =
        server.uploadOutcomes(lender.productionIntegrationId(), batch.outcomesCsv());
    assertThat(json(uploaded).get("added").asInt()).as(uploaded.body()).isEqualTo(batch.count());
  }

  /** A new session of the lender's Production environment for {@code uid}; its access token. */
  public static String newApplicant(
      RunningServer server, RunningServer.Deployment lender, String uid) {
    HttpResponse<String> created =
        server.createSession(
            lender.productionKey(), sessionBody(uid, lender.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created).get("access_token").asText();
  }
}
