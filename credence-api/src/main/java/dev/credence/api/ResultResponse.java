package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One session in the pull API ({@code GET /v1/results/{uid}}, and each item of {@code GET
 * /v1/results}).
 *
 * @param status {@code created}, {@code started}, {@code completed}, {@code cancelled} or {@code
 *     expired}
 * @param details once scored, the same details as the {@code psychometric_score.complete} event;
 *     null (written as null) before
 * @param simulated true for a session made by a Test simulation; null (left out) otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"uid", "integration_id", "status", "details", "simulated"})
public record ResultResponse(
    @JsonProperty("uid") String uid,
    @JsonProperty("integration_id") String integrationId,
    @JsonProperty("status") String status,
    @JsonProperty("details") EventDetails.PsychometricScoreComplete details,
    @JsonProperty("simulated") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean simulated) {

  /** An applicant's session: no {@code simulated}. */
  public ResultResponse(
      String uid,
      String integrationId,
      String status,
      EventDetails.PsychometricScoreComplete details) {
    this(uid, integrationId, status, details, null);
  }
}
