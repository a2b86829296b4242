package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The population stability index of {@link Stability}. */
class StabilityTest {

  // 1 .. 10: each value its own decile, so the bins are <= 1, (1, 2], ..., (8, 9], above 9,
  // each holding 1/10 of the reference.
  private static final double[] REFERENCE = {5, 3, 1, 9, 7, 2, 10, 4, 8, 6};

  @Test
  void theSameSampleHasAPsiOfZero() {
    Stability same = Stability.of(REFERENCE, REFERENCE.clone());
    assertThat(same.bins()).isEqualTo(10);
    assertThat(same.psi()).isEqualTo(0.0);
    assertThat(same.label()).isEqualTo("stable");
  }

  @Test
  void aSmallMoveIsStable() {
    // 20 current values: 1 three times (0.15), 2 .. 9 twice each (0.10), 10 once (0.05).
    // PSI = (0.15 - 0.10) ln(0.15 / 0.10) + 8 * 0 + (0.05 - 0.10) ln(0.05 / 0.10)
    //     = 0.05 * 0.405465 + 0.05 * 0.693147 = 0.054931
    double[] current = {1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10};
    Stability stability = Stability.of(REFERENCE, current);
    assertThat(stability.psi()).isCloseTo(0.054931, within(1e-6));
    assertThat(stability.label()).isEqualTo("stable");
  }

  @Test
  void anEmptyBinCountsAsOneInTenThousand() {
    // 10 current values: 1 twice (0.2), 2 .. 9 once (0.1), none above 9 (0, counted 0.0001).
    // PSI = (0.2 - 0.1) ln 2 + (0.0001 - 0.1) ln(0.0001 / 0.1)
    //     = 0.1 * 0.693147 + (-0.0999) * (-6.907755) = 0.069315 + 0.690085 = 0.759399
    double[] current = {1, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    Stability stability = Stability.of(REFERENCE, current);
    assertThat(stability.psi()).isCloseTo(0.759399, within(1e-6));
    assertThat(stability.label()).isEqualTo("shifted");
  }

  @Test
  void valuesOutsideTheReferenceFallInTheEndBins() {
    // -5 joins the first bin and 99 the last: the shares are those of the reference, PSI 0
    double[] current = {-5, 2, 3, 4, 5, 6, 7, 8, 9, 99};
    assertThat(Stability.of(REFERENCE, current).psi()).isCloseTo(0.0, within(1e-15));
  }

  @Test
  void tiedReferenceValuesMakeFewerBins() {
    // 0 five times then 1 .. 5: the 0s are deciles 1 .. 5 kept together as one bin (5/10),
    // then 1 .. 5 one bin each (1/10): 6 bins.
    // current: 0 three times (0.3), 1 .. 5 once, 6 twice (joins the last bin: 0.3).
    // PSI = (0.3 - 0.5) ln(0.3 / 0.5) + 4 * 0 + (0.3 - 0.1) ln(0.3 / 0.1)
    //     = (-0.2)(-0.510826) + 0.2 * 1.098612 = 0.102165 + 0.219722 = 0.321888
    double[] reference = {0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
    double[] current = {0, 0, 0, 1, 2, 3, 4, 5, 6, 6};
    Stability stability = Stability.of(reference, current);
    assertThat(stability.bins()).isEqualTo(6);
    assertThat(stability.psi()).isCloseTo(0.321888, within(1e-6));
  }

  @Test
  void labelsAtTheirBoundaries() {
    assertThat(Stability.label(0.0999)).isEqualTo("stable");
    assertThat(Stability.label(0.1)).isEqualTo("watch");
    assertThat(Stability.label(0.25)).isEqualTo("watch");
    assertThat(Stability.label(0.2501)).isEqualTo("shifted");
  }

  @Test
  void aReferenceOfOneValueOrAnEmptySampleIsRefused() {
    assertThatThrownBy(() -> Stability.of(new double[] {3, 3, 3}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("single distinct value");
    assertThatThrownBy(() -> Stability.of(REFERENCE, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("current is empty");
    assertThatThrownBy(() -> Stability.of(new double[0], REFERENCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reference is empty");
  }
}
