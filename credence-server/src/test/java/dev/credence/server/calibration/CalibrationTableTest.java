package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.calibration.CalibrationTable.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deciles of predicted probability in {@link CalibrationTable}. */
class CalibrationTableTest {

  @Test
  void twentyLoansMakeTenDecilesOfTwo() {
    // predictions 0.01 .. 0.20, given in descending order; bad are the loans predicted 0.02, 0.19
    // and 0.20. Sorted ascending, positions 0-1 are decile 1, 2-3 decile 2, ... 18-19 decile 10.
    double[] predicted = new double[20];
    boolean[] bad = new boolean[20];
    for (int i = 0; i < 20; i++) {
      predicted[i] = (20 - i) / 100.0;
      bad[i] = i == 0 || i == 1 || i == 18;
    }

    List<Row> rows = CalibrationTable.of(predicted, bad).rows();

    assertThat(rows).hasSize(10);
    assertThat(rows).extracting(Row::decile).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(rows).extracting(Row::n).containsOnly(2);
    // decile 1: 0.01 and 0.02 (bad): mean (0.01 + 0.02) / 2 = 0.015, observed 1/2
    assertThat(rows.get(0).bads()).isEqualTo(1);
    assertThat(rows.get(0).meanPredicted()).isCloseTo(0.015, within(1e-12));
    assertThat(rows.get(0).observedBadRate()).isEqualTo(0.5);
    // decile 5: 0.09 and 0.10, no bad
    assertThat(rows.get(4).meanPredicted()).isCloseTo(0.095, within(1e-12));
    assertThat(rows.get(4).observedBadRate()).isEqualTo(0.0);
    // decile 10: 0.19 and 0.20, both bad
    assertThat(rows.get(9).bads()).isEqualTo(2);
    assertThat(rows.get(9).meanPredicted()).isCloseTo(0.195, within(1e-12));
    assertThat(rows.get(9).observedBadRate()).isEqualTo(1.0);
  }

  @Test
  void tiedPredictionsStayInTheDecileOfTheFirstOfThem() {
    // 10 loans: 0.1 three times at positions 0-2, which would be deciles 1-3: all three go to
    // decile 1, deciles 2 and 3 are empty and have no row; 0.2 .. 0.8 are deciles 4 .. 10.
    double[] predicted = {0.3, 0.1, 0.8, 0.1, 0.2, 0.4, 0.5, 0.1, 0.6, 0.7};
    boolean[] bad = {false, true, true, false, false, false, true, false, false, false};

    List<Row> rows = CalibrationTable.of(predicted, bad).rows();

    assertThat(rows).extracting(Row::decile).containsExactly(1, 4, 5, 6, 7, 8, 9, 10);
    Row first = rows.get(0);
    assertThat(first.n()).isEqualTo(3);
    assertThat(first.bads()).isEqualTo(1);
    assertThat(first.meanPredicted()).isCloseTo(0.1, within(1e-12));
    assertThat(first.observedBadRate()).isEqualTo(1.0 / 3);
    assertThat(rows.get(1)).isEqualTo(new Row(4, 1, 0, 0.2, 0.0));
    assertThat(rows.get(7)).isEqualTo(new Row(10, 1, 1, 0.8, 1.0));
  }

  @Test
  void allTiedIsOneRow() {
    List<Row> rows =
        CalibrationTable.of(
                new double[] {0.2, 0.2, 0.2, 0.2}, new boolean[] {true, false, false, false})
            .rows();
    assertThat(rows).containsExactly(new Row(1, 4, 1, 0.2, 0.25));
  }

  @Test
  void emptyInputAndNonProbabilitiesAreRefused() {
    assertThatThrownBy(() -> CalibrationTable.of(new double[0], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("predicted is empty");
    assertThatThrownBy(() -> CalibrationTable.of(new double[] {-0.1}, new boolean[] {true}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a probability");
  }
}
