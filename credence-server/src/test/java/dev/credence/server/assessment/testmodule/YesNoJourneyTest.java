package dev.credence.server.assessment.testmodule;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.http.Json;
import dev.credence.server.store.Database;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A module added to a server from outside the standard list: an environment configures it, an
 * applicant answers it through the real pages, and the session completes with a result.
 */
class YesNoJourneyTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server =
        RunningServer.start(TestDatabase.H2, Modules.standard().with(List.of(new YesNoModule())));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anEnvironmentRunsTheTestModuleToTheEnd() throws Exception {
    Deployment deployment = server.newDeployment();
    String integration = deployment.productionIntegrationId();
    JsonNode settings =
        server.patchIntegration(
            integration,
            "{\"assessment\": {\"modules\": [{\"type\": \"yes_no\", \"questions\": 2,"
                + " \"label\": \"Are you <sure>?\"}]}}");
    assertThat(settings.at("/assessment/modules/0/type").asText()).isEqualTo("yes_no");
    assertThat(settings.at("/assessment/modules/0/questions").asInt()).isEqualTo(2);

    HttpResponse<String> created =
        server.createSession(deployment.productionKey(), sessionBody("YES-000001", integration));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String token = json(created).get("access_token").asText();
    Applicant applicant = new Applicant(server, token);

    applicant.consent();
    HttpResponse<String> first = applicant.page();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("Are you &lt;sure&gt;?").contains("1 of 2");

    // A script is told of a refusal by its status; a form is sent back to the link either way.
    HttpResponse<String> refused =
        applicant.postAsScript("yes_no", "question", "2", "answer", "yes");
    assertThat(refused.statusCode()).isEqualTo(409);
    HttpResponse<String> invalid =
        applicant.postAsScript("yes_no", "question", "1", "answer", "maybe");
    assertThat(invalid.statusCode()).isEqualTo(422);
    Applicant.assertRedirectsToLink(
        applicant.post("yes_no", "question", "1", "answer", "maybe"), token);
    assertThat(applicant.page().body()).as("nothing saved").contains("1 of 2");

    Applicant.assertRedirectsToLink(
        applicant.post("yes_no", "question", "1", "answer", "yes"), token);
    assertThat(applicant.page().body()).contains("2 of 2");
    Applicant.assertRedirectsToLink(
        applicant.post("yes_no", "question", "2", "answer", "no"), token);

    HttpResponse<String> done = applicant.page();
    assertThat(done.statusCode()).isEqualTo(200);
    List<JsonNode> events =
        server.awaitEvents(
            integration,
            "YES-000001",
            Duration.ofSeconds(10),
            e -> e.stream().anyMatch(x -> x.toString().contains("psychometric_score.complete")));
    assertThat(events.toString()).contains("application.complete");
    // Its own measure is stored with the result's features, beside the traits: one yes of two.
    try (Database database = Database.open(server.config().database())) {
      String features =
          database
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT features FROM results WHERE uid = ?")
                          .bind(0, "YES-000001")
                          .mapTo(String.class)
                          .one());
      assertThat(Json.MAPPER.readTree(features).get("yes_no.yes_share").asDouble()).isEqualTo(0.5);
    }
  }

  @Test
  void anUnknownModuleIsRefusedNamingTheTestModuleAmongTheKnown() {
    String integration = server.newDeployment().productionIntegrationId();
    HttpResponse<String> refused =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + integration,
            "{\"assessment\": {\"modules\": [{\"type\": \"dice\"}]}}");
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body())
        .contains("(known: questionnaire, balloons, choices, memory_span, yes_no)");
  }
}
