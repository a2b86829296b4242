package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventDetails;
import dev.credence.api.EventType;
import dev.credence.api.WebhookEnvelope;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.Json;
import dev.credence.server.store.Ids;
import java.time.Clock;
import java.time.Duration;

/**
 * The test event (docs/integration-guide.md, "The webhook test call"): sent at once to an
 * environment's webhook URL, signed like every event, outside the delivery log. The API's test call
 * and the dashboard's button both send it, and share one limit of {@link #PER_MINUTE} a minute per
 * environment.
 */
public final class WebhookTestCall {
  /** The event type of a test delivery; never sent otherwise. */
  public static final String TEST_EVENT = EventType.WEBHOOK_TEST;

  /** The uid of a test delivery (no session has it: uids are chosen by lenders). */
  public static final String TEST_UID = "webhook-test";

  /** Test events an environment may send a minute, by the API and the dashboard together. */
  public static final int PER_MINUTE = 10;

  private final DeploymentService deployments;
  private final WebhookSender sender;
  private final Clock clock;
  private final TestCallLimit limit;

  public WebhookTestCall(DeploymentService deployments, WebhookSender sender, Clock clock) {
    this.deployments = deployments;
    this.sender = sender;
    this.clock = clock;
    this.limit = new TestCallLimit(PER_MINUTE, System::nanoTime);
  }

  /** Where the event went and the receiver's answer; both null when no webhook URL is set. */
  public record Sent(String url, WebhookSender.Answer answer) {
    public boolean urlSet() {
      return url != null;
    }
  }

  /**
   * Sends the test event now.
   *
   * @throws Refusal TOO_MANY {@code rate_limited}, with {@code Retry-After}, past the limit
   */
  public Sent send(Environment environment) {
    String url = environment.settings().webhookUrl();
    if (url == null) {
      return new Sent(null, null);
    }
    Duration wait = limit.acquire(environment.integrationId());
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      throw new Refusal(
          Kind.TOO_MANY,
          "rate_limited",
          "This environment may send "
              + limit.perMinute()
              + " test webhooks a minute; retry after "
              + seconds
              + " s",
          (int) seconds);
    }
    return new Sent(
        url, sender.send(url, deployments.apiKeys(environment), Ids.newId(), body(environment)));
  }

  private String body(Environment environment) {
    ObjectNode details =
        Json.MAPPER.valueToTree(new EventDetails.WebhookTest(clock.instant().getEpochSecond()));
    return Json.write(
        new WebhookEnvelope(
            TEST_UID,
            environment.integrationId(),
            new WebhookEnvelope.Event(TEST_EVENT, details, null)));
  }
}
