package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.scoring.AnswerSheet.Choice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which modules an environment's assessment runs, in which order, and how long each is. The default
 * takes about five minutes: the short questionnaire, ten balloons, nine choices and the memory
 * span.
 */
public record AssessmentConfig(List<Module> modules) {

  /** One part of the assessment. */
  public sealed interface Module {
    String type();

    Map<String, Object> toJson();
  }

  /**
   * Statements rated 1 to 5; {@code length} picks the form, several statements a page. {@code
   * items} is null in an environment's configuration; the copy a session freezes when it starts
   * records the item ids of its form there, so the session keeps them whatever the forms become.
   */
  public record Questionnaire(ItemBank.Length length, int itemsPerPage, List<String> items)
      implements Module {
    public Questionnaire {
      items = items == null ? null : List.copyOf(items);
    }

    public Questionnaire(ItemBank.Length length, int itemsPerPage) {
      this(length, itemsPerPage, null);
    }

    /** This module with the item ids of its form recorded. */
    public Questionnaire withItems(List<String> items) {
      return new Questionnaire(length, itemsPerPage, items);
    }

    public String type() {
      return "questionnaire";
    }

    public Map<String, Object> toJson() {
      Map<String, Object> json =
          ordered(
              "type",
              type(),
              "length",
              length.name().toLowerCase(Locale.ROOT),
              "items_per_page",
              itemsPerPage);
      if (items != null) {
        json.put("items", items);
      }
      return json;
    }
  }

  /** The balloon risk game: burst points are drawn by the server, 1 to {@code maxPumps}. */
  public record Balloons(int balloons, int maxPumps) implements Module {
    public String type() {
      return "balloons";
    }

    public Map<String, Object> toJson() {
      return ordered("type", type(), "balloons", balloons, "max_pumps", maxPumps);
    }
  }

  /** Smaller-sooner or larger-later choices, one a page. */
  public record Choices(List<Choice> set) implements Module {
    public Choices {
      set = List.copyOf(set);
    }

    public String type() {
      return "choices";
    }

    public Map<String, Object> toJson() {
      List<List<Integer>> pairs =
          set.stream().map(c -> List.of(c.today(), c.later(), c.days())).toList();
      return ordered("type", type(), "set", pairs);
    }
  }

  /** Digits shown briefly then typed back, one longer each round, until two misses. */
  public record MemorySpan(int startLength, int maxLength) implements Module {
    public String type() {
      return "memory_span";
    }

    public Map<String, Object> toJson() {
      return ordered("type", type(), "start_length", startLength, "max_length", maxLength);
    }
  }

  /**
   * The default choices: nine smaller-sooner or larger-later pairs whose indifference points span
   * discount rates k from about 0.0004 to 0.25 a day (k = (later / today - 1) / days), so that the
   * share of delayed choices orders people from patient to impatient.
   */
  public static final List<Choice> DEFAULT_CHOICES =
      List.of(
          new Choice(80, 85, 157),
          new Choice(47, 50, 160),
          new Choice(67, 75, 119),
          new Choice(25, 30, 80),
          new Choice(55, 75, 61),
          new Choice(40, 55, 62),
          new Choice(25, 60, 14),
          new Choice(15, 35, 13),
          new Choice(20, 55, 7));

  public static final AssessmentConfig DEFAULT =
      new AssessmentConfig(
          List.of(
              new Questionnaire(ItemBank.Length.SHORT, 6),
              new Balloons(10, 64),
              new Choices(DEFAULT_CHOICES),
              new MemorySpan(3, 10)));

  public AssessmentConfig {
    modules = List.copyOf(modules);
  }

  public Map<String, Object> toJson() {
    return Map.of("modules", modules.stream().map(Module::toJson).toList());
  }

  /** Reads a configuration, adding every problem to {@code problems}; null if there were any. */
  public static AssessmentConfig parse(JsonNode json, List<String> problems) {
    return parse(json, problems, false);
  }

  /**
   * Reads the configuration a session froze when it started: as {@link #parse(JsonNode, List)}, and
   * the questionnaire may also hold the item ids of its form ({@code items}).
   */
  public static AssessmentConfig parseStarted(JsonNode json, List<String> problems) {
    return parse(json, problems, true);
  }

  /** The configuration with its questionnaire's item ids recorded (nothing else changes). */
  public AssessmentConfig withQuestionnaireItems(List<String> items) {
    return new AssessmentConfig(
        modules.stream()
            .map(m -> m instanceof Questionnaire q ? (Module) q.withItems(items) : m)
            .toList());
  }

  private static AssessmentConfig parse(JsonNode json, List<String> problems, boolean started) {
    int before = problems.size();
    JsonNode list = json == null ? null : json.get("modules");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.add("assessment must be {\"modules\": [...]} with at least one module");
      return null;
    }
    List<Module> modules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode module : list) {
      String type = module.path("type").asText("");
      if (!seen.add(type)) {
        problems.add("assessment module '" + type + "' appears twice");
        continue;
      }
      Module parsed = module(type, module, problems, started);
      if (parsed != null) {
        modules.add(parsed);
      }
    }
    return problems.size() == before ? new AssessmentConfig(modules) : null;
  }

  private static Module module(String type, JsonNode m, List<String> problems, boolean started) {
    Reader r = new Reader(type, m, problems);
    Module module =
        switch (type) {
          case "questionnaire" -> {
            ItemBank.Length length = r.length();
            int perPage = r.integer("items_per_page", 6, 1, 30);
            yield new Questionnaire(length, perPage, started ? r.items(length) : null);
          }
          case "balloons" ->
              new Balloons(r.integer("balloons", 10, 1, 30), r.integer("max_pumps", 64, 8, 128));
          case "choices" -> new Choices(r.choices());
          case "memory_span" -> {
            int start = r.integer("start_length", 3, 2, 8);
            int max = r.integer("max_length", 10, 3, 14);
            if (max < start) {
              problems.add("memory_span max_length must be at least start_length");
            }
            yield new MemorySpan(start, max);
          }
          default -> {
            problems.add(
                "unknown assessment module '"
                    + type
                    + "' (known: questionnaire, balloons, choices, memory_span)");
            yield null;
          }
        };
    r.rejectUnknown();
    return module;
  }

  /** Reads one module's fields with defaults, collecting problems. */
  private static final class Reader {
    private final String type;
    private final JsonNode node;
    private final List<String> problems;
    private final Set<String> known = new HashSet<>(Set.of("type"));

    Reader(String type, JsonNode node, List<String> problems) {
      this.type = type;
      this.node = node;
      this.problems = problems;
    }

    int integer(String field, int fallback, int min, int max) {
      known.add(field);
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
        problems.add(type + " " + field + " must be a whole number from " + min + " to " + max);
        return fallback;
      }
      return value.intValue();
    }

    ItemBank.Length length() {
      known.add("length");
      String value = node.path("length").asText("short");
      try {
        return ItemBank.Length.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("questionnaire length must be short (30 items), standard (60) or full (120)");
        return ItemBank.Length.SHORT;
      }
    }

    /** A started session's item ids: absent (null) or as many distinct ids as the form has. */
    List<String> items(ItemBank.Length length) {
      known.add("items");
      JsonNode items = node.get("items");
      if (items == null || items.isNull()) {
        return null;
      }
      List<String> ids = new ArrayList<>();
      if (items.isArray()) {
        items.forEach(id -> ids.add(id.isTextual() ? id.asText() : ""));
      }
      if (ids.size() != length.items()
          || ids.contains("")
          || ids.stream().distinct().count() != ids.size()) {
        problems.add("questionnaire items must be the " + length.items() + " item ids of the form");
        return null;
      }
      return ids;
    }

    List<Choice> choices() {
      known.add("set");
      JsonNode set = node.get("set");
      if (set == null || set.isNull()) {
        return DEFAULT_CHOICES;
      }
      List<Choice> choices = new ArrayList<>();
      if (set.isArray() && !set.isEmpty() && set.size() <= 27) {
        for (JsonNode pair : set) {
          if (pair.isArray()
              && pair.size() == 3
              && pair.get(0).canConvertToInt()
              && pair.get(1).canConvertToInt()
              && pair.get(2).canConvertToInt()) {
            int today = pair.get(0).intValue();
            int later = pair.get(1).intValue();
            int days = pair.get(2).intValue();
            if (today >= 1 && later > today && later <= 100_000 && days >= 1 && days <= 3650) {
              choices.add(new Choice(today, later, days));
              continue;
            }
          }
          problems.add(
              "choices set entries must be [today, later, days] with 1 <= today < later <= 100000"
                  + " and 1 <= days <= 3650");
          return DEFAULT_CHOICES;
        }
        return choices;
      }
      problems.add("choices set must be a list of 1 to 27 [today, later, days] entries");
      return DEFAULT_CHOICES;
    }

    void rejectUnknown() {
      node.fieldNames()
          .forEachRemaining(
              name -> {
                if (!known.contains(name)) {
                  problems.add("unknown field '" + name + "' in assessment module '" + type + "'");
                }
              });
    }
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
