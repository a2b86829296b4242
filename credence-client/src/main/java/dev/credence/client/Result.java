package dev.credence.client;

/**
 * A uid's session as the pull API reports it.
 *
 * @param status {@code created} (not opened, or consent not given), {@code started}, {@code
 *     completed}, {@code cancelled} or {@code expired}
 * @param details the result once the session is completed and scored; null before
 */
public record Result(String uid, String integrationId, String status, ScoreDetails details) {

  public boolean isCompleted() {
    return "completed".equals(status);
  }

  static Result read(Fields result) {
    return new Result(
        result.text("uid"),
        result.text("integration_id"),
        result.text("status"),
        result.isNull("details") ? null : ScoreDetails.read(result.object("details")));
  }
}
