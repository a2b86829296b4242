package dev.credence.client;

import java.time.Instant;
import java.util.List;

/**
 * A result: the {@code details} of a {@code psychometric_score.complete} event, which the pull API
 * returns too. The score is relative, from 100 to 900, and a lower score means less risk.
 *
 * @param startedAt when the applicant consented
 * @param completedAt when the applicant finished
 * @param scoredAt when the answers were scored
 * @param platform {@code WEB}
 * @param calculated the score, its band and confidence, the traits and the trust flags
 */
public record ScoreDetails(
    Instant startedAt,
    Instant completedAt,
    Instant scoredAt,
    String platform,
    Calculated calculated) {

  /**
   * {@code details.calculated}. {@code probabilityOfDefault}, {@code reviewRequired}, {@code
   * modelVersion} and {@code missing} are Credence's additions: null (or empty) from a server, or
   * for a result, that does not have them.
   *
   * @param probabilityOfDefault the model's probability (0 to 1) of the bad outcome; a measured
   *     default rate only when the model is calibrated on the lender's own outcomes
   */
  public record Calculated(
      int score,
      String riskBand,
      String scoreConfidence,
      List<Trait> traits,
      List<String> flags,
      Double probabilityOfDefault,
      Boolean reviewRequired,
      String modelVersion,
      List<String> missing) {}

  /** One measured trait, such as {@code domain.C}, with its value from 0 to 100 and its band. */
  public record Trait(String key, int value, String riskBand) {}

  static ScoreDetails read(Fields details) {
    Fields calculated = details.object("calculated");
    return new ScoreDetails(
        details.optionalTime("application_started_at"),
        details.time("application_completed_at"),
        details.time("scored_at"),
        details.text("platform"),
        new Calculated(
            (int) calculated.integer("score"),
            calculated.text("risk_band"),
            calculated.text("score_confidence"),
            calculated.objects("traits").stream()
                .map(t -> new Trait(t.text("key"), (int) t.integer("value"), t.text("risk_band")))
                .toList(),
            calculated.strings("flags"),
            calculated.isNull("probability_of_default")
                ? null
                : calculated.number("probability_of_default"),
            calculated.isNull("review_required") ? null : calculated.bool("review_required"),
            calculated.isNull("model") ? null : calculated.object("model").optionalText("version"),
            calculated.isNull("missing") ? List.of() : calculated.strings("missing")));
  }
}
