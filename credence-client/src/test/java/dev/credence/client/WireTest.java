package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading bodies into the wire records is as strict as the documented shape. */
class WireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CALCULATED =
      "{\"score\":364,\"risk_band\":\"C\",\"score_confidence\":\"HIGH\",\"traits\":[{\"key\":"
          + "\"domain.C\",\"value\":8,\"risk_band\":\"HIGH_RISK\"}],\"flags\":[\"RESUMED\"]%s}";

  private static String result(String calculatedExtra) {
    return ("{\"uid\":\"CUST-1\",\"integration_id\":\"abc\",\"status\":\"completed\",\"details\":"
        + "{\"application_started_at\":null,\"application_completed_at\":1795330171,"
        + "\"scored_at\":1795330171,\"platform\":\"WEB\",\"calculated\":"
        + CALCULATED.formatted(calculatedExtra)
        + "},\"added_later\":{\"x\":1}}");
  }

  @Test
  void aResultOfTheVendorShapeReadsWithCredencesAdditionsAbsent() throws Exception {
    Result result = Result.read(tree(result("")));
    assertThat(result.details().startedAt()).isNull();
    assertThat(result.details().scoredAt()).isEqualTo(Instant.ofEpochSecond(1795330171));
    assertThat(result.details().calculated().traits())
        .containsExactly(new ScoreDetails.Trait("domain.C", 8, "HIGH_RISK"));
    assertThat(result.details().calculated().probabilityOfDefault()).isNull();
    assertThat(result.details().calculated().modelVersion()).isNull();
    assertThat(result.details().calculated().missing()).isEmpty();
  }

  @Test
  void aWholeNumberIsANumberButNotTheOtherWayRound() throws Exception {
    Result result =
        Result.read(tree(result(",\"probability_of_default\":0,\"model\":{\"version\":\"m-1\"}")));
    assertThat(result.details().calculated().probabilityOfDefault()).isEqualTo(0.0);
    assertThat(result.details().calculated().modelVersion()).isEqualTo("m-1");
    assertThatThrownBy(() -> Result.read(tree(result("").replace("364", "3.5"))))
        .hasMessage("details.calculated.score must be a whole number");
  }

  @Test
  void mistypedOrMissingFieldsAreNamedByTheirPath() throws Exception {
    assertThatThrownBy(() -> Result.read(tree(result("").replace("\"CUST-1\"", "5"))))
        .hasMessage("uid must be a string");
    assertThatThrownBy(
            () ->
                Result.read(
                    JSON.readTree(
                        result("").toString().replace("1795330171,\"p", "\"1795330171\",\"p"))))
        .hasMessage("details.scored_at must be a whole number");
    assertThatThrownBy(() -> Result.read(tree(result("").replace("\"HIGH_RISK\"", "null"))))
        .hasMessage("details.calculated.traits[0].risk_band must be a string");
    assertThatThrownBy(() -> Result.read(tree(result("").replace("[\"RESUMED\"]", "\"RESUMED\""))))
        .hasMessage("details.calculated.flags must be an array");
    assertThatThrownBy(() -> Result.read(tree(result(",\"review_required\":1"))))
        .hasMessage("details.calculated.review_required must be true or false");
    assertThatThrownBy(() -> ResultPage.read(JSON.readTree("{\"results\":[7],\"has_more\":true}")))
        .hasMessage("results[0] must be a JSON object");
    assertThatThrownBy(() -> ResultPage.read(JSON.readTree("{\"results\":[],\"has_more\":true}")))
        .hasMessage("next_cursor must be a string");
    assertThatThrownBy(() -> Result.read(JSON.readTree("[]")))
        .hasMessage("the body must be a JSON object");
  }

  private static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json);
  }
}
