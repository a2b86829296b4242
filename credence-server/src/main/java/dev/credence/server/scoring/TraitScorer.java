package dev.credence.server.scoring;

import dev.credence.server.scoring.AnswerSheet.Balloon;
import dev.credence.server.scoring.AnswerSheet.Choice;
import dev.credence.server.scoring.AnswerSheet.MemoryRound;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Turns an {@link AnswerSheet} into trait scores. Pure: the same sheet always gives the same
 * traits.
 */
public final class TraitScorer {
  // The trait keys of Traits.toMap, shared with Norms; scales are keyed "domain.N", "facet.N1".
  public static final String ADJUSTED_PUMPS = "balloons.adjusted_pumps";

  public static final String BURSTS = "balloons.bursts";
  public static final String DELAYED_SHARE = "choices.delayed_share";
  public static final String K = "choices.k";
  public static final String MEMORY_SPAN = "memory_span";

  private TraitScorer() {}

  /**
   * A questionnaire scale: the sum of the reverse-keyed answers and its POMP (percent of maximum
   * possible) score, {@code 100 * (raw - min) / (max - min)} with min = 1 and max = 5 per item
   * answered, so forms of any length land on the same 0 to 100 scale.
   */
  public record Scale(int raw, int items, double pomp) {
    static Scale of(int raw, int items) {
      return new Scale(raw, items, 100.0 * (raw - items) / (4.0 * items));
    }
  }

  /**
   * The traits of one sheet.
   *
   * @param facets by "N1" .. "C6", only facets with at least one answer
   * @param domains by "N", "E", "O", "A", "C", only domains with at least one answer
   * @param adjustedPumps mean pumps over collected balloons; null when none was collected
   * @param bursts balloons that burst; null when no balloon was finished (the game was not played)
   * @param delayedShare share of answered choices that took the later amount; null when none
   * @param k estimated hyperbolic discount rate a day; null when not bracketed by the set
   * @param memorySpan the longest sequence typed back correctly; 0 if none was, null when no round
   *     was answered (the task was not played)
   */
  public record Traits(
      Map<String, Scale> facets,
      Map<String, Scale> domains,
      Double adjustedPumps,
      Integer bursts,
      Double delayedShare,
      Double k,
      Integer memorySpan) {
    public Traits {
      facets = Collections.unmodifiableMap(new LinkedHashMap<>(facets));
      domains = Collections.unmodifiableMap(new LinkedHashMap<>(domains));
    }

    /**
     * Every trait as a number by key (POMP for scales), the shape {@link Norms} reads; traits not
     * measured (null) are left out, so they do not enter a population's norms.
     */
    public Map<String, Double> toMap() {
      Map<String, Double> map = new LinkedHashMap<>();
      domains.forEach((d, s) -> map.put("domain." + d, s.pomp()));
      facets.forEach((f, s) -> map.put("facet." + f, s.pomp()));
      putIfPresent(map, ADJUSTED_PUMPS, adjustedPumps);
      putIfPresent(map, BURSTS, bursts == null ? null : bursts.doubleValue());
      putIfPresent(map, DELAYED_SHARE, delayedShare);
      putIfPresent(map, K, k);
      putIfPresent(map, MEMORY_SPAN, memorySpan == null ? null : memorySpan.doubleValue());
      return map;
    }

    private static void putIfPresent(Map<String, Double> map, String key, Double value) {
      if (value != null) {
        map.put(key, value);
      }
    }
  }

  /**
   * The features a result is scored and stored with: the traits ({@link Traits#toMap}), then what
   * the modules measured beyond them ({@link AnswerSheet#measures}). A measure may not take a
   * trait's key.
   */
  public static Map<String, Double> features(Traits traits, AnswerSheet sheet) {
    Map<String, Double> features = traits.toMap();
    sheet
        .measures()
        .forEach(
            (key, value) -> {
              if (features.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("measure " + key + " takes a trait's key");
              }
            });
    return features;
  }

  public static Traits score(AnswerSheet sheet) {
    Map<String, int[]> facets = new TreeMap<>(TraitScorer::byDomainOrder);
    Map<String, int[]> domains = new TreeMap<>(TraitScorer::byDomainOrder);
    for (AnswerSheet.ItemAnswer a : sheet.questionnaire()) {
      String domain = String.valueOf(a.item().domain());
      add(facets, domain + a.item().facet(), a.score());
      add(domains, domain, a.score());
    }
    return new Traits(
        scales(facets),
        scales(domains),
        adjustedPumps(sheet.balloons()),
        bursts(sheet.balloons()),
        delayedShare(sheet.laterChosen()),
        k(sheet.choiceSet(), sheet.laterChosen()),
        memorySpan(sheet.memoryRounds()));
  }

  /**
   * BART (Lejuez et al. 2002): mean pumps over balloons collected; bursts are censored and left
   * out.
   */
  static Double adjustedPumps(List<Balloon> balloons) {
    OptionalDouble mean =
        balloons.stream()
            .filter(b -> "COLLECTED".equals(b.outcome()))
            .mapToInt(Balloon::pumps)
            .average();
    return mean.isPresent() ? mean.getAsDouble() : null;
  }

  static Integer bursts(List<Balloon> balloons) {
    if (balloons.stream().noneMatch(Balloon::finished)) {
      return null;
    }
    return (int) balloons.stream().filter(b -> "BURST".equals(b.outcome())).count();
  }

  static Double delayedShare(Map<Integer, Boolean> laterChosen) {
    if (laterChosen.isEmpty()) {
      return null;
    }
    long later = laterChosen.values().stream().filter(Boolean::booleanValue).count();
    return (double) later / laterChosen.size();
  }

  /**
   * The hyperbolic discount rate k, after Kirby, Petry and Bickel (1999). Each choice has an
   * indifference rate k_i = (later / today - 1) / days: someone with k below k_i prefers the later
   * amount, above it the sooner one. With the answered choices sorted by k_i, every switch position
   * j (0 to n) stands for "k between k_j and k_j+1" and predicts sooner for the first j choices and
   * later for the rest. The position(s) agreeing with the most choices win, and k is the geometric
   * mean of the two k_i that bracket each winning position (averaged geometrically over ties).
   *
   * <p>Null when the best fit lies beyond either end of the set (k is then only known to be below
   * the smallest or above the largest k_i), which covers all choices on one side, and when nothing
   * was answered.
   */
  static Double k(List<Choice> set, Map<Integer, Boolean> laterChosen) {
    // {k_i, 1 if later, index}, by k_i then index so that equal k_i sort the same every time
    List<double[]> answered = new ArrayList<>();
    laterChosen.forEach(
        (index, later) ->
            answered.add(
                new double[] {
                  AnswerSheet.indifferenceK(set.get(index - 1)), later ? 1 : 0, index
                }));
    answered.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[2]));
    int n = answered.size();
    if (n == 0) {
      return null;
    }
    int best = -1;
    List<Integer> winners = new ArrayList<>();
    for (int j = 0; j <= n; j++) {
      int agree = 0;
      for (int i = 0; i < n; i++) {
        boolean predictedLater = i >= j;
        if ((answered.get(i)[1] == 1) == predictedLater) {
          agree++;
        }
      }
      if (agree > best) {
        best = agree;
        winners.clear();
      }
      if (agree == best) {
        winners.add(j);
      }
    }
    if (winners.contains(0) || winners.contains(n)) {
      return null;
    }
    double logSum = 0;
    for (int j : winners) {
      logSum += 0.5 * (Math.log(answered.get(j - 1)[0]) + Math.log(answered.get(j)[0]));
    }
    return Math.exp(logSum / winners.size());
  }

  /** The longest digit sequence typed back correctly; 0 if none was, null if none answered. */
  static Integer memorySpan(List<MemoryRound> rounds) {
    if (rounds.stream().noneMatch(MemoryRound::answered)) {
      return null;
    }
    return rounds.stream()
        .filter(r -> Boolean.TRUE.equals(r.correct()))
        .mapToInt(r -> r.digits().length())
        .max()
        .orElse(0);
  }

  private static void add(Map<String, int[]> sums, String key, int score) {
    int[] sum = sums.computeIfAbsent(key, x -> new int[2]);
    sum[0] += score;
    sum[1]++;
  }

  private static Map<String, Scale> scales(Map<String, int[]> sums) {
    Map<String, Scale> scales = new LinkedHashMap<>();
    sums.forEach((key, sum) -> scales.put(key, Scale.of(sum[0], sum[1])));
    return scales;
  }

  /** N, E, O, A, C order (the item bank's), then facet number. */
  private static int byDomainOrder(String a, String b) {
    int byDomain = Integer.compare("NEOAC".indexOf(a.charAt(0)), "NEOAC".indexOf(b.charAt(0)));
    return byDomain != 0 ? byDomain : a.compareTo(b);
  }
}
