package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.api.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewEventTest {
  @Test
  void theEnvelopeIsCompactJsonInTheSpecsOrder() {
    var details =
        NewEvent.newDetails().put("application_started_at", 1767225600L).put("platform", "WEB");
    assertThat(NewEvent.of(EventType.APPLICATION_COMPLETE, details).body("CUST-1", "abc", false))
        .isEqualTo(
            "{\"uid\":\"CUST-1\",\"integration_id\":\"abc\",\"event\":{\"type\":"
                + "\"application.complete\",\"details\":{\"application_started_at\":1767225600,"
                + "\"platform\":\"WEB\"}}}");
  }

  @Test
  void reasonsFollowTheDetailsOnlyWhenTheEventHasThem() {
    var event =
        new NewEvent(
            EventType.APPLICATION_INCOMPLETE,
            NewEvent.newDetails(),
            List.of("session_expired", "balloons_not_finished"));
    assertThat(event.body("u", "i", false))
        .isEqualTo(
            "{\"uid\":\"u\",\"integration_id\":\"i\",\"event\":{\"type\":"
                + "\"application.incomplete\",\"details\":{},\"reasons\":"
                + "[\"session_expired\",\"balloons_not_finished\"]}}");
  }

  @Test
  void aSimulatedSessionsEventEndsWithSimulatedAndNoOtherSaysIt() {
    var event =
        new NewEvent(
            EventType.APPLICATION_CANCELLED,
            NewEvent.newDetails(),
            List.of("privacy_policy_rejected"));
    assertThat(event.body("u", "i", true))
        .isEqualTo(
            "{\"uid\":\"u\",\"integration_id\":\"i\",\"event\":{\"type\":"
                + "\"application.cancelled\",\"details\":{},\"reasons\":"
                + "[\"privacy_policy_rejected\"]},\"simulated\":true}");
    assertThat(event.body("u", "i", false)).doesNotContain("simulated");
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
  }
}
