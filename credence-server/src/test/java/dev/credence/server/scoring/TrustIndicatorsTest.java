package dev.credence.server.scoring;

import static dev.credence.server.scoring.Sheets.minus;
import static dev.credence.server.scoring.Sheets.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.AssessmentConfig;
import dev.credence.server.assessment.AssessmentConfig.Choice;
import dev.credence.server.assessment.AssessmentStore.Balloon;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import dev.credence.server.scoring.TrustIndicators.Flag;
import dev.credence.server.scoring.TrustIndicators.Trust;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustIndicatorsTest {
  // 6 items a page at 60 s: 10 s an item, never fast
  private static final int SLOW = 60_000;

  @Test
  void aCarefulSheetHasNoFlags() {
    int[] answers = {1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2};
    Trust trust = assess(Sheets.distinctFacets(answers, 6, SLOW));

    assertThat(trust.flags()).isEmpty();
    assertThat(trust.scoreConfidence()).isEqualTo(Confidence.HIGH);
    assertThat(trust.reviewRequired()).isFalse();
    assertThat(trust.longString()).isEqualTo(1);
    // 26 items of 26 different facets: no pair, so the consistency indicator is unavailable
    assertThat(trust.consistencyPairs()).isZero();
    assertThat(trust.inconsistentPairs()).isNull();
  }

  @Test
  void tenIdenticalAnswersInARowAreALongString() {
    // 1, 2 alternating (runs of 1), then ten 3s: longest run 10, over pages 2 and 3
    int[] ten = {1, 2, 1, 2, 1, 2, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 2};
    Trust trust = assess(Sheets.distinctFacets(ten, 6, SLOW));

    assertThat(trust.longString()).isEqualTo(10);
    assertThat(trust.flags()).containsExactly(Flag.LONG_STRING);
    assertThat(trust.scoreConfidence()).isEqualTo(Confidence.MEDIUM);
  }

  @Test
  void nineIdenticalAnswersInARowAreNot() {
    int[] nine = {1, 2, 1, 2, 1, 2, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 2};
    Trust trust = assess(Sheets.distinctFacets(nine, 6, SLOW));

    assertThat(trust.longString()).isEqualTo(9);
    assertThat(trust.flags()).isEmpty();
  }

  @Test
  void aPageUnderTwoSecondsAnItemIsFast() {
    int[] answers = {1, 2, 3, 4, 5, 4};
    // 6 items: the limit is 6 * 2000 = 12000 ms
    Trust fast = assess(Sheets.distinctFacets(answers, 6, 11_999));
    Trust justEnough = assess(Sheets.distinctFacets(answers, 6, 12_000));

    assertThat(fast.fastPages()).isEqualTo(1);
    assertThat(fast.flags()).containsExactly(Flag.FAST_PAGES);
    assertThat(fast.scoreConfidence()).isEqualTo(Confidence.MEDIUM);
    assertThat(justEnough.fastPages()).isZero();
    assertThat(justEnough.flags()).isEmpty();
  }

  @Test
  void farApartAnswersOnSameFacetSameKeyingPairsAreInconsistent() {
    // Four plus-keyed N1 items: 4 * 3 / 2 = 6 pairs. 5, 5, 1, 5: item c is 4 apart from each
    // of the three others = 3 inconsistent pairs >= 6 / 4 = 1.5: flagged
    Trust trust = assess(facetN1(5, 5, 1, 5));

    assertThat(trust.consistencyPairs()).isEqualTo(6);
    assertThat(trust.inconsistentPairs()).isEqualTo(3);
    assertThat(trust.flags()).containsExactly(Flag.INCONSISTENT);
  }

  @Test
  void answersTwoApartAreConsistent() {
    // 4, 4, 2, 4: gaps of at most 2, none inconsistent
    Trust trust = assess(facetN1(4, 4, 2, 4));

    assertThat(trust.consistencyPairs()).isEqualTo(6);
    assertThat(trust.inconsistentPairs()).isZero();
    assertThat(trust.flags()).isEmpty();
  }

  @Test
  void fewerThanSixPairsLeaveConsistencyUnavailable() {
    // N1: three plus items = 3 pairs; the minus N1 item is in another keying group (no pair);
    // E1: two plus items = 1 pair. 4 pairs < 6: unavailable, even with wide gaps (5 vs 1)
    List<ItemAnswer> answers =
        List.of(
            new ItemAnswer(plus("a", 'N', 1), 5, 1, SLOW),
            new ItemAnswer(plus("b", 'N', 1), 1, 1, SLOW),
            new ItemAnswer(plus("c", 'N', 1), 5, 1, SLOW),
            new ItemAnswer(minus("d", 'N', 1), 5, 1, SLOW),
            new ItemAnswer(plus("e", 'E', 1), 1, 1, SLOW),
            new ItemAnswer(plus("f", 'E', 1), 5, 1, SLOW));
    Trust trust = assess(answers);

    assertThat(trust.consistencyPairs()).isEqualTo(4);
    assertThat(trust.inconsistentPairs()).isNull();
    assertThat(trust.flags()).doesNotContain(Flag.INCONSISTENT);
  }

  @Test
  void neverPumpingIsImplausible() {
    Trust never =
        TrustIndicators.assess(
            Sheets.balloons(
                List.of(new Balloon(1, 30, 0, "COLLECTED"), new Balloon(2, 9, 0, "COLLECTED"))));
    Trust once =
        TrustIndicators.assess(
            Sheets.balloons(
                List.of(new Balloon(1, 30, 0, "COLLECTED"), new Balloon(2, 9, 1, "COLLECTED"))));

    assertThat(never.flags()).containsExactly(Flag.GAME_IMPLAUSIBLE);
    assertThat(once.flags()).isEmpty();
    assertThat(TrustIndicators.assess(Sheets.balloons(List.of())).flags()).isEmpty();
  }

  @Test
  void everyChoiceOnOneSideOfAWideSetIsImplausible() {
    // The default set spans k 0.000398 (< 0.001) to 0.25 (> 0.1)
    Trust allLater =
        TrustIndicators.assess(
            defaultChoices(true, true, true, true, true, true, true, true, true));
    Trust allSooner =
        TrustIndicators.assess(
            defaultChoices(false, false, false, false, false, false, false, false, false));
    Trust mixed =
        TrustIndicators.assess(
            defaultChoices(false, false, false, true, true, true, true, true, true));

    assertThat(allLater.flags()).containsExactly(Flag.GAME_IMPLAUSIBLE);
    assertThat(allSooner.flags()).containsExactly(Flag.GAME_IMPLAUSIBLE);
    assertThat(mixed.flags()).isEmpty();
  }

  @Test
  void everyChoiceOnOneSideOfANarrowSetIsPlausible() {
    // k from 0.2 / 80 = 0.0025 to 15 / 40 / 62 = 0.00605: not below 0.001, so one side is fine
    List<Choice> narrow =
        List.of(new Choice(25, 30, 80), new Choice(55, 75, 61), new Choice(40, 55, 62));
    Trust trust = TrustIndicators.assess(Sheets.choices(narrow, Map.of(1, true, 2, true, 3, true)));

    assertThat(trust.flags()).isEmpty();
  }

  @Test
  void aResumedSessionIsFlaggedButStaysHigh() {
    Trust resumed = TrustIndicators.assess(Sheets.session(3, 1));
    Trust once = TrustIndicators.assess(Sheets.session(1, 1));

    assertThat(resumed.flags()).containsExactly(Flag.RESUMED);
    assertThat(resumed.scoreConfidence()).isEqualTo(Confidence.HIGH);
    assertThat(once.flags()).isEmpty();
  }

  @Test
  void aSecondDeviceIsMultiDevice() {
    // user_agents = 2: the first device and one change
    Trust twoDevices = TrustIndicators.assess(Sheets.session(2, 2));
    Trust oneDevice = TrustIndicators.assess(Sheets.session(2, 1));

    assertThat(twoDevices.flags()).containsExactly(Flag.MULTI_DEVICE, Flag.RESUMED);
    assertThat(twoDevices.scoreConfidence()).isEqualTo(Confidence.MEDIUM);
    assertThat(oneDevice.flags()).containsExactly(Flag.RESUMED);
  }

  @Test
  void confidenceCountsSeriousFlags() {
    assertThat(TrustIndicators.confidence(EnumSet.noneOf(Flag.class))).isEqualTo(Confidence.HIGH);
    assertThat(TrustIndicators.confidence(EnumSet.of(Flag.RESUMED))).isEqualTo(Confidence.HIGH);
    assertThat(TrustIndicators.confidence(EnumSet.of(Flag.INCONSISTENT)))
        .isEqualTo(Confidence.MEDIUM);
    assertThat(TrustIndicators.confidence(EnumSet.of(Flag.MULTI_DEVICE, Flag.RESUMED)))
        .isEqualTo(Confidence.MEDIUM);
    assertThat(TrustIndicators.confidence(EnumSet.of(Flag.GAME_IMPLAUSIBLE, Flag.INCONSISTENT)))
        .isEqualTo(Confidence.LOW);
    assertThat(TrustIndicators.confidence(EnumSet.of(Flag.LONG_STRING, Flag.FAST_PAGES)))
        .isEqualTo(Confidence.LOW);
  }

  @Test
  void aLowResultIsKeptAndFlaggedForReview() {
    // Ten 3s on 6-item pages of 3 s (limit 12 s): LONG_STRING with FAST_PAGES
    int[] answers = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 2};
    Trust trust = assess(Sheets.distinctFacets(answers, 6, 3_000));

    assertThat(trust.flags()).containsExactly(Flag.LONG_STRING, Flag.FAST_PAGES);
    assertThat(trust.fastPages()).isEqualTo(2);
    assertThat(trust.scoreConfidence()).isEqualTo(Confidence.LOW);
    assertThat(trust.reviewRequired()).isTrue();
  }

  private static Trust assess(List<ItemAnswer> answers) {
    return TrustIndicators.assess(Sheets.questionnaire(answers));
  }

  private static List<ItemAnswer> facetN1(int a, int b, int c, int d) {
    return List.of(
        new ItemAnswer(plus("a", 'N', 1), a, 1, SLOW),
        new ItemAnswer(plus("b", 'N', 1), b, 1, SLOW),
        new ItemAnswer(plus("c", 'N', 1), c, 1, SLOW),
        new ItemAnswer(plus("d", 'N', 1), d, 1, SLOW));
  }

  private static AnswerSheet defaultChoices(boolean... later) {
    Map<Integer, Boolean> chosen = new HashMap<>();
    for (int i = 0; i < later.length; i++) {
      chosen.put(i + 1, later[i]);
    }
    return Sheets.choices(AssessmentConfig.DEFAULT_CHOICES, chosen);
  }
}
