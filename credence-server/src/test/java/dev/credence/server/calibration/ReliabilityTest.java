package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Cronbach's alpha, Feldt's interval and the SEM of {@link Reliability}. */
class ReliabilityTest {

  // 5 people, 3 items (already reverse-keyed).
  private static final double[][] SCORES = {
    {1, 2, 2}, // total 5
    {2, 2, 3}, // total 7
    {3, 4, 3}, // total 10
    {4, 4, 5}, // total 13
    {5, 3, 5}, // total 13
  };

  @Test
  void alphaFromTheItemAndTotalVariances() {
    // item 1: 1..5, mean 3, squares 4+1+0+1+4 = 10, variance 10/4 = 2.5
    // item 2: 2,2,4,4,3, mean 3, squares 1+1+1+1+0 = 4, variance 1.0
    // item 3: 2,3,3,5,5, mean 3.6, squares 2.56+0.36+0.36+1.96+1.96 = 7.2, variance 1.8
    // totals: 5,7,10,13,13, mean 9.6, squares 21.16+6.76+0.16+11.56+11.56 = 51.2, variance 12.8
    // alpha = 3/2 * (1 - (2.5 + 1.0 + 1.8) / 12.8) = 1.5 * 7.5 / 12.8 = 0.87890625
    Reliability r = Reliability.of(SCORES);
    assertThat(r.n()).isEqualTo(5);
    assertThat(r.k()).isEqualTo(3);
    assertThat(r.alpha()).isCloseTo(0.87890625, within(1e-12));
  }

  @Test
  void feldtIntervalFromTheFDistribution() {
    // degrees of freedom n - 1 = 4 and (n - 1)(k - 1) = 8; from printed F tables,
    // F(0.975; 4, 8) = 5.05 and F(0.025; 4, 8) = 1 / F(0.975; 8, 4) = 1 / 8.98 = 0.1114.
    // 1 - alpha = 0.12109375
    // lower = 1 - 0.12109375 * 5.05   = 0.3885
    // upper = 1 - 0.12109375 * 0.1114 = 0.9865
    // (the tables' rounding moves the ends by less than 0.001)
    Reliability r = Reliability.of(SCORES);
    assertThat(r.lower()).isCloseTo(0.3885, within(0.001));
    assertThat(r.upper()).isCloseTo(0.9865, within(0.001));
    assertThat(r.lower()).isLessThan(r.alpha());
    assertThat(r.upper()).isGreaterThan(r.alpha());
  }

  @Test
  void semIsTheSdTimesTheRootOfOneMinusAlpha() {
    // 10 * sqrt(1 - 0.87890625) = 10 * sqrt(0.12109375) = 10 * 0.3479853 = 3.479853
    Reliability r = Reliability.of(SCORES);
    assertThat(r.sem(10)).isCloseTo(3.479853, within(1e-6));
    assertThat(r.sem(0)).isEqualTo(0.0);
    assertThatThrownBy(() -> r.sem(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the standard deviation must be 0 or more, got -1.0");
  }

  @Test
  void identicalItemsHaveAnAlphaOfOne() {
    // two copies of one item: item variances v + v, total variance 4v: 2 * (1 - 2v / 4v) = 1
    Reliability r = Reliability.of(new double[][] {{1, 1}, {2, 2}, {4, 4}});
    assertThat(r.alpha()).isCloseTo(1.0, within(1e-12));
    assertThat(r.sem(15)).isCloseTo(0.0, within(1e-6));
  }

  @Test
  void itemsPullingApartGiveANegativeAlpha() {
    // item 1: 1,2,3 (variance 1); item 2: 3,2,1 (variance 1); item 3: 1,1,2 (variance 1/3)
    // totals 5,5,6: mean 16/3, variance (1/9 + 1/9 + 4/9) / 2 = 1/3
    // alpha = 3/2 * (1 - (7/3) / (1/3)) = 1.5 * (1 - 7) = -9
    Reliability r = Reliability.of(new double[][] {{1, 3, 1}, {2, 2, 1}, {3, 1, 2}});
    assertThat(r.alpha()).isCloseTo(-9, within(1e-12));
  }

  @Test
  void undefinedCasesAreRefused() {
    assertThatThrownBy(() -> Reliability.of(new double[][] {{1, 2, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha needs the scores of at least 2 people");
    assertThatThrownBy(() -> Reliability.of(new double[][] {{1}, {2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha needs at least 2 items, got 1");
    assertThatThrownBy(() -> Reliability.of(new double[][] {{1, 2}, {2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 1 does not hold 2 item scores");
    // all ties: every person answers 3 to every item
    assertThatThrownBy(() -> Reliability.of(new double[][] {{3, 3}, {3, 3}, {3, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the total scores do not vary; alpha is undefined");
  }
}
