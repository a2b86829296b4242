package dev.credence.server.console.deployments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.credence.server.deployments.EnvironmentSettings;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings form of one environment: the text each field shows, and what is wrong with it. The
 * fields are the operator API's settings under their JSON names, all but {@code hmac_required},
 * which only the operator changes. Values are checked by {@link EnvironmentSettings#patch}, one
 * field at a time, so each message stands next to its field. Setting or shortening {@code
 * retention_days} erases data for good, so it needs its box ticked as well (a {@link
 * Field#confirm}).
 */
public final class SettingsForm {
  /** How a setting is entered. */
  public enum Type {
    NUMBER,
    URL,
    TEXT,
    CHECKBOX,
    JSON,
    /** Several values on one line, separated by spaces (or commas); a JSON list of strings. */
    LIST
  }

  /**
   * One field of the form: its JSON name, its label, a line of help, how it is entered, what an
   * empty value means, and the box that must be ticked to set or lower it (null: none).
   */
  public record Field(
      String name, String label, String help, Type type, String empty, String confirm) {
    Field(String name, String label, String help, Type type, String empty) {
      this(name, label, help, type, empty, null);
    }

    public boolean is(String type) {
      return this.type.name().equals(type);
    }

    /** The name of the box that confirms this field's change. */
    public String confirmName() {
      return name + "_confirm";
    }
  }

  public static final List<Field> FIELDS =
      List.of(
          new Field(
              "session_expiry_hours",
              "Session time limit (hours)",
              "1 to 10,000. Applies to sessions created from now on.",
              Type.NUMBER,
              ""),
          new Field(
              "complete_url",
              "Complete URL",
              "Where a finished applicant goes. Empty: the thank-you page.",
              Type.URL,
              "none"),
          new Field(
              "cancelled_url",
              "Cancelled URL",
              "Where an applicant who declines consent goes. Empty: a built-in page.",
              Type.URL,
              "none"),
          new Field(
              "expired_url",
              "Expired URL",
              "Where an expired link goes. Empty: the built-in \"link expired\" page.",
              Type.URL,
              "none"),
          new Field(
              "show_completion_page",
              "Show the thank-you page",
              "With a button on to the Complete URL if set; unticked: straight to the Complete"
                  + " URL.",
              Type.CHECKBOX,
              ""),
          new Field(
              "webhook_url",
              "Webhook URL",
              "Where this environment's events are sent, signed. Empty: no webhooks.",
              Type.URL,
              "none"),
          new Field(
              "privacy_policy_url",
              "Privacy policy URL",
              "Linked from the consent page. Empty: no link.",
              Type.URL,
              "none"),
          new Field(
              "lender_contact",
              "Contact line",
              "How an applicant reaches you, shown on the end pages as plain text, at most 200"
                  + " characters. Empty: none.",
              Type.TEXT,
              "none"),
          new Field(
              "brand_logo_url",
              "Logo URL",
              "Shown at the top of every assessment page. Empty: no logo.",
              Type.URL,
              "none"),
          new Field(
              "brand_primary_color",
              "Primary colour",
              "Like #1a73e8: buttons, progress bar, the page's edge. Empty: Credence's colour.",
              Type.TEXT,
              "Credence's colour"),
          new Field(
              "rate_limit_per_minute",
              "New sessions a minute",
              "1 to 1,000,000, counted on each node. Empty: no limit.",
              Type.NUMBER,
              "no limit"),
          new Field(
              "max_open_sessions",
              "Open sessions at once",
              "1 to 100,000,000, across all nodes. Empty: no limit.",
              Type.NUMBER,
              "no limit"),
          new Field(
              "assessment",
              "Assessment (JSON)",
              "{\"modules\": [...]}: which modules, in which order. Empty: the default.",
              Type.JSON,
              "the default"),
          new Field(
              "scoring_model",
              "Scoring model (JSON)",
              "A credit model. Empty: the default model.",
              Type.JSON,
              "the default"),
          new Field(
              "norms_minimum",
              "Norms minimum",
              "20 to 100,000 results before this environment's own population replaces the"
                  + " default norms.",
              Type.NUMBER,
              ""),
          new Field(
              "retention_days",
              "Retention (days)",
              "1 to 3,650. Finished sessions older than this are erased for good, at most an hour"
                  + " after they pass it; empty keeps them.",
              Type.NUMBER,
              "kept for ever",
              "Finished sessions older than this are erased for good"),
          new Field(
              "frame_ancestors",
              "Frame origins",
              "The https origins whose pages may show the assessment in a frame, separated by"
                  + " spaces, at most 10 (docs/embedding.md). Empty: no frame anywhere.",
              Type.LIST,
              "none"));

  private final Map<String, String> values;
  private final Map<String, String> stored;
  private final Map<String, String> errors = new LinkedHashMap<>();
  private final Map<String, Boolean> confirmed = new LinkedHashMap<>();

  private SettingsForm(Map<String, String> values) {
    this.values = values;
    this.stored = Map.copyOf(values);
  }

  /** The form showing an environment's current settings. */
  public static SettingsForm of(EnvironmentSettings settings) {
    JsonNode json = Json.MAPPER.valueToTree(settings.toJson());
    Map<String, String> values = new LinkedHashMap<>();
    for (Field field : FIELDS) {
      values.put(field.name(), text(field, json.get(field.name())));
    }
    return new SettingsForm(values);
  }

  /**
   * The form as it was sent: {@code params} gives a field's values, none when it was not sent. A
   * field not sent keeps its {@code current} value, so a form that leaves one out clears nothing. A
   * checkbox comes after a hidden field of the same name holding {@code false}, so that an unticked
   * box is still sent.
   */
  public static SettingsForm read(
      Function<String, List<String>> params, EnvironmentSettings current) {
    SettingsForm form = of(current);
    for (Field field : FIELDS) {
      if (field.confirm() != null) {
        List<String> box = params.apply(field.confirmName());
        form.confirmed.put(field.name(), box != null && box.contains("yes"));
      }
      List<String> sent = params.apply(field.name());
      if (sent == null || sent.isEmpty()) {
        continue;
      }
      form.values.put(
          field.name(),
          field.type() == Type.CHECKBOX
              ? Boolean.toString(sent.contains("true"))
              : sent.get(sent.size() - 1));
    }
    return form;
  }

  public String value(String name) {
    return values.getOrDefault(name, "");
  }

  public boolean checked(String name) {
    return "true".equals(values.get(name));
  }

  /** A field's stored value, as the form first showed it: what a lower value is lower than. */
  public String stored(String name) {
    return stored.getOrDefault(name, "");
  }

  /** Whether the box confirming a field's change was ticked. */
  public boolean confirmed(String name) {
    return confirmed.getOrDefault(name, false);
  }

  /** The problem with a field, or null. */
  public String error(String name) {
    return errors.get(name);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  public Map<String, String> errors() {
    return errors;
  }

  /**
   * The settings this form changes, as a merge patch of only the fields whose value differs from
   * {@code current}; every field that {@code current.patch} refuses gets its message instead, a
   * webhook URL whose address the guard refuses included ({@code patched} checks as a save does). A
   * field with a {@link Field#confirm} box set or lowered without the box ticked is refused too.
   */
  public ObjectNode changes(
      EnvironmentSettings current, Function<JsonNode, EnvironmentSettings> patched) {
    JsonNode before = Json.MAPPER.valueToTree(current.toJson());
    ObjectNode patch = Json.MAPPER.createObjectNode();
    for (Field field : FIELDS) {
      JsonNode value = json(field);
      if (value == null) {
        continue;
      }
      ObjectNode one = Json.MAPPER.createObjectNode().set(field.name(), value);
      try {
        JsonNode after = Json.MAPPER.valueToTree(patched.apply(one).toJson());
        if (!after.get(field.name()).equals(before.get(field.name()))) {
          patch.set(field.name(), value);
        }
      } catch (Refusal e) {
        errors.put(field.name(), e.detail());
      }
    }
    for (Field field : FIELDS) {
      if (field.confirm() != null
          && !confirmed(field.name())
          && setOrLowered(before.get(field.name()), patch.get(field.name()))) {
        errors.put(
            field.name(), "Tick \"" + field.confirm() + "\" to set or lower " + field.name() + ".");
      }
    }
    return patch;
  }

  /** Whether a number goes from none to one, or down. */
  private static boolean setOrLowered(JsonNode was, JsonNode to) {
    return to != null && !to.isNull() && (was.isNull() || to.intValue() < was.intValue());
  }

  /** A field's text as JSON: empty is null; null when it is not JSON (its error is set). */
  private JsonNode json(Field field) {
    String text = value(field.name()).strip();
    return switch (field.type()) {
      case CHECKBOX -> BooleanNode.valueOf(checked(field.name()));
      case NUMBER -> number(text);
      case JSON -> object(field, text);
      case URL, TEXT -> text.isEmpty() ? NullNode.instance : TextNode.valueOf(text);
      case LIST -> list(text);
    };
  }

  private static JsonNode list(String text) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (String value : text.split("[\\s,]+")) {
      if (!value.isEmpty()) {
        list.add(value);
      }
    }
    return list;
  }

  /** A whole number as a number, anything else as text, which the settings refuse by name. */
  private static JsonNode number(String text) {
    if (text.isEmpty()) {
      return NullNode.instance;
    }
    if (text.matches("-?\\d{1,40}")) {
      return Json.MAPPER.getNodeFactory().numberNode(new BigInteger(text));
    }
    return TextNode.valueOf(text);
  }

  private JsonNode object(Field field, String text) {
    if (text.isEmpty()) {
      return NullNode.instance;
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      errors.put(
          field.name(), field.name() + " is not valid JSON: " + e.getOriginalMessage() + where);
      return null;
    }
  }

  private static String text(Field field, JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (field.type() == Type.JSON) {
      try {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a settings tree is always JSON", e);
      }
    }
    if (field.type() == Type.LIST) {
      List<String> values = new ArrayList<>();
      value.forEach(v -> values.add(v.asText()));
      return String.join(" ", values);
    }
    return value.asText();
  }
}
