package dev.credence.server.calibration;

import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fits a credit model on one environment's labelled applicants and validates it on the part it was
 * not fitted on. Pure: the applicants, their outcomes and the norms come in, a {@link CreditModel}
 * and its report go out; nothing is read or stored here.
 *
 * <p>Labels: an applicant's worst outcome decides ({@link #OUTCOME_ORDER}, best first). A worst
 * outcome in {@link Options#bad} is bad, {@code repaid} is good, anything else (for example {@code
 * dpd30} when only {@code dpd90} and {@code default} are bad) is left out, as neither clearly good
 * nor bad. Applicants scored with a confidence below {@link Options#minConfidence} are left out
 * too.
 *
 * <p>Features are standardised as scoring standardises them, z = (T - 50) / 10 under the given
 * norms, a missing value counting as the mean (z = 0); so the fitted weights drop into a {@link
 * CreditModel} scored under the same norms. The labelled applicants are split by {@link Split} (70
 * % fit, 30 % held out); the model is fitted on the first part by {@link LogisticRegression} and
 * every statistic is reported on both, so that over-fitting shows as a gap between them.
 */
public final class ModelFitting {
  private ModelFitting() {}

  /** Fewest labelled applicants a model is fitted on. */
  public static final int MIN_LABELLED = 500;

  /** Fewest bad outcomes among them. */
  public static final int MIN_BADS = 50;

  /** The outcomes, best first: an applicant's worst one is its label. */
  public static final List<String> OUTCOME_ORDER =
      List.of("repaid", "dpd30", "dpd60", "dpd90", "default");

  /** The good outcome. */
  public static final String GOOD = "repaid";

  /**
   * One scored applicant of the environment.
   *
   * @param uid the lender's uid, which decides the split
   * @param features the stored features ({@code TraitScorer.Traits#toMap} keys, raw values)
   * @param confidence the result's score confidence
   * @param outcomes every outcome uploaded for the uid, in any order; empty when none
   */
  public record Applicant(
      String uid, Map<String, Double> features, Confidence confidence, List<String> outcomes) {}

  /**
   * What counts as bad and whose results count.
   *
   * @param bad outcomes that make an applicant bad; {@code repaid} may not be one
   * @param minConfidence the lowest score confidence included ({@code LOW} includes all)
   */
  public record Options(Set<String> bad, Confidence minConfidence) {
    public static final Options DEFAULT =
        new Options(Set.of("dpd90", "default"), Confidence.MEDIUM);

    public Options {
      if (bad == null || bad.isEmpty() || !OUTCOME_ORDER.containsAll(bad) || bad.contains(GOOD)) {
        throw new IllegalArgumentException(
            "bad must name one or more of dpd30, dpd60, dpd90, default");
      }
      if (minConfidence == null) {
        throw new IllegalArgumentException("min_confidence must be HIGH, MEDIUM or LOW");
      }
      bad = Set.copyOf(bad);
    }
  }

  /** Too few labelled applicants or bads to fit on: how many there are and how many are needed. */
  public static final class InsufficientOutcomes extends RuntimeException {
    private final int labelled;
    private final int bads;

    InsufficientOutcomes(int labelled, int bads) {
      super(
          "A model needs at least "
              + MIN_LABELLED
              + " labelled applicants with at least "
              + MIN_BADS
              + " bad outcomes; there are "
              + labelled
              + " labelled, "
              + bads
              + " of them bad");
      this.labelled = labelled;
      this.bads = bads;
    }

    public int labelled() {
      return labelled;
    }

    public int bads() {
      return bads;
    }
  }

  /** The fit stopped before its estimates settled: they are not to be used. */
  public static final class NotConverged extends RuntimeException {
    NotConverged(int iterations) {
      super(
          "The fit did not settle in "
              + iterations
              + " iterations; check the outcomes for a feature that separates goods from bads"
              + " almost perfectly");
    }
  }

  /** The statistics of one part (fit or held out) under the fitted model. */
  public record Part(
      int n,
      int bads,
      double auc,
      double gini,
      double ks,
      double brier,
      List<CalibrationTable.Row> calibration,
      List<BandRate> bands) {}

  /** Applicants and bads per risk band of the fitted model. */
  public record BandRate(String band, int n, int bads, double badRate) {}

  /** A fitted weight: log odds of bad per standard deviation of the feature. */
  public record Coefficient(String feature, double estimate, double standardError) {}

  /**
   * What a fit found: both parts, the intercept and coefficients with their standard errors, and
   * the counts behind them.
   */
  public record Report(
      Part fit,
      Part holdout,
      Coefficient intercept,
      List<Coefficient> coefficients,
      int labelled,
      int excluded,
      int iterations,
      Options options) {}

  /** The fitted model, calibrated, and its report. */
  public record Fitted(CreditModel model, Report report) {}

  /**
   * Fits a model weighing {@code features} (the keys the new model uses, in its order) with the
   * band cut-offs {@code cutoffs}, named {@code version}.
   *
   * @throws InsufficientOutcomes below {@link #MIN_LABELLED} labelled or {@link #MIN_BADS} bads
   * @throws NotConverged when the fit does not settle within its iterations
   */
  public static Fitted fit(
      List<Applicant> applicants,
      Options options,
      Norms norms,
      List<String> features,
      List<Double> cutoffs,
      String version) {
    List<double[]> fitRows = new ArrayList<>();
    List<Boolean> fitBad = new ArrayList<>();
    List<double[]> holdRows = new ArrayList<>();
    List<Boolean> holdBad = new ArrayList<>();
    int labelled = 0;
    int bads = 0;
    int excluded = 0;
    for (Applicant applicant : applicants) {
      Boolean bad = label(applicant, options);
      if (bad == null) {
        excluded++;
        continue;
      }
      labelled++;
      bads += bad ? 1 : 0;
      double[] row = standardised(applicant.features(), norms, features);
      if (Split.sideOf(applicant.uid()) == Split.Side.FIT) {
        fitRows.add(row);
        fitBad.add(bad);
      } else {
        holdRows.add(row);
        holdBad.add(bad);
      }
    }
    if (labelled < MIN_LABELLED || bads < MIN_BADS) {
      throw new InsufficientOutcomes(labelled, bads);
    }
    double[][] x = fitRows.toArray(double[][]::new);
    boolean[] y = booleans(fitBad);
    LogisticRegression.Fit fit = LogisticRegression.fit(x, y);
    if (!fit.converged()) {
      throw new NotConverged(fit.iterations());
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    List<Coefficient> coefficients = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      weights.put(features.get(i), fit.coefficients()[i]);
      coefficients.add(
          new Coefficient(features.get(i), fit.coefficients()[i], fit.standardErrors()[i]));
    }
    CreditModel model = new CreditModel(version, true, fit.intercept(), weights, cutoffs);
    Report report =
        new Report(
            part(fit, model, x, y),
            part(fit, model, holdRows.toArray(double[][]::new), booleans(holdBad)),
            new Coefficient("intercept", fit.intercept(), fit.interceptStandardError()),
            List.copyOf(coefficients),
            labelled,
            excluded,
            fit.iterations(),
            options);
    return new Fitted(model, report);
  }

  /**
   * True bad, false good, null left out (no outcome, an in-between one, or too low a confidence).
   */
  static Boolean label(Applicant applicant, Options options) {
    if (applicant.confidence() == null
        || applicant.confidence().ordinal() > options.minConfidence().ordinal()) {
      return null;
    }
    int worst = -1;
    for (String outcome : applicant.outcomes()) {
      worst = Math.max(worst, OUTCOME_ORDER.indexOf(outcome));
    }
    if (worst < 0) {
      return null;
    }
    String outcome = OUTCOME_ORDER.get(worst);
    if (options.bad().contains(outcome)) {
      return true;
    }
    return outcome.equals(GOOD) ? false : null;
  }

  private static double[] standardised(
      Map<String, Double> values, Norms norms, List<String> features) {
    double[] row = new double[features.size()];
    for (int i = 0; i < row.length; i++) {
      Double z = z(values, features.get(i), norms);
      row[i] = z == null ? 0 : z;
    }
    return row;
  }

  /** A feature's standardised value, (T - 50) / 10; null when missing or without a norm. */
  static Double z(Map<String, Double> features, String feature, Norms norms) {
    Double value = features.get(feature);
    Double t = value == null || !Double.isFinite(value) ? null : norms.t(feature, value);
    return t == null ? null : (t - 50) / 10;
  }

  private static Part part(
      LogisticRegression.Fit fit, CreditModel model, double[][] x, boolean[] y) {
    double[] predicted = fit.probabilities(x);
    Discrimination discrimination = Discrimination.of(predicted, y);
    Map<String, int[]> perBand = new LinkedHashMap<>();
    for (int i = 0; i < predicted.length; i++) {
      int[] counts = perBand.computeIfAbsent(model.bandOf(predicted[i]), b -> new int[2]);
      counts[0]++;
      counts[1] += y[i] ? 1 : 0;
    }
    List<BandRate> bands = new ArrayList<>();
    perBand.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                bands.add(
                    new BandRate(
                        e.getKey(),
                        e.getValue()[0],
                        e.getValue()[1],
                        (double) e.getValue()[1] / e.getValue()[0])));
    return new Part(
        y.length,
        discrimination.bads(),
        discrimination.auc(),
        discrimination.gini(),
        discrimination.ks(),
        Brier.score(predicted, y),
        CalibrationTable.of(predicted, y).rows(),
        List.copyOf(bands));
  }

  private static boolean[] booleans(List<Boolean> values) {
    boolean[] out = new boolean[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
