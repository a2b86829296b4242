package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code details.calculated} of a result: the vendor's {@code score}, {@code risk_band}, {@code
 * score_confidence}, {@code traits} and {@code flags}, then Credence's additions. Results scored
 * before an addition existed do not have it, so a reader finds it null; the server writes every
 * field, {@code evidence} included, and {@code model.form} as null without a questionnaire.
 *
 * @param probabilityOfDefault the model's probability (0 to 1) of the bad outcome, to four places
 * @param missing model features with no value or no norm, scored as the mean
 * @param evidence what the result rests on beyond its model; left out when null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "score",
  "risk_band",
  "score_confidence",
  "traits",
  "flags",
  "probability_of_default",
  "review_required",
  "model",
  "missing",
  "evidence"
})
public record Calculated(
    @JsonProperty("score") Integer score,
    @JsonProperty("risk_band") String riskBand,
    @JsonProperty("score_confidence") String scoreConfidence,
    @JsonProperty("traits") List<Trait> traits,
    @JsonProperty("flags") List<String> flags,
    @JsonProperty("probability_of_default") Double probabilityOfDefault,
    @JsonProperty("review_required") Boolean reviewRequired,
    @JsonProperty("model") Model model,
    @JsonProperty("missing") List<String> missing,
    @JsonProperty("evidence") @JsonInclude(JsonInclude.Include.NON_NULL) Evidence evidence) {

  public Calculated {
    traits = Copies.list(traits);
    flags = Copies.list(flags);
    missing = Copies.list(missing);
  }

  /** One measured trait: its key (such as {@code domain.C}), percentile 0 to 100, and band. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"key", "value", "risk_band"})
  public record Trait(
      @JsonProperty("key") String key,
      @JsonProperty("value") Integer value,
      @JsonProperty("risk_band") String riskBand) {}

  /**
   * The model that made the result: its version, whether it is calibrated on the lender's own
   * outcomes, the norms it standardised against, and the questionnaire's form (null without one).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"version", "calibrated", "norms", "form"})
  public record Model(
      @JsonProperty("version") String version,
      @JsonProperty("calibrated") Boolean calibrated,
      @JsonProperty("norms") String norms,
      @JsonProperty("form") String form) {}
}
