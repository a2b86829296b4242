package dev.credence.server.scoring;

import dev.credence.server.scoring.AnswerSheet.Balloon;
import dev.credence.server.scoring.AnswerSheet.Choice;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.AnswerSheet.ItemFacts;
import dev.credence.server.scoring.AnswerSheet.MemoryRound;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fixed answer sheets for the scoring tests; items are made up here, never read from the bank. */
final class Sheets {
  private Sheets() {}

  static ItemFacts plus(String id, char domain, int facet) {
    return new ItemFacts(id, false, domain, facet);
  }

  static ItemFacts minus(String id, char domain, int facet) {
    return new ItemFacts(id, true, domain, facet);
  }

  /** A sheet with only questionnaire answers, one visit on one device. */
  static AnswerSheet questionnaire(List<ItemAnswer> answers) {
    return new AnswerSheet(answers, List.of(), Map.of(), List.of(), List.of(), 1, 1);
  }

  /**
   * Plus-keyed answers to items of 30 different facets (no consistency pairs: no facet has two
   * items and no domain a minus-keyed one), {@code perPage} a page, each page taking {@code
   * pageMs}.
   */
  static List<ItemAnswer> distinctFacets(int[] answers, int perPage, int pageMs) {
    List<ItemAnswer> list = new ArrayList<>();
    for (int n = 0; n < answers.length; n++) {
      ItemFacts item = plus("i" + n, "NEOAC".charAt(n % 5), (n / 5) % 6 + 1);
      list.add(new ItemAnswer(item, answers[n], n / perPage + 1, pageMs));
    }
    return list;
  }

  static AnswerSheet balloons(List<Balloon> balloons) {
    return new AnswerSheet(List.of(), List.of(), Map.of(), balloons, List.of(), 1, 1);
  }

  static AnswerSheet choices(List<Choice> set, Map<Integer, Boolean> laterChosen) {
    return new AnswerSheet(List.of(), set, laterChosen, List.of(), List.of(), 1, 1);
  }

  static AnswerSheet memory(List<MemoryRound> rounds) {
    return new AnswerSheet(List.of(), List.of(), Map.of(), List.of(), rounds, 1, 1);
  }

  static AnswerSheet session(int visits, int devices) {
    return new AnswerSheet(List.of(), List.of(), Map.of(), List.of(), List.of(), visits, devices);
  }
}
