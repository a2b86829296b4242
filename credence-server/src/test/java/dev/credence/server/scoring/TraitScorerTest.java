package dev.credence.server.scoring;

import static dev.credence.server.scoring.Sheets.minus;
import static dev.credence.server.scoring.Sheets.plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.assessment.choices.ChoicesModule;
import dev.credence.server.scoring.AnswerSheet.Balloon;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.AnswerSheet.MemoryRound;
import dev.credence.server.scoring.TraitScorer.Scale;
import dev.credence.server.scoring.TraitScorer.Traits;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraitScorerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aMinusKeyedItemAnsweredFiveContributesOne() {
    Traits traits =
        TraitScorer.score(
            Sheets.questionnaire(List.of(new ItemAnswer(minus("m", 'C', 2), 5, 1, 10_000))));

    // 6 - 5 = 1; one item: POMP = 100 * (1 - 1) / (5 - 1) = 0
    assertThat(traits.facets().get("C2")).isEqualTo(new Scale(1, 1, 0.0));
    assertThat(traits.domains().get("C")).isEqualTo(new Scale(1, 1, 0.0));
  }

  @Test
  void facetAndDomainScoresSumReverseKeyedAnswers() {
    Traits traits =
        TraitScorer.score(
            Sheets.questionnaire(
                List.of(
                    new ItemAnswer(plus("a", 'N', 1), 4, 1, 10_000),
                    new ItemAnswer(minus("b", 'N', 1), 2, 1, 10_000),
                    new ItemAnswer(plus("c", 'N', 2), 3, 1, 10_000),
                    new ItemAnswer(plus("d", 'E', 1), 5, 1, 10_000))));

    // N1: 4 + (6 - 2) = 8 over 2 items, range 2..10: 100 * (8 - 2) / 8 = 75
    assertThat(traits.facets().get("N1")).isEqualTo(new Scale(8, 2, 75.0));
    // N2: 3 over 1 item, range 1..5: 100 * (3 - 1) / 4 = 50
    assertThat(traits.facets().get("N2")).isEqualTo(new Scale(3, 1, 50.0));
    // E1: 5 over 1 item: 100
    assertThat(traits.facets().get("E1")).isEqualTo(new Scale(5, 1, 100.0));
    // N: 8 + 3 = 11 over 3 items, range 3..15: 100 * (11 - 3) / 12 = 66.67
    Scale n = traits.domains().get("N");
    assertThat(n.raw()).isEqualTo(11);
    assertThat(n.items()).isEqualTo(3);
    assertThat(n.pomp()).isCloseTo(200.0 / 3, within(1e-9));
    assertThat(traits.domains().get("E")).isEqualTo(new Scale(5, 1, 100.0));
    assertThat(traits.domains()).containsOnlyKeys("N", "E");
    assertThat(traits.toMap())
        .containsEntry("facet.N1", 75.0)
        .containsEntry("domain.E", 100.0)
        .doesNotContainKeys("domain.O", TraitScorer.ADJUSTED_PUMPS);
  }

  @Test
  void adjustedPumpsLeaveBurstAndUnfinishedBalloonsOut() {
    Traits traits =
        TraitScorer.score(
            Sheets.balloons(
                List.of(
                    new Balloon(1, 40, 10, "COLLECTED"),
                    new Balloon(2, 5, 5, "BURST"),
                    new Balloon(3, 30, 20, "COLLECTED"),
                    new Balloon(4, 50, 3, null))));

    // (10 + 20) / 2 = 15; the burst (5 pumps) and the unfinished balloon (3) are left out
    assertThat(traits.adjustedPumps()).isEqualTo(15.0);
    assertThat(traits.bursts()).isEqualTo(1);
  }

  @Test
  void noCollectedBalloonHasNoAdjustedPumps() {
    Traits traits = TraitScorer.score(Sheets.balloons(List.of(new Balloon(1, 2, 2, "BURST"))));

    assertThat(traits.adjustedPumps()).isNull();
    assertThat(traits.bursts()).isEqualTo(1);
  }

  // The default set's k_i = (later / today - 1) / days, already ascending:
  // 1: 5/80/157 = 0.000398  2: 3/47/160 = 0.000399  3: 8/67/119 = 0.001003
  // 4: 0.2/80 = 0.0025      5: 20/55/61 = 0.005961  6: 15/40/62 = 0.006048
  // 7: 1.4/14 = 0.1         8: 20/15/13 = 0.102564  9: 1.75/7 = 0.25

  @Test
  void kIsTheGeometricMeanOfTheBracketAtTheSwitch() {
    // Sooner on 1..3, later on 4..9: k lies between k_3 and k_4.
    Traits traits =
        TraitScorer.score(choices(false, false, false, true, true, true, true, true, true));

    // sqrt(0.00100339 * 0.0025) = sqrt(2.50847e-6) = 0.00158382
    assertThat(traits.k()).isCloseTo(0.00158382, within(1e-8));
    assertThat(traits.k()).isCloseTo(Math.sqrt(8.0 / 67 / 119 * (0.2 / 80)), within(1e-15));
    // 6 of 9 later
    assertThat(traits.delayedShare()).isCloseTo(6.0 / 9, within(1e-12));
  }

  @Test
  void tiedSwitchPositionsAreAveragedGeometrically() {
    // Sooner 1, 2; later 3; sooner 4; later 5..9. Switching after 2 fits 8 of 9 (4 is off), so
    // does switching after 4 (3 is off); after 3 fits only 7. k = geometric mean of
    // sqrt(k2 * k3) and sqrt(k4 * k5) = (k2 * k3 * k4 * k5)^(1/4)
    //   = (0.00039894 * 0.00100339 * 0.0025 * 0.00596125)^(1/4) = (5.96555e-12)^(1/4) = 0.00156283
    Traits traits =
        TraitScorer.score(choices(false, false, true, false, true, true, true, true, true));

    double k2 = 3.0 / 47 / 160;
    double k3 = 8.0 / 67 / 119;
    double k4 = 0.2 / 80;
    double k5 = 20.0 / 55 / 61;
    assertThat(traits.k()).isCloseTo(Math.pow(k2 * k3 * k4 * k5, 0.25), within(1e-15));
    assertThat(traits.k()).isCloseTo(0.00156283, within(1e-8));
  }

  @Test
  void kIsUnknownWhenEveryChoiceIsOnOneSide() {
    Traits later = TraitScorer.score(choices(true, true, true, true, true, true, true, true, true));
    Traits sooner =
        TraitScorer.score(choices(false, false, false, false, false, false, false, false, false));

    assertThat(later.k()).isNull();
    assertThat(later.delayedShare()).isEqualTo(1.0);
    assertThat(sooner.k()).isNull();
    assertThat(sooner.delayedShare()).isEqualTo(0.0);
    assertThat(TraitScorer.score(Sheets.session(1, 1)).delayedShare()).isNull();
  }

  @Test
  void memorySpanIsTheLongestSequenceTypedBackCorrectly() {
    Traits traits =
        TraitScorer.score(
            Sheets.memory(
                List.of(
                    new MemoryRound(1, "123", true),
                    new MemoryRound(2, "4567", true),
                    new MemoryRound(3, "89012", false),
                    new MemoryRound(4, "34567", false),
                    new MemoryRound(5, "123456", null))));

    // "4567" is the longest correct: 4
    assertThat(traits.memorySpan()).isEqualTo(4);
    assertThat(
            TraitScorer.score(Sheets.memory(List.of(new MemoryRound(1, "123", false))))
                .memorySpan())
        .isZero();
  }

  @Test
  void gamesNotPlayedAreLeftOutRatherThanScoredZero() {
    Traits traits = TraitScorer.score(Sheets.session(1, 1));

    assertThat(traits.adjustedPumps()).isNull();
    assertThat(traits.bursts()).isNull();
    assertThat(traits.delayedShare()).isNull();
    assertThat(traits.k()).isNull();
    assertThat(traits.memorySpan()).isNull();
    assertThat(traits.toMap()).isEmpty();
  }

  private static AnswerSheet choices(boolean... later) {
    Map<Integer, Boolean> chosen = new HashMap<>();
    for (int i = 0; i < later.length; i++) {
      chosen.put(i + 1, later[i]);
    }
    return Sheets.choices(ChoicesModule.DEFAULT_CHOICES, chosen);
  }
}
