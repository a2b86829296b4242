package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.calibration.ModelFitting.Applicant;
import dev.credence.server.calibration.ModelFitting.Options;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelFittingTest {
  private static final Norms NORMS =
      new Norms(
          Map.of(
              "domain.C", new Norms.Norm(50, 15, Norms.DEFAULT),
              "domain.N", new Norms.Norm(50, 15, Norms.DEFAULT),
              "domain.A", new Norms.Norm(50, 15, Norms.DEFAULT)),
          Norms.DEFAULT);
  private static final List<String> FEATURES = List.of("domain.C", "domain.N", "domain.A");
  private static final List<Double> CUTOFFS = List.of(0.05, 0.10, 0.20, 0.35);

  /**
   * Applicants whose log odds of default are -1.5 + 0.8 zN - 0.6 zC (domain.A has no effect): every
   * tenth has a LOW confidence and every twentieth only a dpd30, both left out by default.
   */
  private static List<Applicant> applicants(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Applicant> applicants = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double zc = random.nextGaussian();
      double zn = random.nextGaussian();
      double za = random.nextGaussian();
      double logit = -1.5 + 0.8 * zn - 0.6 * zc;
      boolean bad = random.nextDouble() < 1 / (1 + Math.exp(-logit));
      String outcome = i % 20 == 7 ? "dpd30" : bad ? "default" : "repaid";
      Confidence confidence = i % 10 == 3 ? Confidence.LOW : Confidence.HIGH;
      applicants.add(
          new Applicant(
              "APP-" + i,
              Map.of("domain.C", 50 + 15 * zc, "domain.N", 50 + 15 * zn, "domain.A", 50 + 15 * za),
              confidence,
              List.of(outcome)));
    }
    return applicants;
  }

  @Test
  void theFitRecoversTheWeightsAndReportsBothParts() {
    List<Applicant> applicants = applicants(20_000, 42);
    ModelFitting.Fitted fitted =
        ModelFitting.fit(applicants, Options.DEFAULT, NORMS, FEATURES, CUTOFFS, "lender-2026.1");

    CreditModel model = fitted.model();
    assertThat(model.version()).isEqualTo("lender-2026.1");
    assertThat(model.calibrated()).isTrue();
    assertThat(model.cutoffs()).isEqualTo(CUTOFFS);
    assertThat(model.intercept()).isCloseTo(-1.5, within(0.1));
    assertThat(model.weights().get("domain.N")).isCloseTo(0.8, within(0.1));
    assertThat(model.weights().get("domain.C")).isCloseTo(-0.6, within(0.1));
    assertThat(model.weights().get("domain.A")).isCloseTo(0.0, within(0.1));

    ModelFitting.Report report = fitted.report();
    // Left out: 2,000 LOW (i % 10 == 3) and 1,000 dpd30 (i % 20 == 7), which never overlap.
    assertThat(report.excluded()).isEqualTo(3_000);
    assertThat(report.labelled()).isEqualTo(17_000);
    assertThat(report.fit().n() + report.holdout().n()).isEqualTo(17_000);
    assertThat(report.holdout().n()).isBetween(4_800, 5_400); // about 30 %
    assertThat(report.coefficients())
        .extracting(ModelFitting.Coefficient::feature)
        .containsExactlyElementsOf(FEATURES);
    assertThat(report.coefficients()).allSatisfy(c -> assertThat(c.standardError()).isPositive());
    for (ModelFitting.Part part : List.of(report.fit(), report.holdout())) {
      assertThat(part.gini()).isCloseTo(2 * part.auc() - 1, within(1e-12));
      assertThat(part.auc()).isBetween(0.70, 0.80);
      assertThat(part.brier()).isBetween(0.0, 0.25);
      assertThat(part.calibration()).hasSize(10);
      // Well calibrated: each decile's predicted and observed bad rates within 5 points.
      assertThat(part.calibration())
          .allSatisfy(
              row ->
                  assertThat(row.observedBadRate()).isCloseTo(row.meanPredicted(), within(0.05)));
      assertThat(part.bands().stream().mapToInt(ModelFitting.BandRate::n).sum())
          .isEqualTo(part.n());
      assertThat(part.bands().stream().mapToInt(ModelFitting.BandRate::bads).sum())
          .isEqualTo(part.bads());
    }
    // No over-fitting with 3 features and 12,000 rows: the parts agree.
    assertThat(report.holdout().auc()).isCloseTo(report.fit().auc(), within(0.03));
    // The fitted model scores as the fit predicts: one applicant through CreditModel.score.
    Applicant first = applicants.get(0);
    double zc = (first.features().get("domain.C") - 50) / 15;
    double zn = (first.features().get("domain.N") - 50) / 15;
    double za = (first.features().get("domain.A") - 50) / 15;
    double logit =
        model.intercept()
            + model.weights().get("domain.C") * zc
            + model.weights().get("domain.N") * zn
            + model.weights().get("domain.A") * za;
    assertThat(model.score(first.features(), NORMS).pd())
        .isCloseTo(1 / (1 + Math.exp(-logit)), within(1e-12));
  }

  @Test
  void tooFewLabelledOrTooFewBadsIsRefusedWithTheCounts() {
    List<Applicant> few = new ArrayList<>();
    for (int i = 0; i < 499; i++) {
      few.add(applicant("F-" + i, i < 60 ? "default" : "repaid", Confidence.HIGH));
    }
    assertThatThrownBy(() -> ModelFitting.fit(few, Options.DEFAULT, NORMS, FEATURES, CUTOFFS, "v"))
        .isInstanceOfSatisfying(
            ModelFitting.InsufficientOutcomes.class,
            e -> {
              assertThat(e.labelled()).isEqualTo(499);
              assertThat(e.bads()).isEqualTo(60);
              assertThat(e.getMessage()).contains("at least 500", "at least 50", "499 labelled");
            });
    List<Applicant> fewBads = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      fewBads.add(applicant("B-" + i, i < 49 ? "dpd90" : "repaid", Confidence.MEDIUM));
    }
    assertThatThrownBy(
            () -> ModelFitting.fit(fewBads, Options.DEFAULT, NORMS, FEATURES, CUTOFFS, "v"))
        .isInstanceOfSatisfying(
            ModelFitting.InsufficientOutcomes.class, e -> assertThat(e.bads()).isEqualTo(49));
  }

  @Test
  void theWorstOutcomeIsTheLabelAndTheOptionsChooseWhatCounts() {
    Options dpd60 = new Options(Set.of("dpd60", "dpd90", "default"), Confidence.LOW);
    Object[][] table = {
      // outcomes, confidence, label by default, label with dpd60 bad and LOW included
      {List.of("repaid"), Confidence.HIGH, false, false},
      {List.of("repaid", "dpd90"), Confidence.HIGH, true, true},
      {List.of("dpd30"), Confidence.HIGH, null, null},
      {List.of("dpd60", "repaid"), Confidence.MEDIUM, null, true},
      {List.of("default"), Confidence.LOW, null, true},
      {List.of(), Confidence.HIGH, null, null},
    };
    for (Object[] row : table) {
      @SuppressWarnings("unchecked")
      Applicant a = new Applicant("X", Map.of(), (Confidence) row[1], (List<String>) row[0]);
      assertThat(ModelFitting.label(a, Options.DEFAULT)).as("%s default", row[0]).isEqualTo(row[2]);
      assertThat(ModelFitting.label(a, dpd60)).as("%s dpd60", row[0]).isEqualTo(row[3]);
    }
    assertThatThrownBy(() -> new Options(Set.of("repaid"), Confidence.LOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Options(Set.of("lost"), Confidence.LOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Options(Set.of(), Confidence.LOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Applicant applicant(String uid, String outcome, Confidence confidence) {
    return new Applicant(uid, Map.of("domain.C", 50.0), confidence, List.of(outcome));
  }
}
