package dev.credence.server.scoring;

import java.util.List;

/**
 * What a {@link CreditModel} made of one applicant's traits. Every result names the model version
 * that made it and whether that model is calibrated on a lender's own outcomes; results of an
 * uncalibrated model (such as {@link CreditModel#DEFAULT}) are relative rankings, not measured
 * default rates.
 *
 * @param pd the modelled probability of default, 0 to 1
 * @param score the integer risk score, {@link CreditModel#MIN_SCORE} to {@link
 *     CreditModel#MAX_SCORE}; lower means less risk (scaling in {@link CreditModel#scoreOf})
 * @param riskBand the band of {@code pd} by the model's cut-offs, "A" (least risk) upwards
 * @param traits one entry per model feature that was measured and normed, in the model's order
 * @param modelVersion the {@link CreditModel#version} that made this result
 * @param calibrated the model's {@link CreditModel#calibrated}
 * @param normsSource the {@link Norms#source} the features were standardised against
 * @param missing model features with no value or no norm, scored as the mean (z = 0)
 */
public record ModelResult(
    double pd,
    int score,
    String riskBand,
    List<Trait> traits,
    String modelVersion,
    boolean calibrated,
    String normsSource,
    List<String> missing) {

  public ModelResult {
    traits = List.copyOf(traits);
    missing = List.copyOf(missing);
  }

  /**
   * One trait as shown to the lender.
   *
   * @param key the trait key ({@link TraitScorer.Traits#toMap} keys)
   * @param value the percentile 0 to 100 (rounded) of the trait under the norms: a population rank,
   *     not a risk; the direction lives in {@code riskBand}
   * @param riskBand {@link CreditModel#LOW_RISK}, {@link CreditModel#AVERAGE} or {@link
   *     CreditModel#HIGH_RISK} (rule in {@link CreditModel#traitBand})
   */
  public record Trait(String key, int value, String riskBand) {}
}
