package dev.credence.server.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The scaling of {@link CreditModel#scoreOf}: 300 at odds of default 1:50, PDO 20, 100..900. */
class CreditModelScoreTest {

  /** The PD of odds of default (bad:good) {@code odds}: pd = odds / (1 + odds). */
  private static double pd(double odds) {
    return odds / (1 + odds);
  }

  @Test
  void oddsOfOneToFiftyScore300() {
    // PD = 1/51 = 0.019608, odds 1/50: points = 300 + Factor * 0
    assertThat(CreditModel.scoreOf(1.0 / 51)).isEqualTo(300);
  }

  @Test
  void doublingTheOddsOfDefaultAdds20() {
    // odds 2/50 -> 300 + 28.8539 * ln 2 = 320; 4/50 -> 340; 1/100 -> 280
    assertThat(CreditModel.scoreOf(pd(2.0 / 50))).isEqualTo(320);
    assertThat(CreditModel.scoreOf(pd(4.0 / 50))).isEqualTo(340);
    assertThat(CreditModel.scoreOf(pd(1.0 / 100))).isEqualTo(280);
    assertThat(CreditModel.scoreOf(0.5)).isEqualTo(413); // odds 1: 300 + 28.8539 * 3.9120 = 412.88
  }

  @Test
  void higherPdMeansAHigherScore() {
    int previous = CreditModel.scoreOf(0.001);
    for (double pd = 0.002; pd < 0.999; pd += 0.001) {
      int score = CreditModel.scoreOf(pd);
      assertThat(score).isGreaterThanOrEqualTo(previous);
      previous = score;
    }
    assertThat(CreditModel.scoreOf(0.02)).isLessThan(CreditModel.scoreOf(0.3));
  }

  @Test
  void scoresAreClampedTo100Through900() {
    // 100 = ten halvings below the anchor: odds 1/51200
    assertThat(CreditModel.scoreOf(pd(1.0 / 51200))).isEqualTo(100);
    assertThat(CreditModel.scoreOf(pd(1.0 / 25600))).isEqualTo(120);
    assertThat(CreditModel.scoreOf(1e-9)).isEqualTo(100); // 300 + 28.85 * (-20.72 + 3.91) < 100
    assertThat(CreditModel.scoreOf(0)).isEqualTo(100);
    assertThat(CreditModel.scoreOf(1 - 1e-12)).isEqualTo(900); // odds 1e12: about 1,010 -> 900
    assertThat(CreditModel.scoreOf(1)).isEqualTo(900);
  }

  @Test
  void aPdOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> CreditModel.scoreOf(-0.1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CreditModel.scoreOf(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
