package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.api.UidRules;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The histogram's bins and the CSV cells, without a server. */
class ChartsAndCsvTest {

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
