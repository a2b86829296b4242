package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.ResultResponse;

/**
 * A uid's session as the pull API reports it.
 *
 * @param status {@code created} (not opened, or consent not given), {@code started}, {@code
 *     completed}, {@code cancelled} or {@code expired}
 * @param details the result once the session is completed and scored; null before
 * @param simulated made by a Test simulation ({@link CredenceClient#simulateSession}), not by an
 *     applicant
 */
public record Result(
    String uid, String integrationId, String status, ScoreDetails details, boolean simulated) {

  /** An applicant's session (not simulated). */
  public Result(String uid, String integrationId, String status, ScoreDetails details) {
    this(uid, integrationId, status, details, false);
  }

  public boolean isCompleted() {
    return "completed".equals(status);
  }

  static Result read(JsonNode body) {
    return read(Wire.read(body, ResultResponse.class, ""), "");
  }

  /** A result read into its wire record, with {@code path} naming it in errors. */
  static Result read(ResultResponse result, String path) {
    String at = path.isEmpty() ? "" : path + ".";
    return new Result(
        Wire.text(result.uid(), at + "uid"),
        Wire.text(result.integrationId(), at + "integration_id"),
        Wire.text(result.status(), at + "status"),
        result.details() == null ? null : ScoreDetails.read(result.details(), at + "details"),
        Boolean.TRUE.equals(result.simulated()));
  }
}
