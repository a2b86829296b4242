package dev.credence.server.calibration;

import org.hipparchus.distribution.continuous.FDistribution;

/**
 * The internal consistency of a scale, Cronbach's alpha, with Feldt's confidence interval, from the
 * item scores of n people on k items.
 *
 * <p>alpha = k / (k - 1) * (1 - sum of the item variances / variance of the total score), the total
 * being each person's sum over the items. Variances are sample variances (divided by n - 1); the
 * divisor cancels in the ratio. Items must already be reverse-keyed, so that every item points the
 * same way. Alpha is at most 1 and may be negative when the items disagree.
 *
 * <p>Interval (Feldt 1965): (1 - alpha) / (1 - alpha estimated) follows an F distribution with n -
 * 1 and (n - 1)(k - 1) degrees of freedom, so the 95% interval runs from 1 - (1 - alpha) * F(0.975)
 * to 1 - (1 - alpha) * F(0.025), F(q) being that distribution's q quantile.
 *
 * @param n the number of people (rows)
 * @param k the number of items (columns)
 * @param alpha Cronbach's alpha
 * @param lower the lower end of the 95% interval
 * @param upper the upper end of the 95% interval
 */
public record Reliability(int n, int k, double alpha, double lower, double upper) {

  /** The confidence of the interval. */
  public static final double CONFIDENCE = 0.95;

  /**
   * The reliability of {@code scores}, one row per person, one column per item.
   *
   * @throws IllegalArgumentException with fewer than 2 people or 2 items, rows of unequal length, a
   *     score that is NaN or infinite, or total scores that do not vary (alpha undefined)
   */
  public static Reliability of(double[][] scores) {
    if (scores == null || scores.length < 2) {
      throw new IllegalArgumentException("alpha needs the scores of at least 2 people");
    }
    int n = scores.length;
    int k = scores[0] == null ? 0 : scores[0].length;
    if (k < 2) {
      throw new IllegalArgumentException("alpha needs at least 2 items, got " + k);
    }
    double[] totals = new double[n];
    for (int i = 0; i < n; i++) {
      if (scores[i] == null || scores[i].length != k) {
        throw new IllegalArgumentException("row " + i + " does not hold " + k + " item scores");
      }
      Inputs.requireFinite(scores[i], "scores row " + i);
      for (double score : scores[i]) {
        totals[i] += score;
      }
    }
    double itemVariances = 0;
    double[] column = new double[n];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < n; i++) {
        column[i] = scores[i][j];
      }
      itemVariances += variance(column);
    }
    double totalVariance = variance(totals);
    if (totalVariance == 0) {
      throw new IllegalArgumentException("the total scores do not vary; alpha is undefined");
    }
    double alpha = (double) k / (k - 1) * (1 - itemVariances / totalVariance);

    FDistribution f = new FDistribution(n - 1, (double) (n - 1) * (k - 1));
    double tail = (1 - CONFIDENCE) / 2;
    double lower = 1 - (1 - alpha) * f.inverseCumulativeProbability(1 - tail);
    double upper = 1 - (1 - alpha) * f.inverseCumulativeProbability(tail);
    return new Reliability(n, k, alpha, lower, upper);
  }

  /**
   * The standard error of measurement, SEM = sd * sqrt(1 - alpha): the spread of a person's
   * observed score around their true score, on the scale whose standard deviation is {@code sd}. A
   * negative alpha gives an SEM larger than the SD: a scale that does not measure.
   *
   * @throws IllegalArgumentException when {@code sd} is negative, NaN or infinite
   */
  public double sem(double sd) {
    if (!Double.isFinite(sd) || sd < 0) {
      throw new IllegalArgumentException("the standard deviation must be 0 or more, got " + sd);
    }
    return sd * Math.sqrt(1 - alpha);
  }

  /** The sample variance, divided by n - 1. */
  private static double variance(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return squares / (values.length - 1);
  }
}
