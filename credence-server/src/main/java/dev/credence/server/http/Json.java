package dev.credence.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.credence.server.errors.Refusal;
import io.javalin.json.JavalinJackson;
import java.io.IOException;

/** The one JSON mapper of the server, and strict parsing of request bodies. */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private Json() {}

  public static JavalinJackson javalinMapper() {
    return new JavalinJackson(MAPPER, false);
  }

  /** Parses a request body that must be one JSON object; 422 {@code invalid_json} otherwise. */
  public static JsonNode parseObject(byte[] body) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw Refusal.invalid(
          "invalid_json", "Request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Refusal.invalid("invalid_json", "Request body could not be read");
    }
    if (node == null || node.isMissingNode()) {
      throw Refusal.invalid("invalid_json", "Request body is empty; send a JSON object");
    }
    if (!node.isObject()) {
      throw Refusal.invalid("invalid_json", "Request body must be a JSON object");
    }
    return node;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass(), e);
    }
  }
}
