package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings of one environment (docs/operator-guide.md, "Settings"). Valid by construction: the
 * constructor refuses values out of range, so no invalid setting is ever stored.
 */
public record EnvironmentSettings(
    int sessionExpiryHours,
    String completeUrl,
    String cancelledUrl,
    String expiredUrl,
    boolean showCompletionPage,
    String webhookUrl,
    String privacyPolicyUrl,
    String lenderContact,
    String brandLogoUrl,
    String brandPrimaryColor,
    boolean hmacRequired,
    Integer rateLimitPerMinute,
    Integer maxOpenSessions,
    JsonNode assessment,
    CreditModel scoringModel,
    int normsMinimum,
    Integer retentionDays,
    List<String> frameAncestors) {

  public static final int MIN_EXPIRY_HOURS = 1;
  public static final int MAX_EXPIRY_HOURS = 10_000;
  public static final int MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;
  public static final int MAX_OPEN_SESSIONS = 100_000_000;
  public static final int MIN_NORMS_MINIMUM = 20;
  public static final int MAX_NORMS_MINIMUM = 100_000;
  public static final int MAX_CONTACT_LENGTH = 200;
  public static final int MIN_RETENTION_DAYS = 1;
  public static final int MAX_RETENTION_DAYS = 3650;
  private static final int MAX_URL_LENGTH = 2048;
  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

  /** The JSON names, in the order they are shown. */
  public static final List<String> FIELDS =
      List.of(
          "session_expiry_hours",
          "complete_url",
          "cancelled_url",
          "expired_url",
          "show_completion_page",
          "webhook_url",
          "privacy_policy_url",
          "lender_contact",
          "brand_logo_url",
          "brand_primary_color",
          "hmac_required",
          "rate_limit_per_minute",
          "max_open_sessions",
          "assessment",
          "scoring_model",
          "norms_minimum",
          "retention_days",
          "frame_ancestors");

  public EnvironmentSettings {
    List<String> problems = new ArrayList<>();
    if (sessionExpiryHours < MIN_EXPIRY_HOURS || sessionExpiryHours > MAX_EXPIRY_HOURS) {
      problems.add(
          "session_expiry_hours must be from "
              + MIN_EXPIRY_HOURS
              + " to "
              + MAX_EXPIRY_HOURS
              + " (got "
              + sessionExpiryHours
              + ")");
    }
    checkUrl("complete_url", completeUrl, problems);
    checkUrl("cancelled_url", cancelledUrl, problems);
    checkUrl("expired_url", expiredUrl, problems);
    checkUrl("webhook_url", webhookUrl, problems);
    checkUrl("privacy_policy_url", privacyPolicyUrl, problems);
    checkUrl("brand_logo_url", brandLogoUrl, problems);
    checkContact(lenderContact, problems);
    if (brandPrimaryColor != null && !COLOR.matcher(brandPrimaryColor).matches()) {
      problems.add("brand_primary_color must be a colour like #1a73e8");
    }
    checkLimit("rate_limit_per_minute", rateLimitPerMinute, MAX_RATE_LIMIT_PER_MINUTE, problems);
    checkLimit("max_open_sessions", maxOpenSessions, MAX_OPEN_SESSIONS, problems);
    if (assessment == null) {
      problems.add("assessment is required");
    }
    if (scoringModel == null) {
      problems.add("scoring_model is required");
    }
    if (normsMinimum < MIN_NORMS_MINIMUM || normsMinimum > MAX_NORMS_MINIMUM) {
      problems.add(
          "norms_minimum must be from "
              + MIN_NORMS_MINIMUM
              + " to "
              + MAX_NORMS_MINIMUM
              + " (got "
              + normsMinimum
              + ")");
    }
    if (retentionDays != null
        && (retentionDays < MIN_RETENTION_DAYS || retentionDays > MAX_RETENTION_DAYS)) {
      problems.add(retentionProblem() + " (got " + retentionDays + ")");
    }
    if (frameAncestors == null) {
      frameAncestors = List.of();
    } else {
      frameAncestors = FrameAncestors.check(frameAncestors, problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static String retentionProblem() {
    return "retention_days must be a whole number of days from "
        + MIN_RETENTION_DAYS
        + " to "
        + MAX_RETENTION_DAYS
        + ", or null to keep finished sessions for ever";
  }

  /**
   * New environments ({@code assessment} is the assessment's own default): 24 hours, the built-in
   * pages, no webhook yet. Test takes a lower volume than Production (docs/integration-guide.md,
   * "Test and Production"): 60 sessions a minute and 100 open at once; Production has no limit
   * until the operator sets one. Finished sessions are kept until they are erased, with no
   * retention period.
   */
  public static EnvironmentSettings defaults(EnvironmentKind kind, JsonNode assessment) {
    boolean test = kind == EnvironmentKind.TEST;
    return new EnvironmentSettings(
        24,
        null,
        null,
        null,
        true,
        null,
        null,
        null,
        null,
        null,
        false,
        test ? 60 : null,
        test ? 100 : null,
        assessment,
        CreditModel.DEFAULT,
        Norms.DEFAULT_MINIMUM,
        null,
        List.of());
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("session_expiry_hours", sessionExpiryHours);
    json.put("complete_url", completeUrl);
    json.put("cancelled_url", cancelledUrl);
    json.put("expired_url", expiredUrl);
    json.put("show_completion_page", showCompletionPage);
    json.put("webhook_url", webhookUrl);
    json.put("privacy_policy_url", privacyPolicyUrl);
    json.put("lender_contact", lenderContact);
    json.put("brand_logo_url", brandLogoUrl);
    json.put("brand_primary_color", brandPrimaryColor);
    json.put("hmac_required", hmacRequired);
    json.put("rate_limit_per_minute", rateLimitPerMinute);
    json.put("max_open_sessions", maxOpenSessions);
    json.put("assessment", assessment);
    json.put("scoring_model", Json.MAPPER.valueToTree(scoringModel));
    json.put("norms_minimum", normsMinimum);
    json.put("retention_days", retentionDays);
    json.put("frame_ancestors", frameAncestors);
    return json;
  }

  /**
   * Applies a JSON merge patch: a field present replaces the value, {@code null} clears an optional
   * one, an absent field is kept. Every problem is reported at once as a 422, a new {@code
   * webhook_url} whose address {@code webhookGuard} refuses included (one saved earlier is checked
   * again at each delivery instead, so other settings can still be changed), and an {@code
   * assessment} that its owner refuses.
   */
  public EnvironmentSettings patch(
      JsonNode patch, AddressGuard webhookGuard, OwnedSetting assessmentSetting) {
    Map<String, Object> values = toJson();
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (!FIELDS.contains(name)) {
        problems.add("unknown setting '" + name + "' (known: " + String.join(", ", FIELDS) + ")");
        continue;
      }
      Object parsed = parse(name, value, problems, assessmentSetting);
      if (parsed == INVALID) {
        continue;
      }
      if (name.equals("webhook_url") && parsed != null && !parsed.equals(webhookUrl)) {
        String refusal = webhookGuard.urlRefusal((String) parsed);
        if (refusal != null) {
          problems.add("webhook_url: " + refusal);
          continue;
        }
      }
      values.put(name, parsed);
    }
    if (!problems.isEmpty()) {
      throw Refusal.invalid("invalid_settings", String.join("; ", problems));
    }
    try {
      return fromJson(values);
    } catch (IllegalArgumentException e) {
      throw Refusal.invalid("invalid_settings", e.getMessage());
    }
  }

  private static final Object INVALID = new Object();

  private static Object parse(
      String name, JsonNode value, List<String> problems, OwnedSetting assessmentSetting) {
    switch (name) {
      case "norms_minimum" -> {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          return value.intValue();
        }
        problems.add(
            "norms_minimum must be a whole number from "
                + MIN_NORMS_MINIMUM
                + " to "
                + MAX_NORMS_MINIMUM);
        return INVALID;
      }
      case "scoring_model" -> {
        if (value.isNull()) {
          return CreditModel.DEFAULT;
        }
        if (!value.isObject()) {
          problems.add("scoring_model must be a model object, or null for the default model");
          return INVALID;
        }
        // Calibrated means fitted on this environment's outcomes, with a report to show for it:
        // the model registry's fits, never a model typed in.
        if (value.path("calibrated").asBoolean(false)) {
          problems.add(
              "scoring_model: calibrated must be false for a model set by hand; a calibrated"
                  + " model is fitted on the environment's outcomes (POST"
                  + " /v1/admin/integrations/{integration_id}/models)");
          return INVALID;
        }
        try {
          return CreditModel.fromJson(Json.write(value));
        } catch (IllegalArgumentException e) {
          problems.add("scoring_model: " + e.getMessage());
          return INVALID;
        }
      }
      case "retention_days" -> {
        if (value.isNull()) {
          return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          return value.intValue();
        }
        problems.add(retentionProblem());
        return INVALID;
      }
      case "session_expiry_hours" -> {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          return value.intValue();
        }
        problems.add(
            "session_expiry_hours must be a whole number of hours from "
                + MIN_EXPIRY_HOURS
                + " to "
                + MAX_EXPIRY_HOURS);
        return INVALID;
      }
      case "show_completion_page", "hmac_required" -> {
        if (value.isBoolean()) {
          return value.booleanValue();
        }
        problems.add(name + " must be true or false");
        return INVALID;
      }
      case "frame_ancestors" -> {
        return origins(value, problems);
      }
      case "assessment" -> {
        if (value.isNull()) {
          return assessmentSetting.defaults();
        }
        JsonNode checked = assessmentSetting.check(value, problems);
        return checked == null ? INVALID : checked;
      }
      case "rate_limit_per_minute", "max_open_sessions" -> {
        if (value.isNull()) {
          return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          return value.intValue();
        }
        problems.add(name + " must be a whole number, or null for no limit");
        return INVALID;
      }
      default -> {
        if (value.isNull()) {
          return null;
        }
        if (value.isTextual()) {
          String text = value.textValue().trim();
          return text.isEmpty() ? null : text;
        }
        problems.add(name + " must be a string or null");
        return INVALID;
      }
    }
  }

  private static EnvironmentSettings fromJson(Map<String, Object> v) {
    return new EnvironmentSettings(
        (Integer) v.get("session_expiry_hours"),
        (String) v.get("complete_url"),
        (String) v.get("cancelled_url"),
        (String) v.get("expired_url"),
        (Boolean) v.get("show_completion_page"),
        (String) v.get("webhook_url"),
        (String) v.get("privacy_policy_url"),
        (String) v.get("lender_contact"),
        (String) v.get("brand_logo_url"),
        (String) v.get("brand_primary_color"),
        (Boolean) v.get("hmac_required"),
        (Integer) v.get("rate_limit_per_minute"),
        (Integer) v.get("max_open_sessions"),
        (JsonNode) v.get("assessment"),
        toModel(v.get("scoring_model")),
        (Integer) v.get("norms_minimum"),
        (Integer) v.get("retention_days"),
        origins(v.get("frame_ancestors")));
  }

  /** A patch's list of origins, as given (the constructor checks them); null clears it. */
  private static Object origins(JsonNode value, List<String> problems) {
    if (value.isNull()) {
      return List.of();
    }
    List<String> origins = new ArrayList<>();
    if (value.isArray()) {
      for (JsonNode origin : value) {
        if (!origin.isTextual()) {
          break;
        }
        origins.add(origin.textValue().trim());
      }
      if (origins.size() == value.size()) {
        return origins;
      }
    }
    problems.add("frame_ancestors must be a list of origins (strings), or [] or null for none");
    return INVALID;
  }

  /** {@link #toJson} holds the list as given; a patched value is a list of strings. */
  @SuppressWarnings("unchecked")
  private static List<String> origins(Object value) {
    return value == null ? null : List.copyOf((List<String>) value);
  }

  /** {@link #toJson} holds the model as a JSON tree; a patched value is already parsed. */
  private static CreditModel toModel(Object value) {
    return value instanceof CreditModel model ? model : CreditModel.fromJson(Json.write(value));
  }

  private static void checkUrl(String name, String url, List<String> problems) {
    if (url == null) {
      return;
    }
    if (url.length() > MAX_URL_LENGTH) {
      problems.add(name + " must be at most " + MAX_URL_LENGTH + " characters");
      return;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getUserInfo() == null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problems.add(name + " must be an absolute http:// or https:// URL (got '" + url + "')");
  }

  /**
   * Shown to applicants as one line of plain text (escaped, never HTML): a line break or another
   * control character would not show as the lender meant it.
   */
  private static void checkContact(String contact, List<String> problems) {
    if (contact == null) {
      return;
    }
    if (contact.codePointCount(0, contact.length()) > MAX_CONTACT_LENGTH) {
      problems.add(
          "lender_contact must be at most "
              + MAX_CONTACT_LENGTH
              + " characters (got "
              + contact.codePointCount(0, contact.length())
              + ")");
    }
    if (contact.codePoints().anyMatch(Character::isISOControl)) {
      problems.add("lender_contact must be one line of plain text, without control characters");
    }
  }

  private static void checkLimit(String name, Integer value, int max, List<String> problems) {
    if (value != null && (value < 1 || value > max)) {
      problems.add(name + " must be from 1 to " + max + ", or null for no limit");
    }
  }
}
