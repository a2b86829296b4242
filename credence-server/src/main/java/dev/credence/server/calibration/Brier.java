package dev.credence.server.calibration;

/**
 * The Brier score: the mean squared difference between each predicted probability of default and
 * the outcome, counted 1 for a bad and 0 for a good. 0 is a perfect forecast; always predicting the
 * observed bad rate r scores r * (1 - r). Unlike the AUC it rewards probabilities that are right in
 * level, not only in order.
 */
public final class Brier {
  private Brier() {}

  /**
   * The Brier score of {@code predicted} against {@code bad}.
   *
   * @param predicted one probability of default per loan, 0 to 1
   * @param bad per loan, true when its outcome was bad
   * @throws IllegalArgumentException when the input is empty, the lengths differ, or a prediction
   *     is not a probability; one class alone is allowed, the score being defined for it
   */
  public static double score(double[] predicted, boolean[] bad) {
    Inputs.requireProbabilities(predicted);
    Inputs.requireOutcomes(bad, predicted.length);
    double sum = 0;
    for (int i = 0; i < predicted.length; i++) {
      double error = predicted[i] - (bad[i] ? 1 : 0);
      sum += error * error;
    }
    return sum / predicted.length;
  }
}
