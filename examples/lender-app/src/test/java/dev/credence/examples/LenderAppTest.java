package dev.credence.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.api.Signatures;
import dev.credence.client.CredenceClient;
import dev.credence.client.RetryPolicy;
import dev.credence.client.WebhookVerifier;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example app against the real server: the applicant is redirected to their session, finishes
 * it, and the app takes in both verified events once, even when one is delivered twice.
 */
class LenderAppTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void createsRedirectsAndTakesInTheVerifiedWebhooks() throws Exception {
    try (RunningServer server =
            RunningServer.start(
                TestDatabase.H2,
                RunningServer.with(
                    Map.of("CREDENCE_SCHEDULER_POLL_MS", "100"), RunningServer.LOOPBACK_WEBHOOKS));
        LenderApp app = app(server)) {
      HttpResponse<String> apply = get(app, "/apply?customer=CUST-00123456");
      assertThat(apply.statusCode()).isEqualTo(302);
      String link = apply.headers().firstValue("Location").orElseThrow();
      assertThat(link).startsWith(server.config().publicUrl() + "/");
      new Applicant(server, link.substring(link.lastIndexOf('/') + 1)).finish();

      String events = awaitLines(app, 2);
      assertThat(events)
          .contains("CUST-00123456 application.complete")
          .contains("CUST-00123456 psychometric_score.complete");

      // A repeat of a delivery is answered 200 and not taken in twice; a forged one is refused.
      String body =
          "{\"uid\":\"CUST-1\",\"integration_id\":\"x\",\"event\":{\"type\":\"webhook.test\",\"details\":{\"sent_at\":1}}}";
      String eventId = events.lines().findFirst().orElseThrow().split(" ")[0];
      assertThat(post(app, body, Signatures.sign(lender.productionKey(), body.getBytes()), eventId))
          .isEqualTo(200);
      assertThat(post(app, body, Signatures.sign("someone-else", body.getBytes()), "f00"))
          .isEqualTo(401);
      assertThat(get(app, "/events").body().lines()).hasSize(2);

      assertThat(get(app, "/apply?customer=jane@example.com").statusCode()).isEqualTo(422);
    }
  }

  @Test
  void anApiThatDoesNotAnswerIs503ForTheApplicant() throws Exception {
    String nowhere = "http://127.0.0.1:" + RunningServer.freePort();
    try (LenderApp app =
        new LenderApp(
            0,
            CredenceClient.builder(nowhere, "crd_test_key").retryPolicy(RetryPolicy.NONE).build(),
            WebhookVerifier.builder("crd_test_key").build(),
            "integration")) {
      HttpResponse<String> apply = get(app, "/apply?customer=CUST-00123456");

      assertThat(apply.statusCode()).isEqualTo(503);
      assertThat(apply.body()).isEqualTo("Credence did not answer; try again in a moment");
    }
  }

  private Deployment lender;

  /** The app, started on a free port, as the webhook receiver of a new deployment's Production. */
  private LenderApp app(RunningServer server) throws Exception {
    Deployment deployment = server.newDeployment();
    lender = deployment;
    String integration = deployment.productionIntegrationId();
    server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
    LenderApp app =
        new LenderApp(
            0,
            CredenceClient.builder(server.baseUrl(), deployment.productionKey()).build(),
            WebhookVerifier.builder(deployment.productionKey()).clock(server.clock()).build(),
            integration);
    server.patchIntegration(
        integration,
        "{\"webhook_url\": \"http://127.0.0.1:" + app.port() + "/webhooks/credence\"}");
    return app;
  }

  private String awaitLines(LenderApp app, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String events = "";
    while (System.nanoTime() < deadline && events.lines().count() < count) {
      Thread.sleep(50);
      events = get(app, "/events").body();
    }
    return events;
  }

  private HttpResponse<String> get(LenderApp app, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int post(LenderApp app, String body, String signature, String eventId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/webhooks/credence"))
            .header("X-Signature", signature)
            .header("X-Credence-Event-Id", eventId)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
