package dev.credence.server.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
   * {@code event.reasons} after the details when the event has reasons; compact JSON.
   */
  public String body(String uid, String integrationId) {
    ObjectNode envelope = JsonNodeFactory.instance.objectNode();
    envelope.put("uid", uid);
    envelope.put("integration_id", integrationId);
    ObjectNode event = envelope.putObject("event");
    event.put("type", type.wireName());
    event.set("details", details);
    if (reasons != null) {
      reasons.forEach(event.putArray("reasons")::add);
    }
    return Json.write(envelope);
  }
}
