package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.assessment.ItemBank;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How {@link ReliabilityReport} turns stored answers into a domain's reverse-keyed matrix. */
class ReliabilityReportTest {
  private static final ItemBank ITEMS = ItemBank.load();
  private static final List<ItemBank.Item> SHORT =
      ITEMS.form(ItemBank.Length.SHORT).stream().map(id -> ITEMS.item("en", id)).toList();

  /** The short form's C items: 3 plus-keyed and 3 minus-keyed, in the form's order. */
  private static List<ItemBank.Item> conscientiousness() {
    return SHORT.stream().filter(item -> item.domain() == 'C').toList();
  }

  @ParameterizedTest(name = "answer {0}: plus-keyed scores {1}, minus-keyed {2}")
  @CsvSource({"1, 1, 5", "2, 2, 4", "3, 3, 3", "4, 4, 2", "5, 5, 1"})
  void everyAnswerIsReverseKeyedForMinusKeyedItems(int answer, int plus, int minus) {
    Map<String, Integer> answers = new HashMap<>();
    SHORT.forEach(item -> answers.put(item.id(), answer));
    double[][] matrix =
        ReliabilityReport.matrix('C', SHORT, List.of(ReliabilityReport.row(SHORT, answers)));
    List<ItemBank.Item> c = conscientiousness();
    assertThat(matrix).hasDimensions(1, 6);
    for (int j = 0; j < c.size(); j++) {
      assertThat(matrix[0][j]).as(c.get(j).id()).isEqualTo(c.get(j).minusKeyed() ? minus : plus);
    }
    assertThat(c.stream().filter(ItemBank.Item::minusKeyed).count()).isEqualTo(3);
  }

  @Test
  void columnsAreTheDomainsItemsInTheFormsOrderAndIncompleteSessionsAreLeftOut() {
    List<ItemBank.Item> c = conscientiousness();
    Map<String, Integer> complete = new HashMap<>();
    for (int j = 0; j < c.size(); j++) {
      complete.put(c.get(j).id(), j % 5 + 1);
    }
    Map<String, Integer> missingOne = new HashMap<>(complete);
    missingOne.remove(c.get(2).id());
    Map<String, Integer> outOfRange = new HashMap<>(complete);
    outOfRange.put(c.get(0).id(), 9);
    double[][] matrix =
        ReliabilityReport.matrix(
            'C',
            SHORT,
            List.of(
                ReliabilityReport.row(SHORT, complete),
                ReliabilityReport.row(SHORT, missingOne),
                ReliabilityReport.row(SHORT, outOfRange)));
    assertThat(matrix).hasDimensions(1, 6);
    for (int j = 0; j < c.size(); j++) {
      int answer = j % 5 + 1;
      assertThat(matrix[0][j]).isEqualTo(c.get(j).minusKeyed() ? 6 - answer : answer);
    }
  }

  @Test
  void consistentAnswersGiveAlphaOneAndNoMeasurementError() {
    // Each person agrees with every C statement to the same degree (the reverse for minus-keyed
    // ones): after keying all six columns are equal, so alpha is 1 and the SEM 0.
    List<int[]> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int level = i % 5 + 1;
      Map<String, Integer> answers = new HashMap<>();
      for (ItemBank.Item item : conscientiousness()) {
        answers.put(item.id(), item.minusKeyed() ? 6 - level : level);
      }
      rows.add(ReliabilityReport.row(SHORT, answers));
    }
    ReliabilityReport.Domain domain = ReliabilityReport.domain('C', SHORT, rows);
    assertThat(domain.status()).isEqualTo(ReliabilityReport.COMPUTED);
    assertThat(domain.n()).isEqualTo(40);
    assertThat(domain.k()).isEqualTo(6);
    assertThat(domain.alpha()).isCloseTo(1.0, within(1e-12));
    assertThat(domain.sem()).isCloseTo(0.0, within(1e-6));
    // POMP levels 0, 25, 50, 75, 100, eight people each: sample SD sqrt(50000 / 39)
    assertThat(domain.sd()).isCloseTo(Math.sqrt(50_000.0 / 39), within(1e-9));
    // The same answer to every item, without keying: the minus-keyed half cancels the plus-keyed
    // half, every total is 18 and alpha is undefined.
    List<int[]> unkeyed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int level = i % 5 + 1;
      Map<String, Integer> answers = new HashMap<>();
      conscientiousness().forEach(item -> answers.put(item.id(), level));
      unkeyed.add(ReliabilityReport.row(SHORT, answers));
    }
    assertThat(ReliabilityReport.domain('C', SHORT, unkeyed).status())
        .isEqualTo(ReliabilityReport.NOT_COMPUTABLE);
  }

  @Test
  void tooFewSessionsOrUndefinedAlphaGiveAStatusAndNoNumbers() {
    Map<String, Integer> answers = new HashMap<>();
    SHORT.forEach(item -> answers.put(item.id(), 3));
    List<int[]> few = new ArrayList<>();
    for (int i = 0; i < ReliabilityReport.MIN_SESSIONS - 1; i++) {
      few.add(ReliabilityReport.row(SHORT, answers));
    }
    ReliabilityReport.Domain tooFew = ReliabilityReport.domain('N', SHORT, few);
    assertThat(tooFew.status()).isEqualTo(ReliabilityReport.TOO_FEW_SESSIONS);
    assertThat(tooFew.n()).isEqualTo(ReliabilityReport.MIN_SESSIONS - 1);
    assertThat(tooFew.alpha()).isNull();
    assertThat(tooFew.sem()).isNull();
    assertThat(tooFew.detail()).contains("at least 30");

    few.add(ReliabilityReport.row(SHORT, answers));
    ReliabilityReport.Domain flat = ReliabilityReport.domain('N', SHORT, few);
    assertThat(flat.status()).isEqualTo(ReliabilityReport.NOT_COMPUTABLE);
    assertThat(flat.alpha()).isNull();
    assertThat(flat.detail()).contains("do not vary");
  }
}
