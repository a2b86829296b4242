package dev.credence.server.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.assessment.ItemBank.Length;
import dev.credence.server.scoring.Norms.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormsTest {

  /**
   * Domain norms per form (docs/scoring.md): mean 50 everywhere; SD 15 on the full form, and by
   * Spearman-Brown from alpha .84 over 24 items (r = .84 / 4.68 = 0.179487) SD_k = 15 * sqrt(.84 /
   * alpha_k): alpha_12 = 0.724138, .84 / alpha_12 = 1.16, SD 15 * 1.077033 = 16.1555; alpha_6 =
   * 0.567568, .84 / alpha_6 = 1.48, SD 15 * 1.216553 = 18.2483.
   */
  @Test
  void domainDefaultsPerForm() {
    Object[][] table = {
      // form, items a domain, mean, SD
      {Length.SHORT, 6, 50.0, 18.2483},
      {Length.STANDARD, 12, 50.0, 16.1555},
      {Length.FULL, 24, 50.0, 15.0},
    };
    for (Object[] row : table) {
      Norms norms = Norms.defaults(Norms.DEFAULT_MAX_PUMPS, ((Length) row[0]).items());
      assertThat(((Length) row[0]).items() / 5).isEqualTo(row[1]);
      for (char domain : "NEOAC".toCharArray()) {
        Norm norm = norms.norms().get("domain." + domain);
        assertThat(norm.source()).as("%s", row[0]).isEqualTo(Norms.DEFAULT);
        assertThat(norm.mean()).as("%s", row[0]).isEqualTo((double) row[2]);
        assertThat(norm.sd()).as("%s", row[0]).isCloseTo((double) row[3], within(1e-4));
      }
    }
    // the exact ratios: SD_k^2 / 15^2 = 1.48 (6 items) and 1.16 (12 items)
    assertThat(Math.pow(Norms.domainSd(6) / 15, 2)).isCloseTo(1.48, within(1e-12));
    assertThat(Math.pow(Norms.domainSd(12) / 15, 2)).isCloseTo(1.16, within(1e-12));
    assertThat(Norms.domainSd(24)).isCloseTo(15.0, within(1e-12));
    // the default assessment is the short form
    assertThat(Norms.defaults())
        .isEqualTo(Norms.defaults(Norms.DEFAULT_MAX_PUMPS, Length.SHORT.items()));
  }

  @Test
  void defaultsAreTheDocumentedTable() {
    Norms norms = Norms.defaults(Norms.DEFAULT_MAX_PUMPS, Length.FULL.items());

    assertThat(norms.source()).isEqualTo(Norms.DEFAULT);
    assertThat(norms.norms().get("domain.C")).isEqualTo(new Norm(50, 15, Norms.DEFAULT));
    // 64 / 4 = 16; 64 / (4 * sqrt 3) = 64 / 6.9282 = 9.2376
    Norm pumps = norms.norms().get(TraitScorer.ADJUSTED_PUMPS);
    assertThat(pumps.mean()).isEqualTo(16.0);
    assertThat(pumps.sd()).isCloseTo(9.2376, within(1e-4));
    // 1 / sqrt 12 = 0.288675
    assertThat(norms.norms().get(TraitScorer.DELAYED_SHARE).sd()).isCloseTo(0.288675, within(1e-6));
    assertThat(norms.norms().get(TraitScorer.MEMORY_SPAN))
        .isEqualTo(new Norm(7, 1.5, Norms.DEFAULT));
    // 128 pumps: 32 and 128 / 6.9282 = 18.475
    assertThat(
            Norms.defaults(128, Length.SHORT.items()).norms().get(TraitScorer.ADJUSTED_PUMPS).sd())
        .isCloseTo(18.475, within(1e-3));
  }

  @Test
  void tScoresAndPercentilesFollowTheNormal() {
    Norms norms = Norms.defaults(Norms.DEFAULT_MAX_PUMPS, Length.FULL.items());

    // 50 + 10 * (65 - 50) / 15 = 60; Phi(1) = 0.841345
    assertThat(norms.t("domain.N", 65.0)).isCloseTo(60.0, within(1e-12));
    assertThat(norms.percentile("domain.N", 65.0)).isCloseTo(84.1345, within(1e-3));
    // the mean: T 50, percentile 50
    assertThat(norms.t("domain.N", 50.0)).isEqualTo(50.0);
    assertThat(norms.percentile("domain.N", 50.0)).isCloseTo(50.0, within(1e-6));
    // 42.5 is half an SD below: T 45, Phi(-0.5) = 0.308538
    assertThat(norms.t("domain.N", 42.5)).isCloseTo(45.0, within(1e-12));
    assertThat(norms.percentile("domain.N", 42.5)).isCloseTo(30.8538, within(1e-3));
    // no default for facets, and no value: null
    assertThat(norms.t("facet.N1", 50.0)).isNull();
    assertThat(norms.percentile("domain.N", null)).isNull();
  }

  @Test
  void thePopulationTakesOverAtTwoHundredResults() {
    assertThat(Norms.fromPopulation(population(199)).source()).isEqualTo(Norms.DEFAULT);
    // below the minimum: the default assessment's (short form) domain SD, 18.2483:
    // 50 + 10 * 10 / 18.2483 = 55.480 (it was 56.667 with the full form's SD of 15)
    assertThat(Norms.fromPopulation(population(199)).t("domain.N", 60.0))
        .isCloseTo(55.480, within(1e-3));

    Norms norms = Norms.fromPopulation(population(200));

    assertThat(norms.source()).isEqualTo(Norms.POPULATION);
    // domain.N is 40, 60, 40, ... : mean 50, sample SD sqrt(200 * 10^2 / 199) = 10.02509
    Norm n = norms.norms().get("domain.N");
    assertThat(n.source()).isEqualTo(Norms.POPULATION);
    assertThat(n.mean()).isCloseTo(50.0, within(1e-12));
    assertThat(n.sd()).isCloseTo(10.02509, within(1e-5));
    // T of 60 = 50 + 10 * 10 / 10.02509 = 59.975
    assertThat(norms.t("domain.N", 60.0)).isCloseTo(59.975, within(1e-3));
    // bursts had no default; the population gives one: 1, 3, 1, ... mean 2
    assertThat(norms.norms().get(TraitScorer.BURSTS).mean()).isCloseTo(2.0, within(1e-12));
    // facet.N1 is in only 100 results: not normed. memory_span is in none: keeps its default
    assertThat(norms.t("facet.N1", 50.0)).isNull();
    assertThat(norms.norms().get(TraitScorer.MEMORY_SPAN).source()).isEqualTo(Norms.DEFAULT);
    // domain.E never varies (sd 0): keeps its default
    assertThat(norms.norms().get("domain.E"))
        .isEqualTo(Norms.defaults().norms().get("domain.E"))
        .extracting(Norm::source)
        .isEqualTo(Norms.DEFAULT);
  }

  @Test
  void theMinimumIsSetPerEnvironment() {
    assertThat(Norms.fromPopulation(population(5), 5).source()).isEqualTo(Norms.POPULATION);
    assertThat(Norms.fromPopulation(population(4), 5).source()).isEqualTo(Norms.DEFAULT);
  }

  /**
   * n results: domain.N alternating 40 and 60, domain.E always 70, bursts alternating 1 and 3,
   * facet.N1 only in every other result.
   */
  private static List<Map<String, Double>> population(int n) {
    List<Map<String, Double>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean even = i % 2 == 0;
      results.add(
          even
              ? Map.of(
                  "domain.N", 40.0, "domain.E", 70.0, TraitScorer.BURSTS, 1.0, "facet.N1", 30.0)
              : Map.of("domain.N", 60.0, "domain.E", 70.0, TraitScorer.BURSTS, 3.0));
    }
    return results;
  }

  @Test
  void aShorterFormIsExpectedToBeLessReliableBySpearmanBrown() {
    // r = .84 / (24 - 23 * .84) = 0.17949; alpha_k = k r / (1 + (k - 1) r)
    assertThat(Norms.domainAlpha(24))
        .isCloseTo(0.84, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(Norms.domainAlpha(12))
        .isCloseTo(0.72414, org.assertj.core.api.Assertions.within(1e-5));
    assertThat(Norms.domainAlpha(6))
        .isCloseTo(0.56757, org.assertj.core.api.Assertions.within(1e-5));
  }

  /**
   * One standard error either side of a percentile, read back as percentiles: 50 with the short
   * form's 6.6 T points is T 43.4 to 56.6, the 25th to the 75th percentile; 87 is T 61.3, so T 54.7
   * to 67.9, the 68th to the 96th.
   */
  @Test
  void percentileRangeOneStandardErrorEitherSide() {
    Object[][] table = {
      // percentile, standard error (T points), low, high
      {50, 6.6, 25, 75},
      {87, 6.6, 68, 96},
      {25, 4.0, 14, 39},
      {0, 6.6, 0, 0},
      {100, 6.6, 100, 100},
      {40, 0.0, 40, 40},
    };
    for (Object[] row : table) {
      assertThat(Norms.percentileRange((int) row[0], (double) row[1]))
          .as("percentile %s, SE %s", row[0], row[1])
          .containsExactly((int) row[2], (int) row[3]);
    }
  }
}
