package dev.credence.server.console.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the dashboard reads from a result's {@code calculated} JSON (the object lenders receive):
 * its traits, flags, missing features and model.
 */
public record ResultDetails(
    List<Trait> traits,
    List<String> flags,
    List<String> missing,
    String modelVersion,
    boolean calibrated,
    String norms) {

  /** A trait as the result lists it: its percentile under the norms and its direction. */
  public record Trait(String key, int value, String riskBand) {

    /** The CSS class of its bar: low-risk, average or high-risk. */
    public String barClass() {
      return riskBand.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Which way the trait pushes the risk, in words. */
    public String direction() {
      return switch (riskBand) {
        case "LOW_RISK" -> "lowers risk";
        case "HIGH_RISK" -> "raises risk";
        default -> "average";
      };
    }
  }

  public static ResultDetails parse(String calculated) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(calculated);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored result is not JSON", e);
    }
    List<Trait> traits = new ArrayList<>();
    for (JsonNode t : node.path("traits")) {
      traits.add(
          new Trait(t.path("key").asText(), t.path("value").asInt(), t.path("risk_band").asText()));
    }
    JsonNode model = node.path("model");
    return new ResultDetails(
        traits,
        texts(node.path("flags")),
        texts(node.path("missing")),
        model.path("version").asText(),
        model.path("calibrated").asBoolean(),
        model.path("norms").asText());
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
