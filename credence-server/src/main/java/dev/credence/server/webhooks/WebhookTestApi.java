package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code POST /v1/webhooks-management/test} (docs/integration-guide.md, "The webhook test call"):
 * sends a test event to the environment's webhook URL at once, signed like every event, and reports
 * the receiver's answer with the vendor's statuses and bodies (each with Credence's {@code code}
 * added). A URL whose address is refused is 503 {@code address_refused}; more than {@link
 * WebhookTestCall#PER_MINUTE} calls a minute, 429 {@code rate_limited}.
 */
public final class WebhookTestApi {
  private final DeploymentService deployments;
  private final WebhookTestCall webhookTest;

  public WebhookTestApi(DeploymentService deployments, WebhookTestCall webhookTest) {
    this.deployments = deployments;
    this.webhookTest = webhookTest;
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
    WebhookTestCall.Sent sent = webhookTest.send(environment);
    if (!sent.urlSet()) {
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
    WebhookSender.Answer answer = sent.answer();
    if (answer.addressRefused()) {
      answer(ctx, 503, error(answer.error(), "address_refused"));
    } else if (answer.statusCode() == null) {
      answer(ctx, 503, error(answer.error(), "webhook_unreachable"));
    } else if (answer.delivered()) {
      ObjectNode ok = JsonNodeFactory.instance.objectNode();
      ok.put("webhook_receiver_status_code", 200);
      ok.put("detail", "Test event delivered to " + WebhookSender.host(sent.url()));
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
