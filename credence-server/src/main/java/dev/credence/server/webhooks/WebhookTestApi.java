package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.Ids;
import dev.credence.server.http.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * {@code POST /v1/webhooks-management/test} (spec section 6): sends a test event to the
 * environment's webhook URL at once, signed like every event, and reports the receiver's answer
 * with the vendor's statuses and bodies (each with Credence's {@code code} added).
 */
public final class WebhookTestApi {
  /** The event type of a test delivery; never sent otherwise. */
  public static final String TEST_EVENT = "webhook.test";

  /** The uid of a test delivery (no session has it: uids are chosen by lenders). */
  public static final String TEST_UID = "webhook-test";

  private final DeploymentService deployments;
  private final WebhookSender sender;
  private final Clock clock;

  public WebhookTestApi(DeploymentService deployments, WebhookSender sender, Clock clock) {
    this.deployments = deployments;
    this.sender = sender;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.post("/v1/webhooks-management/test", this::test);
  }

  private void test(Context ctx) {
    String key = ctx.header("api-key");
    if (key == null || key.isBlank()) {
      answer(ctx, 400, error("No Api-key supplied", "api_key_missing"));
      return;
    }
    Environment environment = deployments.authenticate(key.trim()).orElse(null);
    if (environment == null) {
      answer(ctx, 403, error("Invalid Api-key", "api_key_invalid"));
      return;
    }
    String url = environment.settings().webhookUrl();
    if (url == null) {
      answer(
          ctx,
          424,
          error(
              "Webhooks not set for "
                  + environment.integrationId()
                  + ", set the environment's webhook URL first",
              "webhook_not_set"));
      return;
    }
    WebhookSender.Answer answer =
        sender.send(url, deployments.apiKey(environment), Ids.newId(), body(environment));
    if (answer.statusCode() == null) {
      answer(ctx, 503, error(answer.error(), "webhook_unreachable"));
    } else if (answer.delivered()) {
      ObjectNode ok = JsonNodeFactory.instance.objectNode();
      ok.put("webhook_receiver_status_code", 200);
      ok.put("detail", "Test event delivered to " + WebhookSender.host(url));
      answer(ctx, 200, ok);
    } else {
      ObjectNode refused = JsonNodeFactory.instance.objectNode();
      ObjectNode detail = refused.putObject("detail");
      detail.put("webhook_receiver_status_code", answer.statusCode());
      detail.put("webhook_receiver_body_content", answer.body());
      refused.put("code", "webhook_receiver_refused");
      answer(ctx, 422, refused);
    }
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

  private static ObjectNode error(String detail, String code) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("detail", detail);
    body.put("code", code);
    return body;
  }

  private static void answer(Context ctx, int status, ObjectNode body) {
    ctx.status(status).json(body);
  }
}
