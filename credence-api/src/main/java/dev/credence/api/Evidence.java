package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code calculated.evidence}: the language the applicant answered in, the item bank's version, the
 * raw trust indicators behind the flags, each questionnaire domain's standard error of measurement
 * (by feature key, such as {@code domain.C}, in the order written) and the norms the traits were
 * standardised against.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"language", "item_bank", "trust", "standard_errors", "norms"})
public record Evidence(
    @JsonProperty("language") String language,
    @JsonProperty("item_bank") String itemBank,
    @JsonProperty("trust") Trust trust,
    @JsonProperty("standard_errors") Map<String, Double> standardErrors,
    @JsonProperty("norms") Norms norms) {

  public Evidence {
    // A copy that keeps the order: the wire lists the domains as they were written.
    standardErrors =
        standardErrors == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
  }

  /**
   * The trust indicators: {@code inconsistent_pairs} is null (and written as null) when no
   * consistency pair was answered.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"long_string", "fast_pages", "consistency_pairs", "inconsistent_pairs"})
  public record Trust(
      @JsonProperty("long_string") Integer longString,
      @JsonProperty("fast_pages") Integer fastPages,
      @JsonProperty("consistency_pairs") Integer consistencyPairs,
      @JsonProperty("inconsistent_pairs") Integer inconsistentPairs) {}

  /**
   * The norms: their {@code source}; for the environment's own population how many results they
   * were built from ({@code n}), when ({@code built_at}) and, when built from one language alone,
   * which; for a registry model, the model they were frozen with. Absent parts are left out.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"source", "n", "built_at", "language", "frozen_with_model"})
  public record Norms(
      @JsonProperty("source") String source,
      @JsonProperty("n") Integer n,
      @JsonProperty("built_at") Long builtAt,
      @JsonProperty("language") String language,
      @JsonProperty("frozen_with_model") String frozenWithModel) {}
}
