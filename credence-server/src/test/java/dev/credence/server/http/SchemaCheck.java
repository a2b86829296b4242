package dev.credence.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a schema of the OpenAPI document, with the JSON Schema keywords the
 * document uses: {@code $ref}, {@code allOf}, {@code oneOf}, {@code not}, {@code type}, {@code
 * const}, {@code enum}, {@code required}, {@code properties}, {@code additionalProperties: false},
 * {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems}, {@code uniqueItems},
 * {@code minimum}, {@code maximum}, {@code minLength}, {@code maxLength} and {@code pattern}.
 */
final class SchemaCheck {
  private final JsonNode document;

  SchemaCheck(JsonNode document) {
    this.document = document;
  }

  /** What is wrong with {@code value}, each problem with its path; empty if nothing. */
  List<String> problems(JsonNode value, JsonNode schema) {
    List<String> problems = new ArrayList<>();
    check(value, schema, "$", problems);
    return problems;
  }

  private void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
    schema = resolve(schema);
    for (JsonNode part : schema.path("allOf")) {
      check(value, part, path, problems);
    }
    if (schema.has("oneOf")) {
      long passing = 0;
      for (JsonNode option : schema.get("oneOf")) {
        passing += problems(value, option).isEmpty() ? 1 : 0;
      }
      if (passing != 1) {
        problems.add(path + " matches " + passing + " of the oneOf schemas, not exactly one");
      }
    }
    if (schema.has("not") && problems(value, schema.get("not")).isEmpty()) {
      problems.add(path + " matches the schema it must not: " + schema.get("not"));
    }
    if (schema.has("type") && !hasType(value, schema.get("type"))) {
      problems.add(path + " is " + value.getNodeType() + ", not " + schema.get("type"));
      return;
    }
    if (schema.has("const") && !schema.get("const").equals(value)) {
      problems.add(path + " is " + value + ", not " + schema.get("const"));
    }
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      problems.add(path + " is " + value + ", not one of " + schema.get("enum"));
    }
    if (value.isObject()) {
      checkObject(value, schema, path, problems);
    }
    if (value.isArray()) {
      checkArray(value, schema, path, problems);
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
        problems.add(path + " is " + value + ", below " + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
        problems.add(path + " is " + value + ", above " + schema.get("maximum"));
      }
    }
    if (value.isTextual()) {
      int length = value.textValue().codePointCount(0, value.textValue().length());
      if (length < schema.path("minLength").asInt(0)
          || length > schema.path("maxLength").asInt(Integer.MAX_VALUE)) {
        problems.add(path + " has " + length + " characters, outside the allowed length");
      }
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(value.textValue()).find()) {
        problems.add(path + " '" + value.textValue() + "' does not match " + schema.get("pattern"));
      }
    }
  }

  private void checkObject(JsonNode value, JsonNode schema, String path, List<String> problems) {
    for (JsonNode name : schema.path("required")) {
      if (!value.has(name.asText())) {
        problems.add(path + " lacks the required " + name.asText());
      }
    }
    JsonNode properties = schema.path("properties");
    value
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (properties.has(name)) {
                check(value.get(name), properties.get(name), path + "." + name, problems);
              } else if (schema.path("additionalProperties").isBoolean()
                  && !schema.get("additionalProperties").booleanValue()) {
                problems.add(path + " has " + name + ", which the schema does not allow");
              }
            });
  }

  private void checkArray(JsonNode value, JsonNode schema, String path, List<String> problems) {
    if (value.size() < schema.path("minItems").asInt(0)
        || value.size() > schema.path("maxItems").asInt(Integer.MAX_VALUE)) {
      problems.add(path + " has " + value.size() + " items, outside the allowed number");
    }
    int prefix = schema.path("prefixItems").size();
    for (int i = 0; i < value.size(); i++) {
      JsonNode itemSchema = i < prefix ? schema.get("prefixItems").get(i) : schema.get("items");
      if (itemSchema != null) {
        check(value.get(i), itemSchema, path + "[" + i + "]", problems);
      }
    }
    if (schema.path("uniqueItems").asBoolean(false)) {
      Set<JsonNode> seen = new HashSet<>();
      value.forEach(
          item -> {
            if (!seen.add(item)) {
              problems.add(path + " repeats " + item);
            }
          });
    }
  }

  JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      schema = document.at(schema.get("$ref").asText().substring(1));
    }
    return schema;
  }

  private static boolean hasType(JsonNode value, JsonNode type) {
    if (type.isArray()) {
      for (JsonNode one : type) {
        if (hasType(value, one)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> false;
    };
  }

  private static boolean contains(JsonNode options, JsonNode value) {
    for (JsonNode option : options) {
      if (option.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
