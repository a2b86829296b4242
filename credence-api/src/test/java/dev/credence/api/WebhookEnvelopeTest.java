package dev.credence.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook envelope and each event's details, against the deliveries in docs/webhooks.md. */
class WebhookEnvelopeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String COMPLETE =
      "{\"uid\":\"APP-2026-000105\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"application.complete\",\"details\":{\"application_started_at\":1795330005,"
          + "\"application_completed_at\":1795330171,\"platform\":\"WEB\"}}}";

  private static final String SCORE =
      "{\"uid\":\"APP-2026-000105\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"psychometric_score.complete\",\"details\":{\"application_started_at\":"
          + "1795330005,\"application_completed_at\":1795330171,\"scored_at\":1795330171,"
          + "\"platform\":\"WEB\",\"calculated\":{\"score\":364,\"risk_band\":\"C\","
          + "\"score_confidence\":\"HIGH\",\"traits\":[{\"key\":\"domain.C\",\"value\":8,"
          + "\"risk_band\":\"HIGH_RISK\"},{\"key\":\"domain.A\",\"value\":97,\"risk_band\":"
          + "\"HIGH_RISK\"},{\"key\":\"domain.N\",\"value\":8,\"risk_band\":\"LOW_RISK\"},"
          + "{\"key\":\"choices.delayed_share\",\"value\":58,\"risk_band\":\"AVERAGE\"},"
          + "{\"key\":\"balloons.adjusted_pumps\",\"value\":56,\"risk_band\":\"AVERAGE\"},"
          + "{\"key\":\"memory_span\",\"value\":9,\"risk_band\":\"HIGH_RISK\"}],\"flags\":"
          + "[\"RESUMED\"],\"probability_of_default\":0.1553,\"review_required\":false,\"model\":"
          + "{\"version\":\"default-2026.1\",\"calibrated\":false,\"norms\":\"DEFAULT\","
          + "\"form\":\"short\"},\"missing\":[]}}}}";

  private static final String CANCELLED =
      "{\"uid\":\"APP-2026-000102\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"application.cancelled\",\"details\":{\"application_created_at\":"
          + "1795330002,\"application_cancelled_at\":1795330174,\"platform\":\"WEB\"},"
          + "\"reasons\":[\"privacy_policy_rejected\"]}}";

  private static final String EXPIRED_UNOPENED =
      "{\"uid\":\"APP-2026-000103\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"application.expired\",\"details\":{\"application_created_at\":1795329980,"
          + "\"application_started_at\":null,\"application_expired_at\":1795333580,"
          + "\"platform\":\"WEB\"}}}";

  private static final String INCOMPLETE =
      "{\"uid\":\"APP-2026-000104\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"application.incomplete\",\"details\":{\"application_started_at\":"
          + "1795329983,\"application_expired_at\":1795333580,\"progress_percent\":10,"
          + "\"platform\":\"WEB\"},\"reasons\":[\"session_expired\",\"questionnaire_not_finished\","
          + "\"balloons_not_finished\",\"choices_not_finished\",\"memory_span_not_finished\"]}}";

  private static final String TEST =
      "{\"uid\":\"webhook-test\",\"integration_id\":\"94c714da5908ad9031709389\",\"event\":"
          + "{\"type\":\"webhook.test\",\"details\":{\"sent_at\":1795330182}}}";

  @ParameterizedTest
  @ValueSource(strings = {COMPLETE, SCORE, CANCELLED, EXPIRED_UNOPENED, INCOMPLETE, TEST})
  void everyDocumentedDeliveryRoundTripsByteForByte(String body) throws Exception {
    WebhookEnvelope envelope = JSON.readValue(body, WebhookEnvelope.class);
    assertThat(JSON.writeValueAsString(envelope)).isEqualTo(body);
    // And its details through their typed record, null times included.
    Class<? extends EventDetails> type = EventDetails.forType(envelope.event().type());
    EventDetails details = JSON.treeToValue(envelope.event().details(), type);
    WebhookEnvelope rebuilt =
        new WebhookEnvelope(
            envelope.uid(),
            envelope.integrationId(),
            new WebhookEnvelope.Event(
                envelope.event().type(), JSON.valueToTree(details), envelope.event().reasons()));
    assertThat(JSON.writeValueAsString(rebuilt)).isEqualTo(body);
  }

  @Test
  void theScoreEventReadsIntoItsRecords() throws Exception {
    WebhookEnvelope envelope = JSON.readValue(SCORE, WebhookEnvelope.class);
    var details =
        JSON.treeToValue(envelope.event().details(), EventDetails.PsychometricScoreComplete.class);
    assertThat(details.scoredAt()).isEqualTo(1795330171L);
    assertThat(details.calculated().score()).isEqualTo(364);
    assertThat(details.calculated().traits().get(1))
        .isEqualTo(new Calculated.Trait("domain.A", 97, "HIGH_RISK"));
    assertThat(details.calculated().probabilityOfDefault()).isEqualTo(0.1553);
    assertThat(details.calculated().model())
        .isEqualTo(new Calculated.Model("default-2026.1", false, "DEFAULT", "short"));
    assertThat(details.calculated().evidence()).isNull();
  }

  @Test
  void reasonsAreLeftOutWhenTheEventHasNone() throws Exception {
    ObjectNode details = JsonNodeFactory.instance.objectNode().put("platform", "WEB");
    assertThat(
            JSON.writeValueAsString(
                new WebhookEnvelope(
                    "u",
                    "i",
                    new WebhookEnvelope.Event(EventType.APPLICATION_EXPIRED, details, null))))
        .isEqualTo(
            "{\"uid\":\"u\",\"integration_id\":\"i\",\"event\":{\"type\":\"application.expired\","
                + "\"details\":{\"platform\":\"WEB\"}}}");
    assertThat(
            JSON.writeValueAsString(
                new WebhookEnvelope.Event(EventType.APPLICATION_INCOMPLETE, details, List.of())))
        .isEqualTo(
            "{\"type\":\"application.incomplete\",\"details\":{\"platform\":\"WEB\"},"
                + "\"reasons\":[]}");
  }

  @Test
  void anUnknownTypeStillReadsAndHasNoDetailsRecord() throws Exception {
    WebhookEnvelope envelope =
        JSON.readValue(
            "{\"uid\":\"u\",\"integration_id\":\"i\",\"event\":{\"type\":\"application.renamed\","
                + "\"details\":{},\"new\":1},\"new\":2}",
            WebhookEnvelope.class);
    assertThat(envelope.event().type()).isEqualTo("application.renamed");
    assertThat(EventDetails.forType("application.renamed")).isNull();
  }

  @Test
  void eventTypesAreDeclaredInSendingOrderWithTheirWireNames() {
    assertThat(EventType.values())
        .extracting(EventType::wireName)
        .containsExactly(
            "application.complete",
            "psychometric_score.complete",
            "application.cancelled",
            "application.expired",
            "application.incomplete",
            "session.erased");
    assertThat(EventType.fromWireName("application.expired"))
        .isEqualTo(EventType.APPLICATION_EXPIRED);
    assertThatThrownBy(() -> EventType.fromWireName(EventType.WEBHOOK_TEST))
        .isInstanceOf(IllegalArgumentException.class);
    for (EventType type : EventType.values()) {
      assertThat(EventDetails.forType(type.wireName())).isNotNull();
    }
    assertThat(EventDetails.forType("webhook.test")).isEqualTo(EventDetails.WebhookTest.class);
  }
}
