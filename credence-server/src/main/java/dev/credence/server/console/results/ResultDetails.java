package dev.credence.server.console.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.http.Json;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Glossary;
import dev.credence.server.scoring.Norms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the dashboard reads from a result's {@code calculated} JSON (the object lenders receive):
 * its traits with their standard errors, flags, missing features and model, each key with its words
 * from the {@link Glossary}.
 *
 * @param directionsBy the model whose weights say which way each trait moves the risk: the one that
 *     made the result, or when that one is no longer stored the environment's model in use; null
 *     before {@link #withDirections} (or when no model is known)
 */
public record ResultDetails(
    List<Trait> traits,
    List<String> flags,
    List<String> missing,
    String modelVersion,
    boolean calibrated,
    String norms,
    String directionsBy,
    Glossary glossary) {

  /**
   * A trait as the result lists it: its percentile under the norms and its direction, with its
   * words, its standard error in T points (null where none is known: the games) and its weight in
   * the model (null until {@link ResultDetails#withDirections}).
   */
  public record Trait(
      String key,
      int value,
      String riskBand,
      Glossary.Term term,
      Double standardError,
      Double weight) {

    public String name() {
      return term.name();
    }

    public String meaning() {
      return term.meaning();
    }

    /** The CSS class of its bar: low-risk, average or high-risk. */
    public String barClass() {
      return riskBand.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Which way this applicant's trait pushes the risk, in words. */
    public String direction() {
      return switch (riskBand) {
        case "LOW_RISK" -> "lowers risk";
        case "HIGH_RISK" -> "raises risk";
        default -> "average";
      };
    }

    /** Which way the trait moves the risk in the model, from its weight's sign; null if unknown. */
    public String effect() {
      if (weight == null) {
        return null;
      }
      if (weight == 0) {
        return "The model gives it no weight";
      }
      return weight > 0 ? "The higher, the higher the risk" : "The higher, the lower the risk";
    }

    /**
     * The standard error and the percentiles one standard error either side ("Standard error 6.6 T
     * points: likely 68 to 96."), or that none is known.
     */
    public String errorNote() {
      if (standardError == null) {
        return "Standard error not known.";
      }
      int[] range = Norms.percentileRange(value, standardError);
      return String.format(
          Locale.ROOT,
          "Standard error %.1f T points: likely %d to %d.",
          standardError,
          range[0],
          range[1]);
    }
  }

  public static ResultDetails parse(String calculated) {
    return parse(calculated, Glossary.standard());
  }

  public static ResultDetails parse(String calculated, Glossary glossary) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(calculated);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored result is not JSON", e);
    }
    JsonNode errors = node.path("evidence").path("standard_errors");
    List<Trait> traits = new ArrayList<>();
    for (JsonNode t : node.path("traits")) {
      String key = t.path("key").asText();
      JsonNode error = errors.path(key);
      traits.add(
          new Trait(
              key,
              t.path("value").asInt(),
              t.path("risk_band").asText(),
              glossary.term(key),
              error.isNumber() ? error.asDouble() : null,
              null));
    }
    JsonNode model = node.path("model");
    return new ResultDetails(
        traits,
        texts(node.path("flags")),
        texts(node.path("missing")),
        model.path("version").asText(),
        model.path("calibrated").asBoolean(),
        model.path("norms").asText(),
        null,
        glossary);
  }

  /** These details with each trait's weight in {@code model} (null: left as they are). */
  public ResultDetails withDirections(CreditModel model) {
    if (model == null) {
      return this;
    }
    List<Trait> weighed = new ArrayList<>();
    for (Trait t : traits) {
      weighed.add(
          new Trait(
              t.key(),
              t.value(),
              t.riskBand(),
              t.term(),
              t.standardError(),
              model.weights().getOrDefault(t.key(), 0.0)));
    }
    return new ResultDetails(
        weighed, flags, missing, modelVersion, calibrated, norms, model.version(), glossary);
  }

  /** The flags raised, with their words. */
  public List<Glossary.Term> flagTerms() {
    return flags.stream().map(glossary::term).toList();
  }

  /** The model's features that had no value or no norm, with their words. */
  public List<Glossary.Term> missingTerms() {
    return missing.stream().map(glossary::term).toList();
  }

  /** Each trait's percentile by key, in the result's order. */
  public Map<String, Integer> percentiles() {
    Map<String, Integer> values = new LinkedHashMap<>();
    traits.forEach(t -> values.put(t.key(), t.value()));
    return values;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
