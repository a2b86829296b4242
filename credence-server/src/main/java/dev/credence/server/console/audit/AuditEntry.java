package dev.credence.server.console.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * One audit entry as the page shows it: who, when, what (in words, with its code), on what, and the
 * changed fields as rows of a small before and after table, read from the stored JSON.
 */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    String action,
    String label,
    String target,
    List<Field> fields) {

  /**
   * One field of the values before and after; a nested field is named by its path ({@code
   * settings.webhook_url}).
   *
   * @param before its value before, null when it had none
   * @param after its value after, null when it has none
   */
  public record Field(String name, String before, String after) {
    public boolean changed() {
      return before == null ? after != null : !before.equals(after);
    }
  }

  /** The actions the dashboard and the operator write, in words; any other shows its code. */
  static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("company.created", "Company created"),
          Map.entry("deployment.created", "Deployment created"),
          Map.entry("environment.settings_changed", "Settings changed"),
          Map.entry("environment.key_revealed", "API key revealed"),
          Map.entry("environment.key_rotated", "API key rotated"),
          Map.entry("environment.key_overlap_ended", "Old API key stopped"),
          Map.entry("webhook.test_sent", "Test webhook sent"),
          Map.entry("event.redelivered", "Event sent again"),
          Map.entry("events.redelivered", "Failed events sent again"),
          Map.entry("session.reopened", "Session re-opened"),
          Map.entry("session.erased", "Applicant's data erased"),
          Map.entry("links.generated", "Links made"),
          Map.entry("outcomes.uploaded", "Outcomes uploaded"),
          Map.entry("model.fitted", "Model fitted"),
          Map.entry("model.activated", "Model activated"),
          Map.entry("user.invited", "User invited"),
          Map.entry("invitation.accepted", "Invitation accepted"),
          Map.entry("invitation.withdrawn", "Invitation withdrawn"),
          Map.entry("user.role_changed", "Role changed"),
          Map.entry("user.removed", "User removed"));

  public static String label(String action) {
    return LABELS.getOrDefault(action, action);
  }

  static AuditEntry of(AuditLog.Entry e) {
    return new AuditEntry(
        e.id(),
        e.at(),
        e.actor(),
        e.action(),
        label(e.action()),
        e.target(),
        fields(e.before(), e.after()));
  }

  /** The fields of both sides, those of {@code before} first, each with its two values. */
  static List<Field> fields(String beforeJson, String afterJson) {
    Map<String, String> before = flat(beforeJson);
    Map<String, String> after = flat(afterJson);
    Set<String> names = new LinkedHashSet<>(before.keySet());
    names.addAll(after.keySet());
    List<Field> fields = new ArrayList<>();
    for (String name : names) {
      fields.add(new Field(name, before.get(name), after.get(name)));
    }
    return fields;
  }

  /** A JSON value as field name to text; a value that is not an object is one field, "value". */
  static Map<String, String> flat(String json) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (json == null) {
      return fields;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      fields.put("value", json);
      return fields;
    }
    if (node == null || node.isMissingNode()) {
      return fields;
    }
    if (node.isObject()) {
      flatten(node, "", fields);
    } else {
      fields.put("value", text(node));
    }
    return fields;
  }

  private static void flatten(JsonNode node, String prefix, Map<String, String> fields) {
    node.fields()
        .forEachRemaining(
            field -> {
              String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
              JsonNode value = field.getValue();
              if (value.isObject() && !value.isEmpty()) {
                flatten(value, name, fields);
              } else {
                fields.put(name, text(value));
              }
            });
  }

  /** A value in words: text as it is, null as "none", a list of plain values comma separated. */
  private static String text(JsonNode value) {
    if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
      return "none";
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    if (value.isArray() && allPlain(value)) {
      StringJoiner joined = new StringJoiner(", ");
      value.forEach(v -> joined.add(v.isNull() ? "none" : v.asText()));
      return joined.toString();
    }
    return value.toString();
  }

  private static boolean allPlain(JsonNode array) {
    for (JsonNode v : array) {
      if (!v.isValueNode()) {
        return false;
      }
    }
    return true;
  }
}
