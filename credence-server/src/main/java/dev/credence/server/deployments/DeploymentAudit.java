package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.credence.server.audit.Change;
import dev.credence.server.deployments.DeploymentService.CreatedDeployment;
import dev.credence.server.deployments.DeploymentStore.Company;
import dev.credence.server.deployments.DeploymentStore.Deployment;
import dev.credence.server.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the audit log describes a change to a company's deployments and environments, the same
 * whether an Admin made it in the dashboard or the operator did: names, ids and times, never any
 * part of a key.
 */
public final class DeploymentAudit {
  /** A longer setting (a pasted model) is audited by its size, not in full. */
  private static final int VALUE_CHARS = 2000;

  private static final int MAX_NAME_IN_TARGET = 180;

  private DeploymentAudit() {}

  /** How the log names an environment: the deployment's name and the environment. */
  public static String label(Deployment deployment, Environment environment) {
    String name = deployment.name();
    if (name.length() > MAX_NAME_IN_TARGET) {
      name = name.substring(0, MAX_NAME_IN_TARGET) + "...";
    }
    return name + " · " + (environment.kind() == EnvironmentKind.TEST ? "Test" : "Production");
  }

  /** An environment's ids, for an entry's values; callers may add to the map. */
  public static Map<String, Object> facts(Deployment deployment, Environment environment) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("deployment_id", deployment.id());
    facts.put("integration_id", environment.integrationId());
    facts.put("environment", environment.kind().name());
    return facts;
  }

  public static Change companyCreated(Company company) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("company_id", company.id());
    after.put("name", company.name());
    return new Change("company.created", company.name(), null, after);
  }

  /** A new deployment: its ids, never the keys it was created with. */
  public static Change deploymentCreated(CreatedDeployment created) {
    Deployment deployment = created.deployment();
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("deployment_id", deployment.id());
    after.put("name", deployment.name());
    after.put("test_integration_id", created.test().integrationId());
    after.put("production_integration_id", created.production().integrationId());
    return new Change("deployment.created", deployment.name(), null, after);
  }

  public static Change keyRevealed(Deployment deployment, Environment environment) {
    return new Change(
        "environment.key_revealed",
        label(deployment, environment),
        null,
        facts(deployment, environment));
  }

  /**
   * A new key: when the old and the new one were issued, and until when the old one works beside
   * the new one, if it does (decision 0027). Before, until when a key kept from an earlier rotation
   * would have worked, if one did: it stops now.
   */
  public static Change keyRotated(Deployment deployment, Environment before, Environment after) {
    Map<String, Object> was = new LinkedHashMap<>();
    was.put("api_key_issued_at", before.apiKeyRotatedAt().toString());
    putPreviousKeyEnd(was, before);
    Map<String, Object> is = facts(deployment, after);
    is.put("api_key_issued_at", after.apiKeyRotatedAt().toString());
    putPreviousKeyEnd(is, after);
    return new Change("environment.key_rotated", label(deployment, before), was, is);
  }

  /** A rotation's overlap ended early: until when the old key would have worked. */
  public static Change keyOverlapEnded(Deployment deployment, Environment before) {
    Map<String, Object> was = new LinkedHashMap<>();
    putPreviousKeyEnd(was, before);
    return new Change(
        "environment.key_overlap_ended", label(deployment, before), was, facts(deployment, before));
  }

  private static void putPreviousKeyEnd(Map<String, Object> values, Environment environment) {
    if (environment.previousKey() != null) {
      values.put("previous_api_key_expires_at", environment.previousKey().expiresAt().toString());
    }
  }

  /**
   * The settings that differ between {@code before} and {@code after}, each as the operator API
   * shows it; empty when none does.
   */
  public static Optional<Change> settingsChanged(
      Deployment deployment, Environment before, Environment after) {
    JsonNode was = Json.MAPPER.valueToTree(before.settings().toJson());
    JsonNode is = Json.MAPPER.valueToTree(after.settings().toJson());
    Map<String, Object> wasValues = new LinkedHashMap<>();
    Map<String, Object> isValues = new LinkedHashMap<>();
    for (String name : EnvironmentSettings.FIELDS) {
      if (!was.get(name).equals(is.get(name))) {
        wasValues.put(name, shown(was.get(name)));
        isValues.put(name, shown(is.get(name)));
      }
    }
    if (wasValues.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Change("environment.settings_changed", label(deployment, before), wasValues, isValues));
  }

  private static JsonNode shown(JsonNode value) {
    String json = Json.write(value);
    if (json.length() <= VALUE_CHARS) {
      return value;
    }
    return TextNode.valueOf("(" + json.length() + " characters, not shown here)");
  }
}
