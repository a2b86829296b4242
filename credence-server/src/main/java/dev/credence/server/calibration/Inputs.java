package dev.credence.server.calibration;

/** The checks every statistic in this package makes on its input, with the same messages. */
final class Inputs {
  private Inputs() {}

  /** Refuses a null or empty array and any value that is NaN or infinite. */
  static void requireFinite(double[] values, String name) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException(name + " is empty");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is not a finite number");
      }
    }
  }

  /** Refuses outcomes that are missing or not one per value. */
  static void requireOutcomes(boolean[] bad, int length) {
    if (bad == null || bad.length != length) {
      throw new IllegalArgumentException(
          "needs one outcome per value: "
              + length
              + " values, "
              + (bad == null ? 0 : bad.length)
              + " outcomes");
    }
  }

  /** Counts the bads, refusing outcomes with no bad or no good: a ranking needs both. */
  static int requireBothClasses(boolean[] bad) {
    int bads = 0;
    for (boolean b : bad) {
      if (b) {
        bads++;
      }
    }
    if (bads == 0 || bads == bad.length) {
      throw new IllegalArgumentException(
          "needs both goods and bads; all "
              + bad.length
              + " outcomes are "
              + (bads == 0 ? "good" : "bad"));
    }
    return bads;
  }

  /** Refuses a probability outside 0 to 1. */
  static void requireProbabilities(double[] predicted) {
    requireFinite(predicted, "predicted");
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] < 0 || predicted[i] > 1) {
        throw new IllegalArgumentException(
            "predicted[" + i + "] = " + predicted[i] + " is not a probability between 0 and 1");
      }
    }
  }
}
