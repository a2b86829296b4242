package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.errors.Refusal;
import java.time.Duration;

/**
 * How long the key a rotation replaces keeps working beside the new one: 0 to {@link #MAX_HOURS}
 * whole hours (decision 0027). 0, the default of the operator API and the command line, ends the
 * old key at once.
 */
public record KeyOverlap(int hours) {
  public static final int MAX_HOURS = 168;

  /** No overlap: the old key stops at once. */
  public static final KeyOverlap NONE = new KeyOverlap(0);

  private static final String CODE = "invalid_overlap_hours";
  private static final String RULE =
      "overlap_hours must be a whole number of hours from 0 to " + MAX_HOURS + " (7 days)";

  public KeyOverlap {
    if (hours < 0 || hours > MAX_HOURS) {
      throw Refusal.invalid(CODE, RULE + ", got " + hours);
    }
  }

  /** {@code overlap_hours} of a JSON body: absent or null is {@link #NONE}; 422 if not 0 to 168. */
  public static KeyOverlap fromJson(JsonNode value) {
    if (value == null || value.isNull()) {
      return NONE;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw Refusal.invalid(CODE, RULE);
    }
    return new KeyOverlap(value.intValue());
  }

  /** A number of hours as typed (a form, the command line); 422 if not 0 to 168. */
  public static KeyOverlap parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (!trimmed.matches("\\d{1,3}")) {
      throw Refusal.invalid(CODE, RULE);
    }
    return new KeyOverlap(Integer.parseInt(trimmed));
  }

  public Duration duration() {
    return Duration.ofHours(hours);
  }
}
