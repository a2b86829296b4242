package dev.credence.server.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.assessment.ItemBank.Length;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditModelTest {

  private static final CreditModel MODEL = CreditModel.DEFAULT;
  // The full form's norms (domain SD 15), which the arithmetic in the comments below uses.
  private static final Norms NORMS = Norms.defaults(Norms.DEFAULT_MAX_PUMPS, Length.FULL.items());

  /** Every default-model feature at its default-norm mean (T = 50, z = 0). */
  private static Map<String, Double> average() {
    Map<String, Double> features = new HashMap<>();
    features.put("domain.C", 50.0);
    features.put("domain.A", 50.0);
    features.put("domain.N", 50.0);
    features.put(TraitScorer.DELAYED_SHARE, 0.5);
    features.put(TraitScorer.ADJUSTED_PUMPS, 16.0); // 64 / 4
    features.put(TraitScorer.MEMORY_SPAN, 7.0);
    return features;
  }

  @Test
  void anAverageApplicantGetsTheBaseRate() {
    ModelResult result = MODEL.score(average(), NORMS);

    // intercept = ln(0.1 / 0.9) = -2.19722, every z = 0, so PD = 0.1 exactly.
    assertThat(result.pd()).isCloseTo(0.10, within(1e-12));
    // 300 + (20 / ln 2) * (ln(1/9) - ln(1/50)) = 300 + 28.8539 * 1.71480 = 349.48 -> 349
    assertThat(result.score()).isEqualTo(349);
    assertThat(result.riskBand()).isEqualTo("C"); // 0.10 is on the B/C cut-off: the higher band
    assertThat(result.missing()).isEmpty();
    assertThat(result.traits()).hasSize(6);
    assertThat(result.traits())
        .allSatisfy(
            trait -> {
              assertThat(trait.value()).isEqualTo(50);
              assertThat(trait.riskBand()).isEqualTo(CreditModel.AVERAGE);
            });
  }

  @Test
  void oneStandardDeviationOfConscientiousnessShiftsTheLogitByItsWeight() {
    Map<String, Double> features = average();
    features.put("domain.C", 65.0); // mean 50, SD 15: T = 60, z = +1

    ModelResult result = MODEL.score(features, NORMS);

    // logit = -2.197225 - 0.40 = -2.597225; PD = 1 / (1 + 9 e^0.4) = 1 / (1 + 13.426422)
    //       = 1 / 14.426422 = 0.0693173
    assertThat(Math.log(result.pd() / (1 - result.pd())))
        .isCloseTo(Math.log(1.0 / 9) - 0.40, within(1e-12));
    assertThat(result.pd()).isCloseTo(0.0693173, within(1e-7));
    // 300 + 28.8539 * (-2.597225 + 3.912023) = 300 + 28.8539 * 1.314798 = 337.94 -> 338
    assertThat(result.score()).isEqualTo(338);
    assertThat(result.riskBand()).isEqualTo("B");
    ModelResult.Trait c = trait(result, "domain.C");
    assertThat(c.value()).isEqualTo(84); // Phi(1) = 0.8413
    assertThat(c.riskBand()).isEqualTo(CreditModel.LOW_RISK); // w = -0.4, z = +1
  }

  @Test
  void traitBandsFollowTheDirectionOfTheWeight() {
    Map<String, Double> features = average();
    features.put(TraitScorer.ADJUSTED_PUMPS, 16 + 64 / (4 * Math.sqrt(3))); // z = +1, w = +0.15
    features.put("domain.C", 35.0); // z = -1, w = -0.40
    features.put(TraitScorer.DELAYED_SHARE, 0.5 + 0.49 / Math.sqrt(12)); // z = 0.49: average
    features.put(TraitScorer.MEMORY_SPAN, 7 - 0.75); // z = -0.5 exactly: not average, w = -0.1

    ModelResult result = MODEL.score(features, NORMS);

    assertThat(trait(result, TraitScorer.ADJUSTED_PUMPS).riskBand())
        .isEqualTo(CreditModel.HIGH_RISK);
    assertThat(trait(result, "domain.C").riskBand()).isEqualTo(CreditModel.HIGH_RISK);
    assertThat(trait(result, "domain.C").value()).isEqualTo(16); // Phi(-1) = 0.1587
    assertThat(trait(result, TraitScorer.DELAYED_SHARE).riskBand()).isEqualTo(CreditModel.AVERAGE);
    assertThat(trait(result, TraitScorer.MEMORY_SPAN).riskBand()).isEqualTo(CreditModel.HIGH_RISK);
    assertThat(trait(result, "domain.N").riskBand()).isEqualTo(CreditModel.AVERAGE);
  }

  @Test
  void traitBandRule() {
    assertThat(CreditModel.traitBand(-0.4, 1)).isEqualTo(CreditModel.LOW_RISK);
    assertThat(CreditModel.traitBand(-0.4, -1)).isEqualTo(CreditModel.HIGH_RISK);
    assertThat(CreditModel.traitBand(0.15, 0.5)).isEqualTo(CreditModel.HIGH_RISK);
    assertThat(CreditModel.traitBand(0.15, -0.5)).isEqualTo(CreditModel.LOW_RISK);
    assertThat(CreditModel.traitBand(0.15, 0.4999)).isEqualTo(CreditModel.AVERAGE);
    assertThat(CreditModel.traitBand(0.15, -0.4999)).isEqualTo(CreditModel.AVERAGE);
    assertThat(CreditModel.traitBand(0, 3)).isEqualTo(CreditModel.AVERAGE);
  }

  @Test
  void missingFeaturesCountAsTheMeanAndAreListed() {
    Map<String, Double> features = average();
    features.remove("domain.A");
    features.remove(TraitScorer.MEMORY_SPAN);

    ModelResult result = MODEL.score(features, NORMS);

    assertThat(result.pd()).isCloseTo(0.10, within(1e-12));
    assertThat(result.missing()).containsExactly("domain.A", TraitScorer.MEMORY_SPAN);
    assertThat(result.traits())
        .extracting(ModelResult.Trait::key)
        .doesNotContain("domain.A", TraitScorer.MEMORY_SPAN)
        .hasSize(4);
  }

  @Test
  void featuresWithoutANormAreMissingToo() {
    Norms empty = new Norms(Map.of(), Norms.POPULATION);
    Map<String, Double> features = average();
    features.put("domain.C", 95.0);

    ModelResult result = MODEL.score(features, empty);

    assertThat(result.pd()).isCloseTo(0.10, within(1e-12));
    assertThat(result.missing()).hasSize(6);
    assertThat(result.traits()).isEmpty();
    assertThat(result.normsSource()).isEqualTo(Norms.POPULATION);
  }

  @Test
  void everyResultNamesTheModelAndTheDefaultIsUncalibrated() {
    ModelResult result = MODEL.score(Map.of(), NORMS);

    assertThat(result.modelVersion()).isEqualTo("default-2026.1");
    assertThat(result.calibrated()).isFalse();
    assertThat(result.normsSource()).isEqualTo(Norms.DEFAULT);
    assertThat(CreditModel.DEFAULT.calibrated()).isFalse();

    CreditModel lender =
        new CreditModel("lender-7", true, -3, Map.of("domain.C", -0.2), List.of(0.5));
    ModelResult own = lender.score(Map.of("domain.C", 50.0), NORMS);
    assertThat(own.modelVersion()).isEqualTo("lender-7");
    assertThat(own.calibrated()).isTrue();
  }

  @Test
  void defaultWeightsAreModestAndFollowTheEvidence() {
    Map<String, Double> w = CreditModel.DEFAULT.weights();
    assertThat(w.values()).allSatisfy(x -> assertThat(Math.abs(x)).isLessThanOrEqualTo(0.5));
    assertThat(w.get("domain.C")).isNegative();
    assertThat(w.get("domain.A")).isPositive();
    assertThat(w.get("domain.N")).isPositive();
    assertThat(w.get(TraitScorer.DELAYED_SHARE)).isNegative();
    assertThat(w.get(TraitScorer.ADJUSTED_PUMPS)).isPositive();
    assertThat(w.get(TraitScorer.MEMORY_SPAN)).isNegative();
    assertThat(CreditModel.DEFAULT.intercept()).isCloseTo(-2.1972245773, within(1e-9));
    assertThat(CreditModel.DEFAULT.cutoffs()).containsExactly(0.05, 0.10, 0.20, 0.35);
  }

  @Test
  void bandsAtTheCutOffEdges() {
    assertThat(MODEL.bandOf(0)).isEqualTo("A");
    assertThat(MODEL.bandOf(0.0499999)).isEqualTo("A");
    assertThat(MODEL.bandOf(0.05)).isEqualTo("B");
    assertThat(MODEL.bandOf(0.0999999)).isEqualTo("B");
    assertThat(MODEL.bandOf(0.10)).isEqualTo("C");
    assertThat(MODEL.bandOf(0.1999999)).isEqualTo("C");
    assertThat(MODEL.bandOf(0.20)).isEqualTo("D");
    assertThat(MODEL.bandOf(0.3499999)).isEqualTo("D");
    assertThat(MODEL.bandOf(0.35)).isEqualTo("E");
    assertThat(MODEL.bandOf(1)).isEqualTo("E");
  }

  @Test
  void jsonRoundTrip() {
    String json = MODEL.toJson();

    assertThat(json).contains("\"version\":\"default-2026.1\"", "\"calibrated\":false");
    CreditModel back = CreditModel.fromJson(json);
    assertThat(back).isEqualTo(MODEL);
    assertThat(back.weights().keySet()).containsExactlyElementsOf(MODEL.weights().keySet());
  }

  @Test
  void invalidModelsAreRefused() {
    Map<String, Double> ok = Map.of("domain.C", -0.4);
    List<Double> cuts = List.of(0.1, 0.2);
    assertThatThrownBy(() -> new CreditModel("v", false, 0, Map.of("domain.X", 0.1), cuts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown feature");
    assertThatThrownBy(() -> new CreditModel("v", false, 0, Map.of("domain.C", Double.NaN), cuts))
        .isInstanceOf(IllegalArgumentException.class);
    Map<String, Double> infinite = new LinkedHashMap<>();
    infinite.put("domain.C", Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> new CreditModel("v", false, 0, infinite, cuts))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CreditModel("v", false, Double.NaN, ok, cuts))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CreditModel(" ", false, 0, ok, cuts))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CreditModel("v", false, 0, ok, List.of(0.2, 0.1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascend");
    assertThatThrownBy(() -> new CreditModel("v", false, 0, ok, List.of(0.1, 0.1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CreditModel("v", false, 0, ok, List.of(0.5, 1.0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CreditModel("v", false, 0, ok, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidJsonIsRefused() {
    String unknown = MODEL.toJson().replace("\"domain.C\"", "\"domain.Z\"");
    assertThatThrownBy(() -> CreditModel.fromJson(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown feature");
    String descending = MODEL.toJson().replace("[0.05,0.1,0.2,0.35]", "[0.35,0.2]");
    assertThat(descending).isNotEqualTo(MODEL.toJson());
    assertThatThrownBy(() -> CreditModel.fromJson(descending))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CreditModel.fromJson("{not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scriptedTraitsScoreInEveryBandOfTheModelAtTheBandsMiddle() {
    CreditModel model = CreditModel.DEFAULT;
    for (String band : model.bands()) {
      Map<String, Double> features = model.featuresFor(band, NORMS).orElseThrow();
      ModelResult result = model.score(features, NORMS);
      assertThat(result.riskBand()).as(band).isEqualTo(band);
      assertThat(result.missing()).isEmpty();
    }
    // D lies between the cut-offs 20% and 35%: its middle on the log-odds scale.
    double logit = Math.log(0.2 / 0.8) / 2 + Math.log(0.35 / 0.65) / 2;
    assertThat(model.score(model.featuresFor("D", NORMS).orElseThrow(), NORMS).pd())
        .isCloseTo(1 / (1 + Math.exp(-logit)), within(1e-9));
    // No band: the mean of every trait, the model's base rate.
    assertThat(model.score(model.featuresFor(null, NORMS).orElseThrow(), NORMS).pd())
        .isCloseTo(CreditModel.DEFAULT_BASE_RATE, within(1e-9));
  }

  @Test
  void aBandTheTraitsCannotReachIsEmpty() {
    CreditModel flat =
        new CreditModel("flat", false, -2.2, Map.of("domain.C", 0.0), List.of(0.05, 0.5));
    assertThat(flat.bands()).containsExactly("A", "B", "C");
    assertThat(flat.featuresFor("B", NORMS)).isPresent();
    assertThat(flat.featuresFor("A", NORMS)).isEmpty();
    CreditModel weak =
        new CreditModel("weak", false, -2.2, Map.of("domain.C", -0.1), List.of(0.05, 0.5));
    assertThat(weak.featuresFor("C", NORMS)).isEmpty(); // 3 SD of a small weight is not enough
  }

  private static ModelResult.Trait trait(ModelResult result, String key) {
    return result.traits().stream().filter(t -> t.key().equals(key)).findFirst().orElseThrow();
  }
}
