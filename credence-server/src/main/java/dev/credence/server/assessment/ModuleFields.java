package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One module's entry of the {@code assessment} setting, read field by field with its problems. */
public final class ModuleFields {
  private final String type;
  private final JsonNode node;
  private final List<String> problems;
  private final boolean started;
  private final Set<String> known = new HashSet<>(Set.of("type"));

  ModuleFields(String type, JsonNode node, List<String> problems, boolean started) {
    this.type = type;
    this.node = node;
    this.problems = problems;
    this.started = started;
  }

  /** Whether this is a session's frozen copy, which may hold what only a start records. */
  public boolean started() {
    return started;
  }

  /** A field the module reads; null when absent. */
  public JsonNode field(String name) {
    known.add(name);
    return node.get(name);
  }

  public void problem(String problem) {
    problems.add(problem);
  }

  /** A whole number field from {@code min} to {@code max}, {@code fallback} when absent. */
  public int integer(String field, int fallback, int min, int max) {
    JsonNode value = field(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      problems.add(type + " " + field + " must be a whole number from " + min + " to " + max);
      return fallback;
    }
    return value.intValue();
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
