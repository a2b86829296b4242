package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.EventType;
import dev.credence.api.WebhookEnvelope;
import dev.credence.server.http.Json;
import java.util.List;

/**
 * An event about to be stored: its type, its {@code details} and, for cancelled and incomplete, its
 * {@code reasons}. {@link #body} writes the envelope exactly as lenders receive it.
 */
public record NewEvent(EventType type, ObjectNode details, List<String> reasons) {

  public NewEvent {
    reasons = reasons == null ? null : List.copyOf(reasons);
  }

  public static NewEvent of(EventType type, ObjectNode details) {
    return new NewEvent(type, details, null);
  }

  /** An empty details object to fill. */
  public static ObjectNode newDetails() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * {@code {"uid": ..., "integration_id": ..., "event": {"type": ..., "details": {...}}}}, with
   * {@code event.reasons} after the details when the event has reasons, and {@code "simulated":
   * true} last for a simulated session's event only; compact JSON.
   */
  public String body(String uid, String integrationId, boolean simulated) {
    return Json.write(
        new WebhookEnvelope(
            uid,
            integrationId,
            new WebhookEnvelope.Event(type, details, reasons),
            simulated ? Boolean.TRUE : null));
  }
}
