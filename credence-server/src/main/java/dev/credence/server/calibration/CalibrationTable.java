package dev.credence.server.calibration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Predicted against observed default, by decile of the predicted probability: a well calibrated
 * model's mean prediction in each decile is close to the share of bads observed in it.
 *
 * <p>Loans are sorted by predicted probability, ascending, and cut into deciles by rank, decile 1
 * holding the lowest predictions. Loans with the same prediction are kept together in the decile of
 * the first of them, so a decile may hold more or fewer than a tenth of the loans; a decile left
 * with no loan (always the case with fewer than 10 loans, or with many ties) has no row.
 *
 * @param rows one row per non-empty decile, in ascending order of decile
 */
public record CalibrationTable(List<Row> rows) {

  public CalibrationTable {
    rows = List.copyOf(rows);
  }

  /**
   * One decile.
   *
   * @param decile 1 (lowest predictions) to 10 (highest)
   * @param n the number of loans in it
   * @param bads the number of them whose outcome was bad
   * @param meanPredicted the mean predicted probability of default of its loans
   * @param observedBadRate bads / n
   */
  public record Row(int decile, int n, int bads, double meanPredicted, double observedBadRate) {}

  /**
   * The calibration table of {@code predicted} against {@code bad}.
   *
   * @param predicted one probability of default per loan, 0 to 1
   * @param bad per loan, true when its outcome was bad
   * @throws IllegalArgumentException when the input is empty, the lengths differ, or a prediction
   *     is not a probability
   */
  public static CalibrationTable of(double[] predicted, boolean[] bad) {
    Inputs.requireProbabilities(predicted);
    Inputs.requireOutcomes(bad, predicted.length);
    int[] order =
        IntStream.range(0, predicted.length)
            .boxed()
            .sorted(Comparator.comparingDouble(i -> predicted[i]))
            .mapToInt(Integer::intValue)
            .toArray();
    double[] sorted = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      sorted[i] = predicted[order[i]];
    }
    int[] decile = Deciles.ofSorted(sorted);

    List<Row> rows = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int end = start;
      int bads = 0;
      double sum = 0;
      while (end < order.length && decile[end] == decile[start]) {
        sum += sorted[end];
        bads += bad[order[end]] ? 1 : 0;
        end++;
      }
      int n = end - start;
      rows.add(new Row(decile[start], n, bads, sum / n, (double) bads / n));
      start = end;
    }
    return new CalibrationTable(rows);
  }
}
