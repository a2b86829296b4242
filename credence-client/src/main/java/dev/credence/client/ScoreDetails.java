package dev.credence.client;

import dev.credence.api.EventDetails;
import java.time.Instant;
import java.util.ArrayList;
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

  /** The details as read into their wire record, with {@code path} naming them in errors. */
  static ScoreDetails read(EventDetails.PsychometricScoreComplete details, String path) {
    String at = path + ".calculated";
    dev.credence.api.Calculated calculated = Wire.object(details.calculated(), at);
    List<dev.credence.api.Calculated.Trait> traits =
        Wire.objects(calculated.traits(), at + ".traits");
    List<Trait> read = new ArrayList<>();
    for (int i = 0; i < traits.size(); i++) {
      dev.credence.api.Calculated.Trait t = traits.get(i);
      String trait = at + ".traits[" + i + "]";
      read.add(
          new Trait(
              Wire.text(t.key(), trait + ".key"),
              (int) Wire.integer(t.value(), trait + ".value"),
              Wire.text(t.riskBand(), trait + ".risk_band")));
    }
    return new ScoreDetails(
        Wire.optionalTime(details.applicationStartedAt()),
        Wire.time(details.applicationCompletedAt(), path + ".application_completed_at"),
        Wire.time(details.scoredAt(), path + ".scored_at"),
        Wire.text(details.platform(), path + ".platform"),
        new Calculated(
            (int) Wire.integer(calculated.score(), at + ".score"),
            Wire.text(calculated.riskBand(), at + ".risk_band"),
            Wire.text(calculated.scoreConfidence(), at + ".score_confidence"),
            List.copyOf(read),
            Wire.strings(calculated.flags(), at + ".flags"),
            calculated.probabilityOfDefault(),
            calculated.reviewRequired(),
            calculated.model() == null ? null : calculated.model().version(),
            calculated.missing() == null
                ? List.of()
                : Wire.strings(calculated.missing(), at + ".missing")));
  }
}
