package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.calibration.LogisticRegression.Fit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The penalised Newton fit of {@link LogisticRegression}. */
class LogisticRegressionTest {

  private static final double INTERCEPT = -1.5;
  private static final double[] COEFFICIENTS = {0.8, -0.5, 0.3};

  /** Standard-normal features and outcomes drawn from the true model. */
  private record Sample(double[][] features, boolean[] bad) {}

  private static Sample sample(SplittableRandom random, int n) {
    double[][] features = new double[n][COEFFICIENTS.length];
    boolean[] bad = new boolean[n];
    for (int i = 0; i < n; i++) {
      double eta = INTERCEPT;
      for (int j = 0; j < COEFFICIENTS.length; j++) {
        features[i][j] = random.nextGaussian();
        eta += COEFFICIENTS[j] * features[i][j];
      }
      bad[i] = random.nextDouble() < 1 / (1 + Math.exp(-eta));
    }
    return new Sample(features, bad);
  }

  @Test
  void recoversKnownCoefficientsFromTwentyThousandRows() {
    Sample sample = sample(new SplittableRandom(20_261_207L), 20_000);

    Fit fit = LogisticRegression.fit(sample.features(), sample.bad());

    assertThat(fit.converged()).isTrue();
    assertThat(fit.iterations()).isBetween(2, 15);
    assertThat(fit.lambda()).isEqualTo(LogisticRegression.DEFAULT_LAMBDA);
    assertThat(fit.intercept()).isCloseTo(INTERCEPT, within(0.05));
    assertThat(fit.coefficients()).hasSize(3);
    for (int j = 0; j < COEFFICIENTS.length; j++) {
      assertThat(fit.coefficients()[j]).isCloseTo(COEFFICIENTS[j], within(0.05));
      // about 1 / sqrt(n * p(1 - p)) with p near 0.2: 1 / sqrt(20,000 * 0.16) = 0.018
      assertThat(fit.standardErrors()[j]).isBetween(0.01, 0.03);
    }
    assertThat(fit.interceptStandardError()).isBetween(0.01, 0.03);
  }

  @Test
  void standardErrorsMatchTheSpreadOfRepeatedFits() {
    // 200 fits on fresh samples of 2,000: the standard deviation of each estimate across fits
    // against the mean standard error the fits report. With 200 fits the spread is itself known
    // to about 5%, so 20% is a wide margin.
    SplittableRandom random = new SplittableRandom(42);
    int fits = 200;
    double[][] estimates = new double[fits][];
    double[] meanSe = new double[COEFFICIENTS.length + 1];
    for (int f = 0; f < fits; f++) {
      Sample sample = sample(random, 2_000);
      Fit fit = LogisticRegression.fit(sample.features(), sample.bad());
      double[] coefficients = fit.coefficients();
      double[] se = fit.standardErrors();
      estimates[f] =
          new double[] {fit.intercept(), coefficients[0], coefficients[1], coefficients[2]};
      meanSe[0] += fit.interceptStandardError() / fits;
      for (int j = 0; j < se.length; j++) {
        meanSe[j + 1] += se[j] / fits;
      }
    }
    for (int j = 0; j < meanSe.length; j++) {
      double mean = 0;
      for (double[] e : estimates) {
        mean += e[j] / fits;
      }
      double squares = 0;
      for (double[] e : estimates) {
        squares += (e[j] - mean) * (e[j] - mean);
      }
      double spread = Math.sqrt(squares / (fits - 1));
      assertThat(meanSe[j]).as("parameter %d", j).isCloseTo(spread, within(0.2 * spread));
    }
  }

  @Test
  void predictionsFollowTheLogisticFormula() {
    Sample sample = sample(new SplittableRandom(3), 1_000);
    Fit fit = LogisticRegression.fit(sample.features(), sample.bad());
    double[] row = {1.0, -2.0, 0.5};
    double[] c = fit.coefficients();
    double eta = fit.intercept() + c[0] * 1.0 + c[1] * -2.0 + c[2] * 0.5;

    assertThat(fit.probability(row)).isCloseTo(1 / (1 + Math.exp(-eta)), within(1e-12));
    assertThat(fit.probabilities(new double[][] {row, {0, 0, 0}}))
        .containsExactly(
            new double[] {fit.probability(row), 1 / (1 + Math.exp(-fit.intercept()))},
            within(1e-12));
    assertThatThrownBy(() -> fit.probability(new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("needs 3 features, got 2");
  }

  @Test
  void theInterceptAloneIsTheLogOddsOfTheBadRate() {
    // no features: the intercept is ln(bads / goods) = ln(1 / 3) = -1.098612, unpenalised;
    // its standard error is 1 / sqrt(n p (1 - p)) = 1 / sqrt(8 * 0.25 * 0.75) = 0.816497
    double[][] none = new double[8][0];
    boolean[] bad = {true, false, false, false, true, false, false, false};
    Fit fit = LogisticRegression.fit(none, bad);
    assertThat(fit.converged()).isTrue();
    assertThat(fit.intercept()).isCloseTo(Math.log(1.0 / 3), within(1e-9));
    assertThat(fit.interceptStandardError()).isCloseTo(0.816497, within(1e-6));
  }

  @Test
  void theRidgeKeepsASeparatedSampleFinite() {
    // the feature separates goods (below 0) from bads (above 0) perfectly: without a penalty the
    // coefficient would grow without end; with the default one it stays finite
    double[][] features = {{-2}, {-1}, {-0.5}, {0.5}, {1}, {2}};
    boolean[] bad = {false, false, false, true, true, true};

    Fit fit = LogisticRegression.fit(features, bad);

    assertThat(fit.converged()).isTrue();
    assertThat(fit.coefficients()[0]).isPositive().isLessThan(10);
    assertThat(fit.standardErrors()[0]).isPositive().isFinite();
    assertThat(fit.probability(new double[] {2})).isGreaterThan(0.5).isLessThan(1);
  }

  @Test
  void aSeparatedSampleWithoutPenaltyEndsInAClearError() {
    double[][] features = {{-2}, {-1}, {-0.5}, {0.5}, {1}, {2}};
    boolean[] bad = {false, false, false, true, true, true};

    assertThatThrownBy(() -> LogisticRegression.fit(features, bad, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("separates goods from bads perfectly");
  }

  @Test
  void aConstantFeatureWithoutPenaltyIsSingular() {
    // a feature of 1 everywhere is the intercept's own column: X'WX is singular
    double[][] features = {{1}, {1}, {1}, {1}};
    boolean[] bad = {true, false, true, false};
    assertThatThrownBy(() -> LogisticRegression.fit(features, bad, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not positive definite");
    // the ridge resolves it: the intercept and the coefficient share the log odds of 0
    Fit fit = LogisticRegression.fit(features, bad);
    assertThat(fit.converged()).isTrue();
    assertThat(fit.intercept() + fit.coefficients()[0]).isCloseTo(0, within(1e-9));
  }

  @Test
  void invalidInputIsRefused() {
    assertThatThrownBy(() -> LogisticRegression.fit(new double[0][], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features is empty");
    assertThatThrownBy(
            () -> LogisticRegression.fit(new double[][] {{1}, {2}}, new boolean[] {true, true}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("needs both goods and bads; all 2 outcomes are bad");
    assertThatThrownBy(
            () -> LogisticRegression.fit(new double[][] {{1}, {2, 3}}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features row 1 does not hold 1 values");
    assertThatThrownBy(
            () ->
                LogisticRegression.fit(
                    new double[][] {{1}, {Double.NaN}}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features[1][0] is not a finite number");
    assertThatThrownBy(
            () ->
                LogisticRegression.fit(new double[][] {{1}, {2}}, new boolean[] {true, false}, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lambda must be 0 or more, got -1.0");
  }
}
