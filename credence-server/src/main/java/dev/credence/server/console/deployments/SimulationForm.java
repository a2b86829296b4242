package dev.credence.server.console.deployments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The Test tab's "Simulate a session" form as sent, or fresh. It becomes the body of {@code POST
 * /v1/sessions-management/simulate}, so the dashboard and the API check a simulation alike.
 */
public record SimulationForm(
    String uid, String scenario, String band, List<String> flags, String confidence) {
  public static final List<String> SCENARIOS =
      List.of("completed", "cancelled", "expired", "incomplete");
  public static final List<String> BANDS = List.of("A", "B", "C", "D", "E");
  public static final List<String> FLAGS =
      List.of(
          "LONG_STRING",
          "FAST_PAGES",
          "INCONSISTENT",
          "GAME_IMPLAUSIBLE",
          "MULTI_DEVICE",
          "RESUMED");
  public static final List<String> CONFIDENCES = List.of("HIGH", "MEDIUM", "LOW");

  private static final SecureRandom RANDOM = new SecureRandom();

  public SimulationForm {
    flags = flags == null ? List.of() : List.copyOf(flags);
  }

  /** A form with a new uid ({@code SIM-} and 12 random hex digits), completed, average. */
  public static SimulationForm fresh() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return new SimulationForm(
        "SIM-" + HexFormat.of().formatHex(bytes), "completed", "", List.of(), "");
  }

  static SimulationForm of(Context ctx) {
    return new SimulationForm(
        trim(ctx.formParam("uid")),
        trim(ctx.formParam("scenario")),
        trim(ctx.formParam("risk_band")),
        ctx.formParams("flags"),
        trim(ctx.formParam("score_confidence")));
  }

  /**
   * The API's request body: empty choices are left out (a band, flags or a confidence only apply to
   * {@code completed}, so they are sent only with it).
   */
  ObjectNode body(String integrationId) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("uid", uid);
    body.put("integration_id", integrationId);
    body.put("scenario", scenario);
    if ("completed".equals(scenario)) {
      if (!band.isEmpty()) {
        body.put("risk_band", band);
      }
      if (!flags.isEmpty()) {
        ArrayNode list = body.putArray("flags");
        flags.forEach(list::add);
      }
      if (!confidence.isEmpty()) {
        body.put("score_confidence", confidence);
      }
    }
    return body;
  }

  public boolean flagged(String flag) {
    return flags.contains(flag);
  }

  private static String trim(String value) {
    return value == null ? "" : value.trim();
  }
}
