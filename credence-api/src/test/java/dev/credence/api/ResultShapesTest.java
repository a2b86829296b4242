package dev.credence.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The result shapes against the examples in docs/scoring.md and docs/webhooks.md. */
class ResultShapesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TRAITS =
      "[{\"key\":\"domain.C\",\"value\":87,\"risk_band\":\"LOW_RISK\"},{\"key\":\"domain.A\","
          + "\"value\":75,\"risk_band\":\"HIGH_RISK\"}]";

  private static final String CALCULATED_WITH_EVIDENCE =
      "{\"score\":330,\"risk_band\":\"B\",\"score_confidence\":\"HIGH\",\"traits\":"
          + TRAITS
          + ",\"flags\":[\"RESUMED\"],\"probability_of_default\":0.0532,\"review_required\":false,"
          + "\"model\":{\"version\":\"default-2026.1\",\"calibrated\":false,\"norms\":\"DEFAULT\","
          + "\"form\":\"short\"},\"missing\":[],\"evidence\":{\"language\":\"en\",\"item_bank\":"
          + "\"@bigfive-org/questions@1.3.3\",\"trust\":{\"long_string\":3,\"fast_pages\":0,"
          + "\"consistency_pairs\":45,\"inconsistent_pairs\":4},\"standard_errors\":{\"domain.N\":"
          + "6.6,\"domain.E\":6.6,\"domain.O\":6.6,\"domain.A\":6.6,\"domain.C\":6.6},\"norms\":"
          + "{\"source\":\"DEFAULT\"}}}";

  private static final String PAGE =
      "{\"results\":[{\"uid\":\"APP-2026-000104\",\"integration_id\":\"94c714da5908ad9031709389\","
          + "\"status\":\"completed\",\"details\":{\"application_started_at\":1795329983,"
          + "\"application_completed_at\":1795334014,\"scored_at\":1795334014,\"platform\":\"WEB\","
          + "\"calculated\":{\"score\":347,\"risk_band\":\"B\",\"score_confidence\":\"HIGH\","
          + "\"traits\":[{\"key\":\"domain.C\",\"value\":13,\"risk_band\":\"HIGH_RISK\"},"
          + "{\"key\":\"domain.A\",\"value\":61,\"risk_band\":\"AVERAGE\"},{\"key\":\"domain.N\","
          + "\"value\":1,\"risk_band\":\"LOW_RISK\"},{\"key\":\"choices.delayed_share\",\"value\":58,"
          + "\"risk_band\":\"AVERAGE\"},{\"key\":\"balloons.adjusted_pumps\",\"value\":46,"
          + "\"risk_band\":\"AVERAGE\"},{\"key\":\"memory_span\",\"value\":9,\"risk_band\":"
          + "\"HIGH_RISK\"}],\"flags\":[\"RESUMED\"],\"probability_of_default\":0.0925,"
          + "\"review_required\":false,\"model\":{\"version\":\"default-2026.1\",\"calibrated\":"
          + "false,\"norms\":\"DEFAULT\",\"form\":\"short\"},\"missing\":[]}}}],\"next_cursor\":"
          + "\"MTc5NTMzNDAxNC4xODA0MjAwMDA6ZTkwOGNlOTZlMGFhODM3NjhiNWQ2MWY3\",\"has_more\":false}";

  @Test
  void aResultWithItsEvidenceRoundTripsByteForByte() throws Exception {
    Calculated calculated = JSON.readValue(CALCULATED_WITH_EVIDENCE, Calculated.class);
    assertThat(JSON.writeValueAsString(calculated)).isEqualTo(CALCULATED_WITH_EVIDENCE);
    assertThat(calculated.evidence().trust()).isEqualTo(new Evidence.Trust(3, 0, 45, 4));
    assertThat(calculated.evidence().standardErrors().keySet())
        .containsExactly("domain.N", "domain.E", "domain.O", "domain.A", "domain.C");
  }

  @Test
  void aPageOfThePullApiRoundTripsByteForByte() throws Exception {
    ResultPageResponse page = JSON.readValue(PAGE, ResultPageResponse.class);
    assertThat(JSON.writeValueAsString(page)).isEqualTo(PAGE);
    assertThat(page.hasMore()).isFalse();
    assertThat(page.results().get(0).details().calculated().score()).isEqualTo(347);
  }

  @Test
  void anUnscoredResultWritesNullDetails() throws Exception {
    String open =
        "{\"uid\":\"CUST-1\",\"integration_id\":\"abc\",\"status\":\"started\",\"details\":null}";
    ResultResponse result = JSON.readValue(open, ResultResponse.class);
    assertThat(result).isEqualTo(new ResultResponse("CUST-1", "abc", "started", null));
    assertThat(JSON.writeValueAsString(result)).isEqualTo(open);
  }

  @Test
  void theServersNullsAreWrittenAndItsAbsentNormsPartsLeftOut() throws Exception {
    Calculated calculated =
        new Calculated(
            512,
            "C",
            "LOW",
            List.of(),
            List.of("FAST_PAGES"),
            0.0,
            true,
            new Calculated.Model("m-1", true, "POPULATION", null),
            List.of("memory_span"),
            new Evidence(
                null,
                "bank@1",
                new Evidence.Trust(0, 2, 0, null),
                java.util.Map.of(),
                new Evidence.Norms("MODEL", null, null, null, "m-1")));
    assertThat(JSON.writeValueAsString(calculated))
        .isEqualTo(
            "{\"score\":512,\"risk_band\":\"C\",\"score_confidence\":\"LOW\",\"traits\":[],"
                + "\"flags\":[\"FAST_PAGES\"],\"probability_of_default\":0.0,"
                + "\"review_required\":true,\"model\":{\"version\":\"m-1\",\"calibrated\":true,"
                + "\"norms\":\"POPULATION\",\"form\":null},\"missing\":[\"memory_span\"],"
                + "\"evidence\":{\"language\":null,\"item_bank\":\"bank@1\",\"trust\":"
                + "{\"long_string\":0,\"fast_pages\":2,\"consistency_pairs\":0,"
                + "\"inconsistent_pairs\":null},\"standard_errors\":{},\"norms\":"
                + "{\"source\":\"MODEL\",\"frozen_with_model\":\"m-1\"}}}");
  }

  @Test
  void aResultScoredBeforeTheAdditionsReadsThemAsNull() throws Exception {
    Calculated old =
        JSON.readValue(
            "{\"score\":300,\"risk_band\":\"A\",\"score_confidence\":\"HIGH\",\"traits\":[],"
                + "\"flags\":[]}",
            Calculated.class);
    assertThat(old.probabilityOfDefault()).isNull();
    assertThat(old.model()).isNull();
    assertThat(old.missing()).isNull();
    assertThat(old.evidence()).isNull();
  }
}
