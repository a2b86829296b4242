package dev.credence.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads the server's bodies into the wire records of {@code dev.credence.api}, as strictly as the
 * documented shape: a number is never read from a string, nor a string from a number, nor a whole
 * number from a fraction. A field of the wrong type, or a required one that is missing or null, is
 * a {@link Fields.Malformed} naming its path (such as {@code event.details.scored_at}). Fields the
 * records do not have are ignored, so new fields added by the server do not break the client.
 */
final class Wire {
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Boolean,
              c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
          .withCoercionConfigDefaults(
              c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
          .build();

  private Wire() {}

  /** {@code node}, which must be a JSON object, as a {@code type}; {@code path} names it. */
  static <T> T read(JsonNode node, Class<T> type, String path) {
    if (node == null || !node.isObject()) {
      throw new Fields.Malformed((path.isEmpty() ? "the body" : path) + " must be a JSON object");
    }
    try {
      return STRICT.treeToValue(node, type);
    } catch (MismatchedInputException e) {
      throw new Fields.Malformed(join(path, e.getPath()) + " must be " + expected(e));
    } catch (JsonProcessingException e) {
      throw new Fields.Malformed(
          (path.isEmpty() ? "the body" : path) + " does not have the documented shape");
    }
  }

  static String text(String value, String path) {
    return require(value, path, "a string");
  }

  static long integer(Number value, String path) {
    return require(value, path, "a whole number").longValue();
  }

  static Instant time(Long value, String path) {
    return Instant.ofEpochSecond(integer(value, path));
  }

  /** A time that may be null, such as {@code application_started_at} of an unopened session. */
  static Instant optionalTime(Long value) {
    return value == null ? null : Instant.ofEpochSecond(value);
  }

  static boolean bool(Boolean value, String path) {
    return require(value, path, "true or false");
  }

  static <T> T object(T value, String path) {
    return require(value, path, "a JSON object");
  }

  /** An array of strings, none of them null. */
  static List<String> strings(List<String> value, String path) {
    require(value, path, "an array");
    if (value.contains(null)) {
      throw new Fields.Malformed(path + " must be an array of strings");
    }
    return List.copyOf(value);
  }

  static <T> List<T> objects(List<T> value, String path) {
    require(value, path, "an array");
    for (int i = 0; i < value.size(); i++) {
      object(value.get(i), path + "[" + i + "]");
    }
    return value;
  }

  private static <T> T require(T value, String path, String what) {
    if (value == null) {
      throw new Fields.Malformed(path + " must be " + what);
    }
    return value;
  }

  private static String join(String path, List<JsonMappingException.Reference> references) {
    StringBuilder out = new StringBuilder(path);
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        out.append('[').append(reference.getIndex()).append(']');
      }
    }
    return out.length() == 0 ? "the body" : out.toString();
  }

  /** What the wire must have where the record's type was not met, in the words of the errors. */
  private static String expected(MismatchedInputException e) {
    Class<?> type = e.getTargetType();
    if (type == null) {
      return "of the documented type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (JsonNode.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || type.isRecord()) {
      return "a JSON object";
    }
    return "of the documented type";
  }
}
