package dev.credence.server.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.errors.Refusal;
import dev.credence.server.scoring.TrustIndicators;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import dev.credence.server.scoring.TrustIndicators.Flag;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a simulation scripts of a result (docs/decisions/0030-test-simulations.md): its risk band,
 * null for an average applicant, and its flags, from which the confidence follows by the rules of
 * {@link TrustIndicators}. Each field is checked on its own, with a 422 that names it.
 */
public record Script(String riskBand, Set<Flag> flags) {
  /** The request's fields a script reads. */
  public static final Set<String> FIELDS = Set.of("risk_band", "flags", "score_confidence");

  public Script {
    flags = Set.copyOf(flags);
  }

  /** An average applicant with no flags: what a completed simulation scores without a script. */
  public static final Script AVERAGE = new Script(null, Set.of());

  /**
   * The script in {@code request}'s {@code risk_band}, {@code flags} and {@code score_confidence}.
   * Without flags, a confidence brings the fewest flags that give it (MEDIUM: FAST_PAGES; LOW:
   * LONG_STRING and FAST_PAGES); with flags, a confidence they do not give is refused.
   */
  public static Script parse(JsonNode request) {
    String band = text(request, "risk_band", "risk_band_type");
    if (band != null && !band.matches("[A-Z]")) {
      throw Refusal.invalid(
          "risk_band_unknown", "risk_band is one capital letter, A (least risk) upwards");
    }
    Set<Flag> flags = flags(request.get("flags"));
    String confidence = text(request, "score_confidence", "score_confidence_type");
    if (confidence == null) {
      return new Script(band, flags == null ? Set.of() : flags);
    }
    Confidence wanted = confidence(confidence);
    if (flags == null) {
      return new Script(band, flagsFor(wanted));
    }
    Confidence given = TrustIndicators.confidence(flags);
    if (given != wanted) {
      throw Refusal.invalid(
          "score_confidence_mismatch",
          "flags "
              + flags
              + " give score_confidence "
              + given
              + ", not "
              + wanted
              + ": HIGH with no serious flag, MEDIUM with one, LOW with two or more (RESUMED is"
              + " not serious); send one of the two, or both agreeing");
    }
    return new Script(band, flags);
  }

  private static Set<Flag> flagsFor(Confidence confidence) {
    return switch (confidence) {
      case HIGH -> Set.of();
      case MEDIUM -> Set.of(Flag.FAST_PAGES);
      case LOW -> Set.of(Flag.LONG_STRING, Flag.FAST_PAGES);
    };
  }

  private static Set<Flag> flags(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw Refusal.invalid("flags_type", "flags must be an array of strings");
    }
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    for (JsonNode flag : value) {
      if (!flag.isTextual()) {
        throw Refusal.invalid("flags_type", "flags must be an array of strings");
      }
      Flag known =
          Arrays.stream(Flag.values())
              .filter(f -> f.name().equals(flag.textValue()))
              .findFirst()
              .orElseThrow(
                  () ->
                      Refusal.invalid(
                          "flag_unknown",
                          "Unknown flag '"
                              + flag.textValue()
                              + "'; flags are "
                              + names(Flag.values())));
      if (!flags.add(known)) {
        throw Refusal.invalid("flag_repeated", "flag " + known + " is listed twice");
      }
    }
    return flags;
  }

  private static Confidence confidence(String value) {
    return Arrays.stream(Confidence.values())
        .filter(c -> c.name().equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                Refusal.invalid(
                    "score_confidence_unknown",
                    "score_confidence is one of " + names(Confidence.values())));
  }

  private static String text(JsonNode request, String field, String typeCode) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw Refusal.invalid(typeCode, field + " must be a string");
    }
    return value.textValue();
  }

  private static String names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
  }
}
