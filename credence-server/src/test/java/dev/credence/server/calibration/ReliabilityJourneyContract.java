package dev.credence.server.calibration;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore;
import dev.credence.server.store.Database;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The model report's reliability section from answers given through the real assessment: applicants
 * whose conscientiousness answers follow a latent level plus noise make the C scale reliable;
 * answers to the N statements drawn at random make it measure nothing; an environment with too few
 * completed sessions shows the status and no numbers.
 */
abstract class ReliabilityJourneyContract extends ServerContract {
  private static final int APPLICANTS = 60;
  private static final int FEW = 5;
  private static final ItemBank ITEMS = ItemBank.load();

  private final SplittableRandom random = new SplittableRandom(2026_12_07);

  @Test
  void alphaIsHighForAConsistentScaleNearZeroForRandomAnswersAndWithheldForFewSessions() {
    RunningServer.Deployment d = server.newDeployment();
    String production = d.productionIntegrationId();
    String test = d.testIntegrationId();
    for (String id : List.of(production, test)) {
      server.patchIntegration(id, "{\"assessment\": " + Applicant.QUESTIONNAIRE_ONLY + "}");
    }
    for (int i = 0; i < APPLICANTS; i++) {
      walk(d.productionKey(), production, "REL-" + i);
      if (i % 10 == 9) {
        server.clock().advance(Duration.ofSeconds(1));
      }
    }
    for (int i = 0; i < FEW; i++) {
      walk(d.testKey(), test, "FEW-" + i);
    }
    // A session that never finished does not count.
    server.createSession(d.productionKey(), sessionBody("OPEN-1", production));

    JsonNode reliability = report(production);
    assertThat(reliability.get("sessions").asInt()).isEqualTo(APPLICANTS);
    assertThat(reliability.get("limit").asInt()).isEqualTo(ReliabilityReport.MAX_SESSIONS);
    assertThat(reliability.get("forms")).hasSize(1);
    JsonNode form = reliability.at("/forms/0");
    assertThat(form.get("form").asText()).isEqualTo("short");
    assertThat(form.get("sessions").asInt()).isEqualTo(APPLICANTS);
    assertThat(form.get("domains")).hasSize(5);
    for (JsonNode domain : form.get("domains")) {
      assertThat(domain.get("status").asText()).as(domain.toString()).isEqualTo("computed");
      assertThat(domain.get("n").asInt()).isEqualTo(APPLICANTS);
      assertThat(domain.get("k").asInt()).isEqualTo(6);
      double alpha = domain.get("alpha").asDouble();
      assertThat(domain.get("alpha_low").asDouble()).isLessThan(alpha);
      assertThat(domain.get("alpha_high").asDouble()).isGreaterThan(alpha);
      double sd = domain.get("sd").asDouble();
      assertThat(domain.get("sem").asDouble())
          .isCloseTo(sd * Math.sqrt(1 - alpha), org.assertj.core.api.Assertions.within(1e-9));
    }
    JsonNode c = domain(form, "C");
    assertThat(c.get("alpha").asDouble()).as(c.toString()).isGreaterThan(0.7);
    assertThat(c.get("sem").asDouble()).isLessThan(c.get("sd").asDouble() / 2);
    JsonNode n = domain(form, "N");
    assertThat(n.get("alpha").asDouble()).as(n.toString()).isBetween(-0.3, 0.3);
    assertThat(n.get("alpha_low").asDouble()).isNegative();
    assertThat(n.get("alpha_high").asDouble()).isPositive();

    // Read 7 sessions a page, the pages join without gaps or repeats to the same numbers: sessions
    // finish in groups of 10 at the same instant, so pages end both inside a group (the id breaks
    // the tie) and at its edge. A smaller bound reads no more than it allows.
    try (Database database = Database.open(server.config().database())) {
      QuestionnaireStore store =
          new QuestionnaireStore(new AssessmentStore(database.jdbi()), Modules.standard());
      ReliabilityReport.Report paged = new ReliabilityReport(store, ITEMS, 7, 1_000).of(production);
      assertThat(paged.sessions()).isEqualTo(APPLICANTS);
      ReliabilityReport.Domain pagedC =
          paged.forms().get(0).domains().stream()
              .filter(domain -> domain.domain().equals("C"))
              .findFirst()
              .orElseThrow();
      assertThat(pagedC.n()).isEqualTo(APPLICANTS);
      assertThat(pagedC.alpha())
          .isCloseTo(c.get("alpha").asDouble(), org.assertj.core.api.Assertions.within(1e-12));
      ReliabilityReport.Report bounded = new ReliabilityReport(store, ITEMS, 7, 25).of(production);
      assertThat(bounded.sessions()).isEqualTo(25);
      assertThat(bounded.limit()).isEqualTo(25);
      assertThat(bounded.forms().get(0).domains())
          .allSatisfy(domain -> assertThat(domain.n()).isEqualTo(25))
          .allSatisfy(domain -> assertThat(domain.status()).isEqualTo("too_few_sessions"));
    }

    JsonNode few = report(test);
    assertThat(few.get("sessions").asInt()).isEqualTo(FEW);
    for (JsonNode domain : few.at("/forms/0/domains")) {
      assertThat(domain.get("status").asText()).isEqualTo("too_few_sessions");
      assertThat(domain.get("n").asInt()).isEqualTo(FEW);
      assertThat(domain.get("alpha").isNull()).isTrue();
      assertThat(domain.get("alpha_low").isNull()).isTrue();
      assertThat(domain.get("sem").isNull()).isTrue();
      assertThat(domain.get("detail").asText()).contains("at least 30");
    }
  }

  private JsonNode report(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId + "/model-report", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("reliability");
  }

  private static JsonNode domain(JsonNode form, String name) {
    for (JsonNode domain : form.get("domains")) {
      if (domain.get("domain").asText().equals(name)) {
        return domain;
      }
    }
    throw new AssertionError("no domain " + name + " in " + form);
  }

  /**
   * A new session walked to the end. Conscientiousness and the other domains but N have a level
   * each (standard normal) that sets how far the applicant agrees with their statements, plus noise
   * (the reverse for minus-keyed ones); every N statement is answered at random.
   */
  private void walk(String key, String integrationId, String uid) {
    HttpResponse<String> created = server.createSession(key, sessionBody(uid, integrationId));
    String token = json(created).get("access_token").asText();
    Map<Character, Double> levels = new HashMap<>();
    Applicant applicant = new Applicant(server, token);
    applicant.consent();
    List<String> fields = new ArrayList<>(List.of("page", "1"));
    for (String item : Applicant.items(applicant.page().body())) {
      ItemBank.Item known = ITEMS.item("en", item);
      int answer;
      if (known.domain() == 'N') {
        answer = random.nextInt(1, 6);
      } else {
        double level = levels.computeIfAbsent(known.domain(), k -> random.nextGaussian());
        int agree =
            (int)
                Math.max(1, Math.min(5, Math.round(3 + 1.2 * level + 0.7 * random.nextGaussian())));
        answer = known.minusKeyed() ? 6 - agree : agree;
      }
      fields.add("item_" + item);
      fields.add(String.valueOf(answer));
    }
    Applicant.assertRedirectsToLink(
        applicant.post("questionnaire", fields.toArray(String[]::new)), token);
    assertThat(applicant.page().statusCode()).isEqualTo(200);
  }
}
