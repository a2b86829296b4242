package dev.credence.server.http;

import static dev.credence.server.testing.RunningServer.sessionBody;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;

/**
 * Every kind of webhook event the server sends, provoked on a new deployment of a server with
 * {@link RunningServer#QUICK_WORKERS} and {@link RunningServer#LOOPBACK_WEBHOOKS}: completed,
 * scored, cancelled, expired (twice, one started), incomplete, the test event, erased, and a
 * simulated completion in Test (complete and scored, marked simulated).
 */
final class EveryWebhook {
  private EveryWebhook() {}

  /** The deliveries as the lender's receiver got them, in order. Moves the clock 2 hours on. */
  static List<WebhookReceiver.Received> provoke(RunningServer server) {
    Deployment d = server.newDeployment();
    String integration = d.productionIntegrationId();
    String key = d.productionKey();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
      server.patchIntegration(
          integration,
          "{\"webhook_url\": \"" + receiver.url() + "\", \"session_expiry_hours\": 1}");
      new Applicant(server, token(server, key, integration, "HOOK-00000001")).finish();
      new Applicant(server, token(server, key, integration, "HOOK-00000002")).decline();
      Applicant started = new Applicant(server, token(server, key, integration, "HOOK-00000003"));
      started.consent();
      started.answerFirstPage();
      token(server, key, integration, "HOOK-00000004");
      receiver.await(3, Duration.ofSeconds(20));
      server.clock().advance(Duration.ofHours(2));
      receiver.await(6, Duration.ofSeconds(20));
      server.webhookTestCall(key);
      receiver.await(7, Duration.ofSeconds(20));
      server.operator(
          "DELETE", "/v1/admin/integrations/" + integration + "/sessions/HOOK-00000004", null);
      receiver.await(8, Duration.ofSeconds(20));
      server.patchIntegration(
          d.testIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
      server.send(
          "POST",
          "/v1/sessions-management/simulate",
          "{\"uid\": \"HOOK-00000005\", \"integration_id\": \""
              + d.testIntegrationId()
              + "\", \"scenario\": \"completed\", \"flags\": [\"RESUMED\"]}",
          "api-key",
          d.testKey());
      return receiver.await(10, Duration.ofSeconds(20));
    }
  }

  private static String token(RunningServer server, String key, String integration, String uid) {
    return RunningServer.json(server.createSession(key, sessionBody(uid, integration)))
        .get("access_token")
        .asText();
  }
}
