package dev.credence.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;

/**
 * A webhook delivery whose signatures checked out.
 *
 * @param eventId {@code X-Credence-Event-Id}: the same on every retry and redelivery of the event;
 *     null from a server that does not send it
 * @param signedAt {@code X-Credence-Timestamp}, when this attempt was signed; null if absent
 * @param event the typed event
 * @param body the raw body, exactly as received and signed: store this
 */
public record WebhookDelivery(String eventId, Instant signedAt, WebhookEvent event, byte[] body) {

  /**
   * The key to drop repeats by: the event id, or, from a server without event ids, the uid with the
   * event type (which identifies every event but a second round of a re-opened uid).
   */
  public String idempotencyKey() {
    return eventId != null ? eventId : event.uid() + "/" + event.type();
  }

  /**
   * Whether the event is about a session made by a Test simulation: its body ends with {@code
   * "simulated": true} (docs/webhooks.md, "Simulated sessions"); false for every applicant's.
   */
  public boolean simulated() {
    try {
      return new ObjectMapper().readTree(body).path("simulated").asBoolean(false);
    } catch (IOException e) {
      return false; // a verified delivery is JSON; nothing else is simulated
    }
  }
}
