package dev.credence.server.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.credence.api.UidRules;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The histogram's bins, the model page's charts and the CSV cells, without a server. */
class ChartsAndCsvTest {

  @Test
  void calibrationPointsAndBandBarsShareOneRoundScale() {
    Charts.Calibration c =
        Charts.calibration(
            List.of(
                new Charts.Decile(1, 50, 2, 0.04, 0.04), new Charts.Decile(2, 50, 11, 0.2, 0.22)));
    assertThat(c.max()).isEqualTo(0.25);
    assertThat(c.maxLabel()).isEqualTo("25.0%");
    Charts.Point high = c.points().get(1);
    double plotWidth = c.frame().rightX() - Charts.Frame.LEFT;
    assertThat(high.x())
        .isCloseTo(Charts.Frame.LEFT + 0.8 * plotWidth, org.assertj.core.data.Offset.offset(0.1));
    assertThat(high.y()).isLessThan(c.points().get(0).y());
    assertThat(high.title()).isEqualTo("Decile 2: predicted 20.0%, observed 22.0% (11 of 50)");
    // A point on the diagonal lies on the line from (LEFT, base) to (right, TOP).
    Charts.Point low = c.points().get(0);
    double t = (low.x() - Charts.Frame.LEFT) / plotWidth;
    double onDiagonal = c.frame().baseY() - t * (c.frame().baseY() - Charts.Frame.TOP);
    assertThat(low.y()).isCloseTo(onDiagonal, org.assertj.core.data.Offset.offset(0.2));

    Charts.BandBars bands =
        Charts.bandRates(
            List.of(new Charts.Band("A", 100, 1, 0.01), new Charts.Band("E", 40, 12, 0.3)));
    assertThat(bands.max()).isEqualTo(0.3);
    assertThat(bands.bars().get(1).y()).isEqualTo(Charts.Frame.TOP);
    assertThat(bands.bars().get(1).title()).isEqualTo("Band E: 12 of 40 bad (30.0%)");
    assertThat(bands.bars().get(0).barHeight()).isPositive();
    assertThat(Charts.calibration(List.of()).max()).isEqualTo(0.05);
  }

  @Test
  void binsAreWideEnoughForAtMostThirtyBarsAndKeepEveryResult() {
    TreeMap<Integer, Long> wide = new TreeMap<>();
    wide.put(100, 2L);
    wide.put(349, 5L);
    wide.put(900, 1L);
    Charts.Histogram h = Charts.histogram(wide);
    assertThat(h.binWidth()).isEqualTo(50);
    assertThat(h.bars()).hasSize(17);
    assertThat(h.bars().get(0).from()).isEqualTo(100);
    assertThat(h.bars().get(16).to()).isEqualTo(949);
    assertThat(h.bars()).extracting(Charts.Bar::count).containsOnly(0L, 1L, 2L, 5L);
    assertThat(h.bars().stream().mapToLong(Charts.Bar::count).sum()).isEqualTo(8);
    assertThat(h.total()).isEqualTo(8);
    Charts.Bar tallest = h.bars().stream().filter(b -> b.count() == 5).findFirst().orElseThrow();
    assertThat(tallest.from()).isEqualTo(300);
    assertThat(tallest.y()).isEqualTo(Charts.Histogram.TOP);
    assertThat(tallest.y() + tallest.barHeight()).isEqualTo(h.baseY());

    TreeMap<Integer, Long> narrow = new TreeMap<>();
    narrow.put(339, 1L);
    narrow.put(342, 3L);
    Charts.Histogram close = Charts.histogram(narrow);
    assertThat(close.binWidth()).isEqualTo(1);
    assertThat(close.bars()).extracting(Charts.Bar::count).containsExactly(1L, 0L, 0L, 3L);
    assertThat(close.bars().get(3).title()).isEqualTo("342: 3 results");

    assertThat(Charts.histogram(new TreeMap<>()).empty()).isTrue();
  }

  @Test
  void theCountAxisIsLabelledInRoundStepsUpToTheTallestBar() {
    TreeMap<Integer, Long> seven = new TreeMap<>(Map.of(300, 7L, 310, 3L));
    Charts.Histogram h = Charts.histogram(seven);
    assertThat(h.ticks()).extracting(Charts.Tick::value).containsExactly(0L, 2L, 4L, 6L, 8L);
    assertThat(h.top()).isEqualTo(8);
    assertThat(h.ticks().get(0).y()).isEqualTo(h.baseY());
    assertThat(h.ticks().get(4).y()).isEqualTo(Charts.Histogram.TOP);
    // A bar of 7 on a scale of 8 ends between the ticks of 6 and 8, at its height.
    Charts.Bar tallest = h.bars().get(0);
    double perResult = (h.baseY() - Charts.Histogram.TOP) / 8.0;
    assertThat(tallest.barHeight()).isCloseTo(7 * perResult, within(0.1));
    assertThat(h.ticks().get(3).y() - h.ticks().get(4).y()).isCloseTo(2 * perResult, within(0.1));

    assertThat(Charts.histogram(new TreeMap<>(Map.of(5, 1L))).ticks())
        .extracting(Charts.Tick::value)
        .containsExactly(0L, 1L);
    assertThat(Charts.histogram(new TreeMap<>(Map.of(5, 120L))).ticks())
        .extracting(Charts.Tick::value)
        .containsExactly(0L, 50L, 100L, 150L);
    assertThat(Charts.histogram(new TreeMap<>(Map.of(5, 5L))).top()).isEqualTo(5);
    assertThat(Charts.histogram(new TreeMap<>(Map.of(5, 1000L))).ticks())
        .extracting(Charts.Tick::value)
        .containsExactly(0L, 200L, 400L, 600L, 800L, 1000L);
  }

  @Test
  void cellsThatASpreadsheetWouldRunAreDefused() {
    assertThat(Csv.cell("=1+2")).isEqualTo("'=1+2");
    assertThat(Csv.cell("+44")).isEqualTo("'+44");
    assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
    assertThat(Csv.cell("\rx")).isEqualTo("\"'\rx\"");
    assertThat(Csv.cell("=HYPERLINK(\"a\",\"b\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"");
    // '-' only when the cell is not a valid uid: these are not (length, characters).
    assertThat(Csv.cell("-5")).isEqualTo("'-5");
    assertThat(Csv.cell("-1+2+3")).isEqualTo("'-1+2+3");
    assertThat(Csv.cell("-2+3+cmd|' /C calc'!A0")).isEqualTo("'-2+3+cmd|' /C calc'!A0");
    assertThat(Csv.cell("-SUM(A1:A9)")).isEqualTo("'-SUM(A1:A9)");
    assertThat(Csv.cell("Loans, retail")).isEqualTo("\"Loans, retail\"");
    assertThat(Csv.cell("CUST-001")).isEqualTo("CUST-001");
    assertThat(Csv.cell(null)).isEmpty();
  }

  @Test
  void aValidUidThatStartsWithMinusIsWrittenAsItIs() {
    for (String uid : List.of("-2-3-4-5", "-RP-1", "-12345", "--CUST_7", "-A1-B2")) {
      assertThat(UidRules.check(uid)).as(uid).isEmpty();
      assertThat(Csv.cell(uid)).isEqualTo(uid);
    }
  }
}
