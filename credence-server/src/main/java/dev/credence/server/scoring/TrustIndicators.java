package dev.credence.server.scoring;

import dev.credence.server.scoring.AnswerSheet.Balloon;
import dev.credence.server.scoring.AnswerSheet.Choice;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
   * INCONSISTENT compares pairs of items that should be answered alike once reverse-keyed, and
   * counts a pair inconsistent when the two reverse-keyed answers are 3 or more apart. Which pairs
   * depends on the form: with two or more items of a facet (the standard and full forms), every
   * pair of items of the same facet, same keying (synonyms) and opposite keying (antonyms: "Very
   * Accurate" to both an item and its opposite is a 5 and a 1 once reverse-keyed); with one item a
   * facet (the short form), every pair of opposite-keyed items of the same domain (3 x 3 = 9 a
   * domain). So the short form has 45 pairs, the standard 30 and the full 180. It needs more than 5
   * pairs (research notes on psychometric synonyms: "use more than 5 pairs") and flags when at
   * least a quarter of them are inconsistent. Judgement: answering at random makes 6 in 25 pairs
   * inconsistent on average (gaps of 3 or 4 between two uniform answers), agreeing with everything
   * (4 or 5 throughout) makes three quarters of antonym pairs inconsistent, and facet alpha is only
   * about .68 (domains lower), so a few wide gaps are normal.
   */
  public static final int INCONSISTENT_GAP = 3;

  public static final int MIN_PAIRS = 6;
  public static final double INCONSISTENT_SHARE = 0.25;

  /** The indicators, in report order. */
  public enum Flag {
    LONG_STRING(true),
    FAST_PAGES(true),
    INCONSISTENT(true),
    /**
     * No finished balloon got a single pump (the game was clicked through), or no single discount
     * rate explains the choices ({@link TrustIndicators#unexplainedChoices}).
     */
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
   * @param consistencyPairs the item pairs compared (see {@link #INCONSISTENT_GAP})
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
    if (neverPumped(sheet.balloons())
        || unexplainedChoices(sheet.choiceSet(), sheet.laterChosen())) {
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
   * The trust of a simulated applicant with {@code flags}: the confidence and review the rules give
   * those flags, and each raw indicator at the value that raises its flag (none without it).
   */
  public static Trust of(Set<Flag> flags) {
    Confidence confidence = confidence(flags);
    boolean inconsistent = flags.contains(Flag.INCONSISTENT);
    return new Trust(
        confidence,
        flags,
        confidence == Confidence.LOW,
        flags.contains(Flag.LONG_STRING) ? LONG_STRING_RUN : 1,
        flags.contains(Flag.FAST_PAGES) ? 1 : 0,
        inconsistent ? MIN_PAIRS : 0,
        inconsistent ? MIN_PAIRS : null);
  }

  /**
   * HIGH with no serious flag, MEDIUM with one, LOW with two or more; LONG_STRING with FAST_PAGES
   * (straight-lining at speed, the classic careless pattern) is always LOW. RESUMED is not serious.
   */
  public static Confidence confidence(Set<Flag> flags) {
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

  /**
   * {pairs, inconsistent pairs}: every pair of items of the same facet when some facet has two or
   * more answered items, else every pair of opposite-keyed items of the same domain.
   */
  static int[] consistency(List<ItemAnswer> answers) {
    Map<String, List<ItemAnswer>> facets = new LinkedHashMap<>();
    Map<Character, List<ItemAnswer>> domains = new LinkedHashMap<>();
    for (ItemAnswer a : answers) {
      facets
          .computeIfAbsent(a.item().domain() + "" + a.item().facet(), x -> new ArrayList<>())
          .add(a);
      domains.computeIfAbsent(a.item().domain(), x -> new ArrayList<>()).add(a);
    }
    boolean byFacet = facets.values().stream().anyMatch(f -> f.size() > 1);
    int pairs = 0;
    int inconsistent = 0;
    for (List<ItemAnswer> group : byFacet ? facets.values() : domains.values()) {
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          ItemAnswer a = group.get(i);
          ItemAnswer b = group.get(j);
          if (!byFacet && a.item().minusKeyed() == b.item().minusKeyed()) {
            continue;
          }
          pairs++;
          if (Math.abs(a.score() - b.score()) >= INCONSISTENT_GAP) {
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

  /**
   * Whether no single discount rate explains the choices. Ordered by their indifference rate k_i
   * (lowest first; on equal k_i "today" before "later", as either order fits a rate equal to k_i),
   * someone with a rate k takes "today" on every choice with k_i below k and "later" on the rest:
   * today ... today later ... later, with at most one switch point. All "later" (the most patient),
   * all "today" (the most impatient) and one switch from today to later all fit a rate; two or more
   * switch points, or one from later back to today, fit none.
   */
  static boolean unexplainedChoices(List<Choice> set, Map<Integer, Boolean> laterChosen) {
    List<double[]> ordered = new ArrayList<>(); // {k_i, 1 if later}
    laterChosen.forEach(
        (index, later) ->
            ordered.add(
                new double[] {AnswerSheet.indifferenceK(set.get(index - 1)), later ? 1 : 0}));
    ordered.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1]));
    List<Boolean> later = ordered.stream().map(c -> c[1] == 1).toList();
    int switches = switchPoints(later);
    return switches >= 2 || (switches == 1 && later.get(0));
  }

  /** Adjacent answers that differ: the switch points of the ordered choices. */
  static int switchPoints(List<Boolean> later) {
    int switches = 0;
    for (int i = 1; i < later.size(); i++) {
      if (!later.get(i).equals(later.get(i - 1))) {
        switches++;
      }
    }
    return switches;
  }
}
