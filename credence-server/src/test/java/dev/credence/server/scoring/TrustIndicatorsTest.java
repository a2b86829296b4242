package dev.credence.server.scoring;

import static dev.credence.server.scoring.Sheets.minus;
import static dev.credence.server.scoring.Sheets.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.choices.ChoicesModule;
import dev.credence.server.scoring.AnswerSheet.Balloon;
import dev.credence.server.scoring.AnswerSheet.Choice;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import dev.credence.server.scoring.TrustIndicators.Flag;
import dev.credence.server.scoring.TrustIndicators.Trust;
import java.util.ArrayList;
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
    // 26 plus-keyed items of 26 different facets: no same-facet pair and no opposite-keyed pair
    // in a domain, so the consistency indicator is unavailable
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
    // N1: two items = 1 pair; E1: two items = 1 pair. 2 pairs < 6: unavailable, even with wide
    // gaps (5 vs 1)
    List<ItemAnswer> answers =
        List.of(
            new ItemAnswer(plus("a", 'N', 1), 5, 1, SLOW),
            new ItemAnswer(minus("b", 'N', 1), 5, 1, SLOW),
            new ItemAnswer(plus("e", 'E', 1), 1, 1, SLOW),
            new ItemAnswer(plus("f", 'E', 1), 5, 1, SLOW));
    Trust trust = assess(answers);

    assertThat(trust.consistencyPairs()).isEqualTo(2);
    assertThat(trust.inconsistentPairs()).isNull();
    assertThat(trust.flags()).doesNotContain(Flag.INCONSISTENT);
  }

  /**
   * The inconsistency check on sheets shaped like each form: every domain's facets 1 to 6 with 1
   * (short), 2 (standard) or 4 (full) items, keys alternating so that each domain is half plus- and
   * half minus-keyed, as the forms are. "Attentive" answers 4 to plus- and 2 to minus-keyed items
   * (4 throughout once reverse-keyed); "agreeing" answers 5 to everything (5 and 1 once
   * reverse-keyed). Some rows agree on the first {@code agreeing} facets (standard, full) or
   * domains (short) and answer attentively on the rest, to sit either side of a quarter.
   */
  @Test
  void inconsistencyOnEveryForm() {
    Object[][] table = {
      // items a facet, agreeing facets|domains, pairs, inconsistent, flagged
      // short: opposite-keyed pairs of a domain, 3 x 3 = 9 a domain, 45 in all
      {1, 0, 45, 0, false},
      {1, 5, 45, 45, true},
      {1, 1, 45, 9, false}, // 9 / 45 = 20%
      {1, 2, 45, 18, true}, // 40%
      // standard: the pair of each facet (one plus, one minus): 30
      {2, 0, 30, 0, false},
      {2, 30, 30, 30, true},
      {2, 7, 30, 7, false}, // 23.3%
      {2, 8, 30, 8, true}, // 26.7%
      // full: 6 pairs a facet, 4 of them antonyms: 180
      {4, 0, 180, 0, false},
      {4, 30, 180, 120, true},
      {4, 11, 180, 44, false}, // 24.4%
      {4, 12, 180, 48, true}, // 26.7%
    };
    for (Object[] row : table) {
      Trust trust = assess(formShaped((int) row[0], (int) row[1]));
      String label = row[0] + " a facet, " + row[1] + " agreeing";
      assertThat(trust.consistencyPairs()).as(label).isEqualTo(row[2]);
      assertThat(trust.inconsistentPairs()).as(label).isEqualTo(row[3]);
      assertThat(trust.flags().contains(Flag.INCONSISTENT)).as(label).isEqualTo(row[4]);
    }
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

  /**
   * The default set is in order of its indifference rates (k from 0.000398 to 0.25 a day), so a
   * single discount rate makes "today" on the first choices and "later" on the rest. T = today, L =
   * later, choices 1 to 9.
   */
  @Test
  void choicesNoSingleDiscountRateExplainsAreImplausible() {
    Object[][] table = {
      // choices, switch points, flagged
      {"LLLLLLLLL", 0, false}, // the most patient
      {"TTTTTTTTT", 0, false}, // the most impatient
      {"TTTLLLLLL", 1, false},
      {"TLLLLLLLL", 1, false},
      {"TTTTTTTTL", 1, false},
      {"LLLTTTTTT", 1, true}, // later on the small rewards, today on the large: no rate fits
      {"LTTTTTTTT", 1, true},
      {"TTLTLLLLL", 3, true},
      {"TTTLTLLLL", 3, true},
      {"TLTLTLTLT", 8, true},
      {"TTLLTTLLL", 3, true},
    };
    for (Object[] row : table) {
      String choices = (String) row[0];
      Map<Integer, Boolean> chosen = new HashMap<>();
      List<Boolean> ordered = new ArrayList<>();
      for (int i = 0; i < choices.length(); i++) {
        chosen.put(i + 1, choices.charAt(i) == 'L');
        ordered.add(choices.charAt(i) == 'L');
      }
      Trust trust = TrustIndicators.assess(Sheets.choices(ChoicesModule.DEFAULT_CHOICES, chosen));
      assertThat(TrustIndicators.switchPoints(ordered)).as(choices).isEqualTo(row[1]);
      assertThat(trust.flags().contains(Flag.GAME_IMPLAUSIBLE)).as(choices).isEqualTo(row[2]);
    }
  }

  @Test
  void choicesAreOrderedByTheirRateNotTheirPosition() {
    // The same rates shown from the highest k down: later first, then today, fits one rate
    List<Choice> descending =
        List.of(new Choice(20, 55, 7), new Choice(25, 30, 80), new Choice(80, 85, 157));
    Trust fits =
        TrustIndicators.assess(Sheets.choices(descending, Map.of(1, true, 2, false, 3, false)));
    Trust fitsNone =
        TrustIndicators.assess(Sheets.choices(descending, Map.of(1, false, 2, true, 3, false)));
    // Two choices of the same rate (k = 0.1): either answer fits, in any order
    List<Choice> tied = List.of(new Choice(10, 20, 10), new Choice(20, 40, 10));
    Trust tie = TrustIndicators.assess(Sheets.choices(tied, Map.of(1, true, 2, false)));
    // Unanswered choices are left out
    Trust partial =
        TrustIndicators.assess(
            Sheets.choices(ChoicesModule.DEFAULT_CHOICES, Map.of(2, false, 8, true)));

    assertThat(fits.flags()).isEmpty();
    assertThat(fitsNone.flags()).containsExactly(Flag.GAME_IMPLAUSIBLE);
    assertThat(tie.flags()).isEmpty();
    assertThat(partial.flags()).isEmpty();
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

  /**
   * Every domain's facets 1 to 6 with {@code perFacet} items; item r of facet f is minus-keyed when
   * f + r is odd. The first {@code agreeing} facets (in N1 .. N6 E1 .. order; domains when one item
   * a facet) answer 5 to everything, the rest 4 to plus- and 2 to minus-keyed items.
   */
  private static List<ItemAnswer> formShaped(int perFacet, int agreeing) {
    List<ItemAnswer> answers = new ArrayList<>();
    int n = 0;
    for (char domain : "NEOAC".toCharArray()) {
      for (int facet = 1; facet <= 6; facet++) {
        int unit =
            perFacet == 1 ? "NEOAC".indexOf(domain) : "NEOAC".indexOf(domain) * 6 + facet - 1;
        for (int r = 0; r < perFacet; r++) {
          boolean minusKeyed = (facet + r) % 2 == 1;
          String id = "i" + n++;
          int answer = unit < agreeing ? 5 : minusKeyed ? 2 : 4;
          answers.add(
              new ItemAnswer(
                  minusKeyed ? minus(id, domain, facet) : plus(id, domain, facet),
                  answer,
                  1 + n / 6,
                  SLOW));
        }
      }
    }
    return answers;
  }
}
