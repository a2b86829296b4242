package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"uid", "integration_id", "status", "details"})
public record ResultResponse(
    @JsonProperty("uid") String uid,
    @JsonProperty("integration_id") String integrationId,
    @JsonProperty("status") String status,
    @JsonProperty("details") EventDetails.PsychometricScoreComplete details) {}
