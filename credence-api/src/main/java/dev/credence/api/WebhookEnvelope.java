package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The body of every webhook delivery: {@code {"uid", "integration_id", "event": {"type", "details",
 * "reasons"}}}, then {@code "simulated": true} for a session made by a Test simulation only (left
 * out otherwise, so the body of a real session is the vendor's). The shape of {@code details}
 * depends on the type (see {@link EventDetails}), so it is kept as a JSON object here.
 *
 * @param simulated true for a simulated session's event; null (left out) for every other event
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"uid", "integration_id", "event", "simulated"})
public record WebhookEnvelope(
    @JsonProperty("uid") String uid,
    @JsonProperty("integration_id") String integrationId,
    @JsonProperty("event") Event event,
    @JsonProperty("simulated") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean simulated) {

  /** The envelope of a real session's event: no {@code simulated}. */
  public WebhookEnvelope(String uid, String integrationId, Event event) {
    this(uid, integrationId, event, null);
  }

  /** Whether the event is about a simulated session. */
  public boolean isSimulated() {
    return Boolean.TRUE.equals(simulated);
  }

  /**
   * {@code event}: its type, its details and, for {@code application.cancelled} and {@code
   * application.incomplete} only, its reasons; {@code reasons} is left out when null.
   *
   * <p>{@code type} is the wire name as text, not an {@link EventType}: a receiver must accept a
   * type it does not know (and ignore it), and the test delivery's type is not an {@link
   * EventType}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"type", "details", "reasons"})
  public record Event(
      @JsonProperty("type") String type,
      @JsonProperty("details") ObjectNode details,
      @JsonProperty("reasons") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> reasons) {

    public Event {
      reasons = Copies.list(reasons);
    }

    public Event(EventType type, ObjectNode details, List<String> reasons) {
      this(type.wireName(), details, reasons);
    }
  }
}
