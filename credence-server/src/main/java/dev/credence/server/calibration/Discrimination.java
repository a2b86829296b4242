package dev.credence.server.calibration;

import java.util.Arrays;

/**
 * How well a score ranks bads above goods, on loans whose outcome is known: the AUC, the Gini
 * coefficient and the Kolmogorov-Smirnov (KS) statistic.
 *
 * <p>The score is read as "higher means riskier", like a probability of default: a model that ranks
 * well gives bads higher scores than goods. A score where lower means riskier (a points score) must
 * be negated first, or its AUC comes out as 1 - AUC.
 *
 * <ul>
 *   <li>AUC, the area under the ROC curve, is the Mann-Whitney probability that a randomly chosen
 *       bad scores higher than a randomly chosen good: over every (bad, good) pair, a pair counts 1
 *       when the bad scores higher, 1/2 when both score the same, 0 otherwise, and the AUC is that
 *       count divided by bads * goods. 0.5 is no better than chance, 1 a perfect ranking.
 *   <li>Gini = 2 * AUC - 1, from -1 to 1, 0 being chance.
 *   <li>KS is the largest vertical distance, over every score s, between the share of bads scoring
 *       at most s and the share of goods scoring at most s (the two empirical cumulative
 *       distribution functions). Equal scores enter together, so tied scores never open a gap. 0 is
 *       no separation, 1 a complete one.
 * </ul>
 *
 * <p>Both are computed after sorting the bads' and the goods' scores, in O(n log n).
 *
 * @param bads the number of bad outcomes
 * @param goods the number of good outcomes
 * @param auc the area under the ROC curve, 0 to 1
 * @param ks the Kolmogorov-Smirnov statistic, 0 to 1
 */
public record Discrimination(int bads, int goods, double auc, double ks) {

  /**
   * The discrimination of {@code scores} against {@code bad}.
   *
   * @param scores one finite score per loan, higher meaning riskier
   * @param bad per loan, true when its outcome was bad
   * @throws IllegalArgumentException when the input is empty, the lengths differ, a score is NaN or
   *     infinite, or the outcomes hold no bad or no good
   */
  public static Discrimination of(double[] scores, boolean[] bad) {
    Inputs.requireFinite(scores, "scores");
    Inputs.requireOutcomes(bad, scores.length);
    int nBad = Inputs.requireBothClasses(bad);
    double[] bads = new double[nBad];
    double[] goods = new double[scores.length - nBad];
    for (int i = 0, b = 0, g = 0; i < scores.length; i++) {
      if (bad[i]) {
        bads[b++] = scores[i];
      } else {
        goods[g++] = scores[i];
      }
    }
    Arrays.sort(bads);
    Arrays.sort(goods);

    // One walk up the distinct scores. At each, b bads and g goods share the score: each of those
    // bads outscores every good below it and ties with the g goods. Twice the pair count is kept
    // in a long so that half pairs stay exact.
    long twicePairs = 0;
    double ks = 0;
    int i = 0;
    int j = 0;
    while (i < bads.length || j < goods.length) {
      double score =
          Math.min(
              i < bads.length ? bads[i] : Double.POSITIVE_INFINITY,
              j < goods.length ? goods[j] : Double.POSITIVE_INFINITY);
      long goodsBelow = j;
      int b = 0;
      while (i < bads.length && bads[i] == score) {
        i++;
        b++;
      }
      int g = 0;
      while (j < goods.length && goods[j] == score) {
        j++;
        g++;
      }
      twicePairs += 2 * b * goodsBelow + (long) b * g;
      ks = Math.max(ks, Math.abs((double) i / bads.length - (double) j / goods.length));
    }
    double auc = twicePairs / (2.0 * bads.length * goods.length);
    return new Discrimination(bads.length, goods.length, auc, ks);
  }

  /** Gini = 2 * AUC - 1. */
  public double gini() {
    return 2 * auc - 1;
  }
}
