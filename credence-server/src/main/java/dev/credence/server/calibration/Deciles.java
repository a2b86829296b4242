package dev.credence.server.calibration;

/**
 * Deciles by rank, with ties kept together: the rule shared by {@link CalibrationTable} and {@link
 * Stability}, so both cut a sample the same way.
 *
 * <p>In ascending order, the value at 0-based position i of n falls in decile floor(10 * i / n) +
 * 1, 1 the lowest. A run of equal values goes wholly into the decile of its first position, so
 * equal values never straddle two deciles: a decile may hold more or fewer than a tenth of the
 * values, and may be empty (always so with fewer than 10 values).
 */
final class Deciles {
  private Deciles() {}

  /** The decile, 1 to 10, of each position of {@code sorted}, which must be in ascending order. */
  static int[] ofSorted(double[] sorted) {
    int n = sorted.length;
    int[] decile = new int[n];
    for (int i = 0; i < n; i++) {
      boolean tiedWithPrevious = i > 0 && sorted[i] == sorted[i - 1];
      decile[i] = tiedWithPrevious ? decile[i - 1] : (int) (10L * i / n) + 1;
    }
    return decile;
  }
}
