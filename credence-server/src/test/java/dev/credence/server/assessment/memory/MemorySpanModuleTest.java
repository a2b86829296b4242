package dev.credence.server.assessment.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.memory.MemorySpanModule.MemorySpan;
import dev.credence.server.assessment.memory.MemorySpanModule.MemoryStep;
import dev.credence.server.assessment.memory.MemoryStore.MemoryRound;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.TraitScorer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The practice round (round 0) is played first and never counts. */
class MemorySpanModuleTest {
  private static final MemorySpanModule MODULE = new MemorySpanModule();
  private static final MemorySpan SPAN = new MemorySpan(3, 5);
  private static final Instant AT = Instant.parse("2025-01-01T10:00:00Z");

  private static MemoryRound round(int round, String digits, Boolean correct) {
    return new MemoryRound(round, digits, correct == null ? null : "0", correct, AT);
  }

  @Test
  void thePracticeRoundComesFirstAtTheStartLengthThenBeginThenRoundOne() {
    MemoryStep first = MemorySpanModule.step(SPAN, List.of());
    assertThat(first.practice()).isTrue();
    assertThat(first.length()).isEqualTo(3);
    assertThat(first.current()).isNull();

    MemoryRound practice = round(0, "123", null);
    assertThat(MemorySpanModule.step(SPAN, List.of(practice)).current()).isEqualTo(practice);

    MemoryRound answered = round(0, "123", true);
    MemoryStep begin = MemorySpanModule.step(SPAN, List.of(answered));
    assertThat(begin.begin()).isTrue();
    assertThat(begin.round()).isEqualTo(1);
    assertThat(begin.length()).as("a right practice answer adds no digit").isEqualTo(3);
    assertThat(begin.last()).isEqualTo(answered);

    MemoryStep one = MemorySpanModule.step(SPAN, List.of(answered, round(1, "456", null)));
    assertThat(one.begin()).isFalse();
    assertThat(one.round()).isEqualTo(1);
    assertThat(one.last()).as("the practice outcome was said before Begin").isNull();
  }

  @Test
  void aWrongPracticeAnswerIsNoMissAndARightOneNoLongerSequence() {
    List<MemoryRound> rounds =
        List.of(round(0, "123", false), round(1, "456", false), round(2, "789", true));
    assertThat(MODULE.finished(SPAN, rounds)).as("one scored miss only").isFalse();
    MemoryStep next = MemorySpanModule.step(SPAN, rounds);
    assertThat(next.round()).isEqualTo(3);
    assertThat(next.length()).isEqualTo(4);

    List<MemoryRound> twoMisses =
        List.of(round(0, "123", true), round(1, "456", false), round(2, "789", false));
    assertThat(MODULE.finished(SPAN, twoMisses)).isTrue();
  }

  @Test
  void theProgressBarCountsThePracticeRoundAsOneStep() {
    assertThat(MODULE.steps(SPAN, List.of())).isEqualTo(5 - 3 + 2 + 1);
    assertThat(MODULE.answered(SPAN, List.of(round(0, "123", null)))).isZero();
    assertThat(MODULE.answered(SPAN, List.of(round(0, "123", true)))).isEqualTo(1);
    assertThat(MODULE.answered(SPAN, List.of(round(0, "123", true), round(1, "456", true))))
        .isEqualTo(2);
  }

  @Test
  void theAnswerSheetsScoredRoundsAreTheSameWithOrWithoutAPracticeRound() {
    List<MemoryRound> scored =
        List.of(
            round(1, "123", true),
            round(2, "4567", true),
            round(3, "89012", false),
            round(4, "34567", false));
    List<MemoryRound> withPractice = new ArrayList<>();
    withPractice.add(round(0, "98765", true)); // longer than any scored round, and right
    withPractice.addAll(scored);

    AnswerSheet without = sheet(scored);
    AnswerSheet with = sheet(withPractice);
    assertThat(with.memoryRounds()).isEqualTo(without.memoryRounds());
    assertThat(with.memoryRounds())
        .extracting(AnswerSheet.MemoryRound::round)
        .containsExactly(1, 2, 3, 4);
    assertThat(TraitScorer.score(with).memorySpan())
        .as("the practice round's five digits are not the span")
        .isEqualTo(TraitScorer.score(without).memorySpan())
        .isEqualTo(4);
  }

  @Test
  void aSessionWhoseScoredRoundsBeganWithoutAPracticeRoundPlaysNone() {
    MemoryStep next = MemorySpanModule.step(SPAN, List.of(round(1, "123", true)));
    assertThat(next.practice()).isFalse();
    assertThat(next.round()).isEqualTo(2);
  }

  private static AnswerSheet sheet(List<MemoryRound> rounds) {
    AnswerSheet.Builder builder = new AnswerSheet.Builder();
    MODULE.answers(SPAN, rounds, null, builder);
    return builder.build(1, 1);
  }
}
