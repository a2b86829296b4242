package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A lender's server for the results screen's tests: makes sessions and waits for their ends. */
final class Lender {
  private final RunningServer server;

  Lender(RunningServer server) {
    this.server = server;
  }

  /**
   * A new deployment of a new company whose Production environment runs the small assessment and
   * sends its webhooks to {@code receiver}.
   */
  Deployment deployment(WebhookReceiver receiver) {
    Deployment deployment = server.newDeployment();
    String production = deployment.productionIntegrationId();
    server.patchIntegration(production, Applicant.SMALL_ASSESSMENT);
    server.patchIntegration(production, "{\"webhook_url\": \"" + receiver.url() + "\"}");
    return deployment;
  }

  /** A new session of {@code uid} and its applicant. */
  Applicant applicant(String apiKey, String integrationId, String uid) {
    HttpResponse<String> created = server.createSession(apiKey, sessionBody(uid, integrationId));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  /**
   * Waits until the session's stored status is {@code status} (lower case), as the sweep sets it.
   */
  void awaitStatus(String integrationId, String uid, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String now = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> events =
          server.operator(
              "GET",
              "/v1/admin/integrations/" + integrationId + "/sessions/" + uid + "/events",
              null);
      now = json(events).get("status").asText();
      if (now.equals(status)) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError(uid + " is " + now + ", not " + status);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
