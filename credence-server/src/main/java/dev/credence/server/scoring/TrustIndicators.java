package dev.credence.server.scoring;

import dev.credence.server.assessment.AssessmentConfig.Choice;
import dev.credence.server.assessment.AssessmentStore.Balloon;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How far the answers of a sheet can be trusted (data reliability, not credit risk). Each indicator
 * is a {@link Flag}; the serious ones lower {@link Confidence}. A LOW result is flagged for review
 * ({@link Trust#reviewRequired}), never dropped: careless answering is common (10 to 12% of a
 * low-stakes sample, Meade and Craig 2012) and a reviewer may still accept it. The thresholds below
 * are conventions from the literature where one exists and judgement otherwise, said so each time;
 * calibrate them on an environment's own data.
 */
public final class TrustIndicators {

  /**
   * LONG_STRING when the longest run of identical raw answers (presentation order, across pages) is
   * at least 10. Judgement on the long-string index (Johnson 2005; Meade and Craig 2012 recommend
   * it as a screen, with cut-offs set per instrument): 10 is a third of the 30-item short form,
   * whose items interleave five domains and mix plus and minus keying, so an attentive run that
   * long is implausible. A per-page rule was rejected: 6 items a page makes "half a page" a run of
   * 3.
   */
  public static final int LONG_STRING_RUN = 10;

  /** FAST_PAGES when a page took less than 2 seconds per item on it (project research notes). */
  public static final int FAST_MS_PER_ITEM = 2000;

  /**
   * INCONSISTENT uses pairs of items of the same facet and the same keying direction (synonym
   * pairs: same content, same wording direction), and counts a pair inconsistent when the two
   * reverse-keyed answers differ by 3 or more (e.g. 1 and 4, 5 and 2: agreeing with one and
   * disagreeing with the other). The indicator needs more than 5 such pairs (research notes on
   * psychometric synonyms: "use more than 5 pairs"), so it is unavailable on the short form (one
   * item a facet) and may be on the standard one; it flags when at least a quarter of the pairs are
   * inconsistent (judgement: facet alpha is only about .68, so a few wide gaps are normal).
   */
  public static final int INCONSISTENT_GAP = 3;

  public static final int MIN_PAIRS = 6;
  public static final double INCONSISTENT_SHARE = 0.25;

  /**
   * GAME_IMPLAUSIBLE when no finished balloon got a single pump (the game was clicked through), or
   * when at least two choices were answered and all fell on one side, but the latter only when the
   * set spans k below this to above {@link #SPAN_HIGH_K}: across a span that wide (the default set
   * spans 0.0004 to 0.25 a day, like the Kirby questionnaire's range) a real preference switches
   * somewhere.
   */
  public static final double SPAN_LOW_K = 0.001;

  public static final double SPAN_HIGH_K = 0.1;

  /** The indicators, in report order. */
  public enum Flag {
    LONG_STRING(true),
    FAST_PAGES(true),
    INCONSISTENT(true),
    GAME_IMPLAUSIBLE(true),
    /** Another device took over (sessions.user_agents above 1): perhaps another person answered. */
    MULTI_DEVICE(true),
    /** Came back after a pause or on another device: normal, so it never lowers confidence. */
    RESUMED(false);

    private final boolean serious;

    Flag(boolean serious) {
      this.serious = serious;
    }

    public boolean serious() {
      return serious;
    }
  }

  public enum Confidence {
    HIGH,
    MEDIUM,
    LOW
  }

  /**
   * The trust of one sheet.
   *
   * @param longString the longest run of identical answers
   * @param fastPages pages answered under 2 s an item
   * @param consistencyPairs the same-facet, same-keying pairs answered
   * @param inconsistentPairs of those, pairs 3 or more points apart; null when the indicator is
   *     unavailable (fewer than {@link #MIN_PAIRS} pairs)
   */
  public record Trust(
      Confidence scoreConfidence,
      Set<Flag> flags,
      boolean reviewRequired,
      int longString,
      int fastPages,
      int consistencyPairs,
      Integer inconsistentPairs) {
    public Trust {
      flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }
  }

  private TrustIndicators() {}

  public static Trust assess(AnswerSheet sheet) {
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    int longString = longString(sheet.questionnaire());
    if (longString >= LONG_STRING_RUN) {
      flags.add(Flag.LONG_STRING);
    }
    int fastPages = fastPages(sheet.questionnaire());
    if (fastPages > 0) {
      flags.add(Flag.FAST_PAGES);
    }
    int[] pairs = consistency(sheet.questionnaire());
    Integer inconsistent = pairs[0] >= MIN_PAIRS ? pairs[1] : null;
    if (inconsistent != null && inconsistent >= INCONSISTENT_SHARE * pairs[0]) {
      flags.add(Flag.INCONSISTENT);
    }
    if (neverPumped(sheet.balloons()) || oneSided(sheet.choiceSet(), sheet.laterChosen())) {
      flags.add(Flag.GAME_IMPLAUSIBLE);
    }
    if (sheet.deviceChanges() > 0) {
      flags.add(Flag.MULTI_DEVICE);
    }
    if (sheet.visits() > 1) {
      flags.add(Flag.RESUMED);
    }
    Confidence confidence = confidence(flags);
    return new Trust(
        confidence,
        flags,
        confidence == Confidence.LOW,
        longString,
        fastPages,
        pairs[0],
        inconsistent);
  }

  /**
   * HIGH with no serious flag, MEDIUM with one, LOW with two or more; LONG_STRING with FAST_PAGES
   * (straight-lining at speed, the classic careless pattern) is always LOW. RESUMED is not serious.
   */
  static Confidence confidence(Set<Flag> flags) {
    long serious = flags.stream().filter(Flag::serious).count();
    if (serious >= 2 || (flags.contains(Flag.LONG_STRING) && flags.contains(Flag.FAST_PAGES))) {
      return Confidence.LOW;
    }
    return serious == 1 ? Confidence.MEDIUM : Confidence.HIGH;
  }

  static int longString(List<ItemAnswer> answers) {
    int longest = 0;
    int run = 0;
    Integer previous = null;
    for (ItemAnswer a : answers) {
      run = previous != null && previous == a.answer() ? run + 1 : 1;
      previous = a.answer();
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /** Pages whose time is under 2 s per item on the page. */
  static int fastPages(List<ItemAnswer> answers) {
    Map<Integer, int[]> pages = new LinkedHashMap<>(); // page -> {items, elapsed ms}
    for (ItemAnswer a : answers) {
      int[] page = pages.computeIfAbsent(a.page(), x -> new int[2]);
      page[0]++;
      page[1] = Math.max(page[1], a.pageElapsedMs());
    }
    return (int) pages.values().stream().filter(p -> p[1] < (long) FAST_MS_PER_ITEM * p[0]).count();
  }

  /** {pairs, inconsistent pairs} over same-facet, same-keying item pairs. */
  static int[] consistency(List<ItemAnswer> answers) {
    Map<String, List<ItemAnswer>> groups = new LinkedHashMap<>();
    for (ItemAnswer a : answers) {
      String key = a.item().domain() + "" + a.item().facet() + (a.item().minusKeyed() ? "-" : "+");
      groups.computeIfAbsent(key, x -> new ArrayList<>()).add(a);
    }
    int pairs = 0;
    int inconsistent = 0;
    for (List<ItemAnswer> group : groups.values()) {
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          pairs++;
          if (Math.abs(group.get(i).score() - group.get(j).score()) >= INCONSISTENT_GAP) {
            inconsistent++;
          }
        }
      }
    }
    return new int[] {pairs, inconsistent};
  }

  /** Finished balloons, and not one pump on any of them. */
  static boolean neverPumped(List<Balloon> balloons) {
    List<Balloon> finished = balloons.stream().filter(Balloon::finished).toList();
    return !finished.isEmpty() && finished.stream().allMatch(b -> b.pumps() == 0);
  }

  /** At least two choices answered, all on the same side, over a set spanning k 0.001 to 0.1. */
  static boolean oneSided(List<Choice> set, Map<Integer, Boolean> laterChosen) {
    if (laterChosen.size() < 2 || set.isEmpty()) {
      return false;
    }
    double low = set.stream().mapToDouble(AnswerSheet::indifferenceK).min().orElseThrow();
    double high = set.stream().mapToDouble(AnswerSheet::indifferenceK).max().orElseThrow();
    boolean spans = low < SPAN_LOW_K && high > SPAN_HIGH_K;
    return spans && laterChosen.values().stream().distinct().count() == 1;
  }
}
