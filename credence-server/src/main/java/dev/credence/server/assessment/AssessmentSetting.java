package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.deployments.OwnedSetting;
import dev.credence.server.http.Json;
import java.util.List;

/**
 * The {@code assessment} setting of an environment: deployments stores it, the modules read and
 * check it ({@link AssessmentModules#parse}), so deployments need not know them.
 */
public final class AssessmentSetting implements OwnedSetting {
  private final AssessmentModules modules;

  public AssessmentSetting(AssessmentModules modules) {
    this.modules = modules;
  }

  @Override
  public JsonNode defaults() {
    return Json.MAPPER.valueToTree(modules.defaults().toJson());
  }

  @Override
  public JsonNode check(JsonNode value, List<String> problems) {
    AssessmentConfig config = modules.parse(value, problems);
    return config == null ? null : Json.MAPPER.valueToTree(config.toJson());
  }
}
