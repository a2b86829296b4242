package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of one JSON object by name, refusing a missing or mistyped one with a message
 * that names its path (such as {@code event.details.scored_at}). Fields not asked for are ignored,
 * so new fields added by the server do not break the client.
 */
final class Fields {
  private final JsonNode node;
  private final String path;

  private Fields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The object at {@code path}, which names it in the error if it is not an object. */
  static Fields of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new Malformed((path.isEmpty() ? "the body" : path) + " must be a JSON object");
    }
    return new Fields(node, path);
  }

  /** The object itself, for reading into a wire record. */
  JsonNode node() {
    return node;
  }

  Fields object(String name) {
    return of(node.get(name), name(name));
  }

  boolean isNull(String name) {
    return node.get(name) == null || node.get(name).isNull();
  }

  String text(String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual()) {
      throw new Malformed(name(name) + " must be a string");
    }
    return value.textValue();
  }

  String optionalText(String name) {
    return isNull(name) ? null : text(name);
  }

  long integer(String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new Malformed(name(name) + " must be a whole number");
    }
    return value.longValue();
  }

  double number(String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isNumber()) {
      throw new Malformed(name(name) + " must be a number");
    }
    return value.doubleValue();
  }

  Instant time(String name) {
    return Instant.ofEpochSecond(integer(name));
  }

  /** A time that may be null, such as {@code application_started_at} of an unopened session. */
  Instant optionalTime(String name) {
    return isNull(name) ? null : time(name);
  }

  boolean bool(String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isBoolean()) {
      throw new Malformed(name(name) + " must be true or false");
    }
    return value.booleanValue();
  }

  List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode item : array(name)) {
      if (!item.isTextual()) {
        throw new Malformed(name(name) + " must be an array of strings");
      }
      out.add(item.textValue());
    }
    return List.copyOf(out);
  }

  List<Fields> objects(String name) {
    List<Fields> out = new ArrayList<>();
    JsonNode items = array(name);
    for (int i = 0; i < items.size(); i++) {
      out.add(of(items.get(i), name(name) + "[" + i + "]"));
    }
    return out;
  }

  private JsonNode array(String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isArray()) {
      throw new Malformed(name(name) + " must be an array");
    }
    return value;
  }

  private String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** A body that does not have the documented shape. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message);
    }
  }
}
