package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.OwnedSetting;
import dev.credence.server.http.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code assessment} setting of an environment: deployments stores it, this reads and checks it
 * ({@link AssessmentConfig#parse}), so deployments need not know the modules.
 */
public final class AssessmentSetting implements OwnedSetting {
  @Override
  public JsonNode defaults() {
    return Json.MAPPER.valueToTree(AssessmentConfig.DEFAULT.toJson());
  }

  @Override
  public JsonNode check(JsonNode value, List<String> problems) {
    AssessmentConfig config = AssessmentConfig.parse(value, problems);
    return config == null ? null : Json.MAPPER.valueToTree(config.toJson());
  }

  /** The assessment an environment runs now; its stored setting was checked when it was saved. */
  public static AssessmentConfig of(Environment environment) {
    List<String> problems = new ArrayList<>();
    AssessmentConfig config = AssessmentConfig.parse(environment.settings().assessment(), problems);
    if (config == null) {
      throw new IllegalStateException("stored assessment configuration is invalid: " + problems);
    }
    return config;
  }
}
