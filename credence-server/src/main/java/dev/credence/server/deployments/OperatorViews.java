package dev.credence.server.deployments;

import dev.credence.server.deployments.DeploymentService.CreatedDeployment;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.DeploymentStore.Company;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the operator API, shared by its HTTP handlers and the command line. */
public final class OperatorViews {
  private OperatorViews() {}

  public static Map<String, Object> company(Company company) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("company_id", company.id());
    json.put("name", company.name());
    json.put("created_at", company.createdAt().getEpochSecond());
    return json;
  }

  public static Map<String, Object> createdDeployment(CreatedDeployment created) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("deployment_id", created.deployment().id());
    json.put("company_id", created.deployment().companyId());
    json.put("name", created.deployment().name());
    json.put("test", credentials(created.test(), created.testKey()));
    json.put("production", credentials(created.production(), created.productionKey()));
    return json;
  }

  public static Map<String, Object> deployment(DeploymentWithEnvironments entry) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("deployment_id", entry.deployment().id());
    json.put("company_id", entry.deployment().companyId());
    json.put("name", entry.deployment().name());
    json.put("created_at", entry.deployment().createdAt().getEpochSecond());
    for (Environment environment : entry.environments()) {
      json.put(
          environment.kind() == EnvironmentKind.TEST ? "test" : "production",
          integration(environment));
    }
    return json;
  }

  public static Map<String, Object> integration(Environment environment) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("integration_id", environment.integrationId());
    json.put("deployment_id", environment.deploymentId());
    json.put("company_id", environment.companyId());
    json.put("environment", environment.kind().name());
    json.put("api_key_hint", environment.apiKeyHint());
    json.put("api_key_rotated_at", environment.apiKeyRotatedAt().getEpochSecond());
    Environment.PreviousKey previous = environment.previousKey();
    json.put("previous_api_key_hint", previous == null ? null : previous.hint());
    json.put(
        "previous_api_key_expires_at",
        previous == null ? null : previous.expiresAt().getEpochSecond());
    json.putAll(environment.settings().toJson());
    json.put("created_at", environment.createdAt().getEpochSecond());
    json.put("updated_at", environment.updatedAt().getEpochSecond());
    return json;
  }

  /**
   * A rotation's answer: the new key, and until when the old one works beside it (null: it stopped
   * at once).
   */
  public static Map<String, Object> rotatedKey(
      String integrationId, DeploymentService.RotatedKey rotated) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("integration_id", integrationId);
    json.put("api_key", rotated.apiKey());
    Instant expires = rotated.previousKeyExpiresAt();
    json.put("previous_api_key_expires_at", expires == null ? null : expires.getEpochSecond());
    return json;
  }

  public static Map<String, Object> list(String name, List<?> items) {
    return Map.of(name, items);
  }

  private static Map<String, Object> credentials(Environment environment, String apiKey) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("integration_id", environment.integrationId());
    json.put("api_key", apiKey);
    return json;
  }
}
