package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** AUC, Gini and KS of {@link Discrimination}, and the {@link Brier} score. */
class DiscriminationTest {

  // Bads score 0.8, 0.6, 0.4; goods 0.7, 0.4, 0.2, 0.1 (higher = riskier), shuffled together.
  private static final double[] SCORES = {0.4, 0.8, 0.1, 0.7, 0.6, 0.2, 0.4};
  private static final boolean[] BAD = {false, true, false, false, true, false, true};

  @Test
  void aucCountsEachBadOverGoodPairAndTiesAsHalf() {
    // 3 bads x 4 goods = 12 pairs.
    // bad 0.8 outscores 0.7, 0.4, 0.2, 0.1: 4
    // bad 0.6 outscores 0.4, 0.2, 0.1 (not 0.7): 3
    // bad 0.4 ties 0.4 (1/2), outscores 0.2, 0.1: 2.5
    // AUC = 9.5 / 12 = 0.791667; Gini = 2 * 9.5 / 12 - 1 = 7 / 12 = 0.583333
    Discrimination d = Discrimination.of(SCORES, BAD);

    assertThat(d.bads()).isEqualTo(3);
    assertThat(d.goods()).isEqualTo(4);
    assertThat(d.auc()).isCloseTo(9.5 / 12, within(1e-12));
    assertThat(d.gini()).isCloseTo(7.0 / 12, within(1e-12));
  }

  @Test
  void ksIsTheLargestGapBetweenTheCumulativeShares() {
    // score <=  share of bads  share of goods  gap
    //   0.1        0/3             1/4         0.25
    //   0.2        0/3             2/4         0.50  <- largest
    //   0.4        1/3             3/4         0.4167 (the tied 0.4s enter together)
    //   0.6        2/3             3/4         0.0833
    //   0.7        2/3             4/4         0.3333
    //   0.8        3/3             4/4         0
    assertThat(Discrimination.of(SCORES, BAD).ks()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void aPerfectRankingAndItsReverse() {
    double[] scores = {0.1, 0.2, 0.3, 0.9, 0.95};
    boolean[] bad = {false, false, false, true, true};
    Discrimination perfect = Discrimination.of(scores, bad);
    assertThat(perfect.auc()).isEqualTo(1.0);
    assertThat(perfect.gini()).isEqualTo(1.0);
    assertThat(perfect.ks()).isEqualTo(1.0);

    double[] negated = {-0.1, -0.2, -0.3, -0.9, -0.95};
    Discrimination reversed = Discrimination.of(negated, bad);
    assertThat(reversed.auc()).isEqualTo(0.0);
    assertThat(reversed.gini()).isEqualTo(-1.0);
    assertThat(reversed.ks()).isEqualTo(1.0);
  }

  @Test
  void allScoresTiedIsChanceWithNoSeparation() {
    // every one of the 2 x 3 pairs is a tie: 6 * 1/2 / 6 = 0.5; both shares reach 1 together
    Discrimination d =
        Discrimination.of(
            new double[] {0.3, 0.3, 0.3, 0.3, 0.3},
            new boolean[] {true, false, true, false, false});
    assertThat(d.auc()).isEqualTo(0.5);
    assertThat(d.gini()).isEqualTo(0.0);
    assertThat(d.ks()).isEqualTo(0.0);
  }

  @Test
  void theSortedWalkAgreesWithCountingEveryPair() {
    // 2,000 loans on a coarse score (many ties): the O(n log n) walk against the O(n^2) definition
    SplittableRandom random = new SplittableRandom(7);
    int n = 2_000;
    double[] scores = new double[n];
    boolean[] bad = new boolean[n];
    for (int i = 0; i < n; i++) {
      scores[i] = random.nextInt(50) / 50.0;
      bad[i] = random.nextDouble() < 0.1 + 0.3 * scores[i];
    }
    double pairs = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (bad[i] && !bad[j]) {
          count++;
          pairs += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    assertThat(Discrimination.of(scores, bad).auc()).isCloseTo(pairs / count, within(1e-12));
  }

  @Test
  void oneClassMissingIsRefused() {
    assertThatThrownBy(
            () -> Discrimination.of(new double[] {0.1, 0.2}, new boolean[] {false, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("needs both goods and bads; all 2 outcomes are good");
    assertThatThrownBy(() -> Discrimination.of(new double[] {0.1, 0.2}, new boolean[] {true, true}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("needs both goods and bads; all 2 outcomes are bad");
  }

  @Test
  void emptyMismatchedOrNonFiniteInputIsRefused() {
    assertThatThrownBy(() -> Discrimination.of(new double[0], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scores is empty");
    assertThatThrownBy(() -> Discrimination.of(new double[] {0.1, 0.2}, new boolean[] {true}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("needs one outcome per value: 2 values, 1 outcomes");
    assertThatThrownBy(
            () -> Discrimination.of(new double[] {0.1, Double.NaN}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scores[1] is not a finite number");
  }

  @Test
  void brierIsTheMeanSquaredErrorAgainstZeroOrOne() {
    // (0.9 - 1)^2 + (0.2 - 0)^2 + (0.6 - 0)^2 + (0.1 - 0)^2 = 0.01 + 0.04 + 0.36 + 0.01 = 0.42
    // 0.42 / 4 = 0.105
    double brier =
        Brier.score(new double[] {0.9, 0.2, 0.6, 0.1}, new boolean[] {true, false, false, false});
    assertThat(brier).isCloseTo(0.105, within(1e-12));
  }

  @Test
  void brierOfTheBadRateIsRTimesOneMinusR() {
    // bad rate r = 1/4 predicted for everyone: 1/4 * 9/16 + 3/4 * 1/16 = 12/64 = 0.1875
    double brier =
        Brier.score(
            new double[] {0.25, 0.25, 0.25, 0.25}, new boolean[] {true, false, false, false});
    assertThat(brier).isCloseTo(0.25 * 0.75, within(1e-12));
  }

  @Test
  void brierRefusesWhatIsNotAProbability() {
    assertThatThrownBy(() -> Brier.score(new double[] {0.5, 1.2}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("predicted[1] = 1.2 is not a probability between 0 and 1");
    assertThatThrownBy(() -> Brier.score(new double[0], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("predicted is empty");
  }
}
