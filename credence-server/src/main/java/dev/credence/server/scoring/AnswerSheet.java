package dev.credence.server.scoring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything one finished session answered, as plain values: the input of {@link TraitScorer} and
 * {@link TrustIndicators}. The assessment modules fill it from what they stored (answers, balloons,
 * memory rounds) and the session row; nothing here touches a database, and its records are its own
 * so that scoring depends on no other part of the server.
 *
 * @param questionnaire the questionnaire answers in presentation order
 * @param choiceSet the configured choices, in the configured order
 * @param laterChosen per 1-based index into {@code choiceSet} (the stored item "1".."n"): true when
 *     the larger later amount was chosen (stored answer 1), false for today (0); unanswered choices
 *     are absent
 * @param balloons the balloons played; unfinished ones (no outcome) are ignored by the scoring
 * @param memoryRounds the memory rounds shown
 * @param visits how many sittings: the first opening of the link, and each later one after a pause
 *     or on another device (sessions.visits)
 * @param devices how many devices were seen, the first one included (sessions.user_agents, which
 *     counts the first visit and every later change of user agent)
 * @param measures what a module measures beyond the fields above, keyed {@code <module
 *     type>.<measure>} ({@code yes_no.yes_share}), in the order they were added: stored with the
 *     result's features, so a model can be fitted on them
 */
public record AnswerSheet(
    List<ItemAnswer> questionnaire,
    List<Choice> choiceSet,
    Map<Integer, Boolean> laterChosen,
    List<Balloon> balloons,
    List<MemoryRound> memoryRounds,
    int visits,
    int devices,
    Map<String, Double> measures) {

  /** A measure's key: the module's type, a dot, the measure's name. */
  private static final Pattern MEASURE_KEY = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");

  /** A sheet without measures of other modules. */
  public AnswerSheet(
      List<ItemAnswer> questionnaire,
      List<Choice> choiceSet,
      Map<Integer, Boolean> laterChosen,
      List<Balloon> balloons,
      List<MemoryRound> memoryRounds,
      int visits,
      int devices) {
    this(questionnaire, choiceSet, laterChosen, balloons, memoryRounds, visits, devices, Map.of());
  }

  /**
   * What scoring needs to know of a questionnaire item.
   *
   * @param minusKeyed whether the item is reverse-keyed (its score is 6 minus the answer)
   * @param domain N, E, O, A or C
   * @param facet 1 to 6
   */
  public record ItemFacts(String id, boolean minusKeyed, char domain, int facet) {
    public ItemFacts {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("an item needs an id");
      }
      if ("NEOAC".indexOf(domain) < 0 || facet < 1 || facet > 6) {
        throw new IllegalArgumentException("no such facet: " + domain + facet);
      }
    }

    /**
     * The score of an answer (1 to 5): the answer itself for plus-keyed items, {@code 6 - answer}
     * for minus-keyed ones.
     *
     * @throws IllegalArgumentException if the answer is not 1 to 5
     */
    public int score(int answer) {
      if (answer < 1 || answer > 5) {
        throw new IllegalArgumentException("an answer is 1 to 5, not " + answer);
      }
      return minusKeyed ? 6 - answer : answer;
    }
  }

  /** One delay-discounting choice: {@code today} points now or {@code later} in {@code days}. */
  public record Choice(int today, int later, int days) {}

  /** One balloon played: {@code outcome} is COLLECTED, BURST, or null while it is unfinished. */
  public record Balloon(int index, int burstPoint, int pumps, String outcome) {
    public boolean finished() {
      return outcome != null;
    }
  }

  /** One memory round: {@code correct} is null until it is answered. */
  public record MemoryRound(int round, String digits, Boolean correct) {
    public boolean answered() {
      return correct != null;
    }
  }

  /**
   * One questionnaire answer.
   *
   * @param answer the option chosen, 1 to 5, before reverse keying
   * @param page the page it was shown on
   * @param pageElapsedMs the time spent on that page (the same on every answer of the page)
   */
  public record ItemAnswer(ItemFacts item, int answer, int page, int pageElapsedMs) {
    public ItemAnswer {
      if (item == null) {
        throw new IllegalArgumentException("an answer needs its item");
      }
      item.score(answer); // rejects answers outside 1 to 5
      if (pageElapsedMs < 0) {
        throw new IllegalArgumentException("elapsed time cannot be negative");
      }
    }

    /** The answer after reverse keying. */
    public int score() {
      return item.score(answer);
    }
  }

  public AnswerSheet {
    Map<String, Double> ordered = new LinkedHashMap<>();
    measures.forEach(
        (key, value) -> {
          if (!MEASURE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException(
                "a measure is keyed <module type>.<name> in lower case, not '" + key + "'");
          }
          if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("measure " + key + " is not a finite number");
          }
          ordered.put(key, value);
        });
    measures = Collections.unmodifiableMap(ordered);
    questionnaire = List.copyOf(questionnaire);
    choiceSet = List.copyOf(choiceSet);
    laterChosen = Map.copyOf(laterChosen);
    balloons = List.copyOf(balloons);
    memoryRounds = List.copyOf(memoryRounds);
    for (int index : laterChosen.keySet()) {
      if (index < 1 || index > choiceSet.size()) {
        throw new IllegalArgumentException(
            "no choice " + index + " in a set of " + choiceSet.size());
      }
    }
    if (visits < 0 || devices < 0) {
      throw new IllegalArgumentException("visits and devices cannot be negative");
    }
  }

  /** Filled by each module of the assessment with what it contributes; empty parts stay empty. */
  public static final class Builder {
    private List<ItemAnswer> questionnaire = List.of();
    private List<Choice> choiceSet = List.of();
    private Map<Integer, Boolean> laterChosen = Map.of();
    private List<Balloon> balloons = List.of();
    private List<MemoryRound> memoryRounds = List.of();
    private final Map<String, Double> measures = new LinkedHashMap<>();

    public Builder questionnaire(List<ItemAnswer> answers) {
      this.questionnaire = answers;
      return this;
    }

    public Builder choices(List<Choice> set, Map<Integer, Boolean> laterChosen) {
      this.choiceSet = set;
      this.laterChosen = laterChosen;
      return this;
    }

    public Builder balloons(List<Balloon> balloons) {
      this.balloons = balloons;
      return this;
    }

    public Builder memoryRounds(List<MemoryRound> rounds) {
      this.memoryRounds = rounds;
      return this;
    }

    /**
     * A module's own measure, keyed {@code <module type>.<name>}: stored with the result's features
     * (and so available to a fitted model) without any change to the scoring.
     */
    public Builder measure(String key, double value) {
      if (measures.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("measure " + key + " is given twice");
      }
      return this;
    }

    public AnswerSheet build(int visits, int devices) {
      return new AnswerSheet(
          questionnaire, choiceSet, laterChosen, balloons, memoryRounds, visits, devices, measures);
    }
  }

  /** Changes of device after the first one. */
  public int deviceChanges() {
    return Math.max(0, devices - 1);
  }

  /** The indifference discount rate of a choice: k = (later / today - 1) / days. */
  public static double indifferenceK(Choice choice) {
    return ((double) choice.later() / choice.today() - 1) / choice.days();
  }
}
