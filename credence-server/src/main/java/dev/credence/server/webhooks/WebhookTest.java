package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.Ids;
import dev.credence.server.http.Json;
import java.time.Clock;

/**
 * The test event (spec section 6): sent at once to an environment's webhook URL, signed like every
 * event, outside the delivery log. The API's test call and the dashboard's button both send it.
 */
public final class WebhookTest {
  /** The event type of a test delivery; never sent otherwise. */
  public static final String TEST_EVENT = "webhook.test";

  /** The uid of a test delivery (no session has it: uids are chosen by lenders). */
  public static final String TEST_UID = "webhook-test";

  private final DeploymentService deployments;
  private final WebhookSender sender;
  private final Clock clock;

  public WebhookTest(DeploymentService deployments, WebhookSender sender, Clock clock) {
    this.deployments = deployments;
    this.sender = sender;
    this.clock = clock;
  }

  /** Where the event went and the receiver's answer; both null when no webhook URL is set. */
  public record Sent(String url, WebhookSender.Answer answer) {
    public boolean urlSet() {
      return url != null;
    }
  }

  public Sent send(Environment environment) {
    String url = environment.settings().webhookUrl();
    if (url == null) {
      return new Sent(null, null);
    }
    return new Sent(
        url, sender.send(url, deployments.apiKey(environment), Ids.newId(), body(environment)));
  }

  private String body(Environment environment) {
    ObjectNode details = NewEvent.newDetails();
    details.put("sent_at", clock.instant().getEpochSecond());
    ObjectNode envelope = JsonNodeFactory.instance.objectNode();
    envelope.put("uid", TEST_UID);
    envelope.put("integration_id", environment.integrationId());
    envelope.putObject("event").put("type", TEST_EVENT).set("details", details);
    return Json.write(envelope);
  }
}
