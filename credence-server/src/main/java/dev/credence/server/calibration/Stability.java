package dev.credence.server.calibration;

import java.util.Arrays;

/**
 * The population stability index (PSI): how far the distribution of a score in a current sample has
 * moved from a reference sample, typically the one the model was fitted or validated on.
 *
 * <p>Bins: the reference is cut into deciles by rank, equal values kept together (the rule of
 * {@link CalibrationTable}), and each decile's highest reference value is its bin's upper edge. A
 * value falls in the first bin whose upper edge is at or above it; values above the last edge fall
 * in the last bin, values below the lowest reference value in the first. With many ties the
 * reference gives fewer than 10 bins.
 *
 * <p>PSI = sum over bins of (current% - reference%) * ln(current% / reference%), the shares written
 * as fractions. A bin holding no current value would make the logarithm infinite, so an empty share
 * is counted as {@link #EMPTY_SHARE} (0.0001, one in ten thousand) in both places it appears.
 * Reference bins are never empty.
 *
 * <p>{@link #label}: below 0.1 {@code stable}; 0.1 to 0.25, both included, {@code watch}; above
 * 0.25 {@code shifted}, a move that calls for a refit.
 *
 * @param psi the population stability index, 0 or more
 * @param bins the number of bins the reference gave
 */
public record Stability(double psi, int bins) {

  /** The share counted for a bin the current sample leaves empty. */
  public static final double EMPTY_SHARE = 1e-4;

  /** The PSI below which a score is {@code stable}. */
  public static final double WATCH_FROM = 0.1;

  /** The PSI above which a score is {@code shifted}. */
  public static final double SHIFTED_ABOVE = 0.25;

  /**
   * The stability of {@code current} against {@code reference}.
   *
   * @throws IllegalArgumentException when either sample is empty or holds a value that is NaN or
   *     infinite, or the reference holds a single distinct value (one bin, nothing to compare)
   */
  public static Stability of(double[] reference, double[] current) {
    Inputs.requireFinite(reference, "reference");
    Inputs.requireFinite(current, "current");
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    int[] decile = Deciles.ofSorted(sorted);

    // The upper edge of each non-empty reference decile, and how many reference values it holds.
    double[] edges = new double[10];
    int[] referenceCounts = new int[10];
    int bins = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i > 0 && decile[i] != decile[i - 1]) {
        bins++;
      }
      edges[bins] = sorted[i];
      referenceCounts[bins]++;
    }
    bins++;
    if (bins < 2) {
      throw new IllegalArgumentException(
          "the reference sample holds a single distinct value ("
              + sorted[0]
              + "); PSI needs two bins");
    }

    int[] currentCounts = new int[bins];
    for (double value : current) {
      currentCounts[bin(edges, bins, value)]++;
    }

    double psi = 0;
    for (int b = 0; b < bins; b++) {
      double expected = (double) referenceCounts[b] / reference.length;
      double actual = Math.max((double) currentCounts[b] / current.length, EMPTY_SHARE);
      psi += (actual - expected) * Math.log(actual / expected);
    }
    return new Stability(psi, bins);
  }

  /** The first bin whose upper edge is at or above {@code value}, or the last bin. */
  private static int bin(double[] edges, int bins, double value) {
    int found = Arrays.binarySearch(edges, 0, bins - 1, value);
    return found >= 0 ? found : -found - 1;
  }

  /** {@code stable}, {@code watch} or {@code shifted}, by the thresholds above. */
  public String label() {
    return label(psi);
  }

  /** The label of a PSI: {@code stable} below 0.1, {@code watch} up to 0.25, {@code shifted}. */
  public static String label(double psi) {
    if (psi < WATCH_FROM) {
      return "stable";
    }
    return psi <= SHIFTED_ABOVE ? "watch" : "shifted";
  }
}
