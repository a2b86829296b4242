package dev.credence.server.assessment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The assessment modules a server knows, in the order their names are listed: the registry that
 * reads the {@code assessment} setting and a session's frozen copy of it. The default assessment
 * runs the modules given first, in their order; modules added with {@link #with} are known but not
 * in the default.
 */
public final class AssessmentModules {
  private final List<AssessmentModule<?, ?>> all;
  private final List<AssessmentModule<?, ?>> standard;

  public AssessmentModules(List<AssessmentModule<?, ?>> modules) {
    this(modules, modules);
  }

  private AssessmentModules(
      List<AssessmentModule<?, ?>> all, List<AssessmentModule<?, ?>> standard) {
    this.all = List.copyOf(all);
    this.standard = List.copyOf(standard);
    Set<String> types = new HashSet<>();
    for (AssessmentModule<?, ?> module : all) {
      if (!types.add(module.type())) {
        throw new IllegalArgumentException("two assessment modules are named " + module.type());
      }
    }
  }

  /** These modules and {@code more}, which an environment may add to its assessment. */
  public AssessmentModules with(List<AssessmentModule<?, ?>> more) {
    List<AssessmentModule<?, ?>> extended = new ArrayList<>(all);
    extended.addAll(more);
    return new AssessmentModules(extended, standard);
  }

  public List<AssessmentModule<?, ?>> all() {
    return all;
  }

  /**
   * Every table that holds a session's journey by {@code session_id}: the shared answers, the
   * introductions' Ready presses, and each module's own tables. An erasure empties them all.
   */
  public List<String> sessionTables() {
    List<String> tables = new ArrayList<>(AssessmentStore.SESSION_TABLES);
    for (AssessmentModule<?, ?> module : all) {
      for (String table : module.sessionTables()) {
        if (!tables.contains(table)) {
          tables.add(table);
        }
      }
    }
    return List.copyOf(tables);
  }

  public Optional<AssessmentModule<?, ?>> find(String type) {
    return all.stream().filter(m -> m.type().equals(type)).findFirst();
  }

  /**
   * The assessment an environment runs now. Its stored setting was checked when it was saved
   * ({@link AssessmentSetting}), so one that cannot be read is a broken database, not a refusal.
   */
  public AssessmentConfig configOf(Environment environment) {
    List<String> problems = new ArrayList<>();
    AssessmentConfig config = parse(environment.settings().assessment(), problems);
    if (config == null) {
      throw new IllegalStateException("stored assessment configuration is invalid: " + problems);
    }
    return config;
  }

  /** The default assessment: every standard module with its default settings. */
  public AssessmentConfig defaults() {
    return new AssessmentConfig(standard.stream().map(AssessmentModules::defaults).toList());
  }

  private static <S, P> AssessmentConfig.Module defaults(AssessmentModule<S, P> module) {
    return AssessmentConfig.Module.of(module, module.defaults());
  }

  /** Reads an environment's setting, adding every problem to {@code problems}; null if any. */
  public AssessmentConfig parse(JsonNode json, List<String> problems) {
    return parse(json, problems, false);
  }

  /**
   * Reads the configuration a session froze when it started: as {@link #parse(JsonNode, List)}, and
   * a module may also read what it records at the start (the questionnaire's item ids).
   */
  public AssessmentConfig parseStarted(JsonNode json, List<String> problems) {
    return parse(json, problems, true);
  }

  /**
   * The configuration a session froze when it started, each module brought up to date with what it
   * records at the start ({@link AssessmentModule#started}).
   */
  public AssessmentConfig started(String json, ItemBank items) {
    AssessmentConfig config;
    try {
      List<String> problems = new ArrayList<>();
      config = parseStarted(Json.MAPPER.readTree(json), problems);
      if (config == null) {
        throw new IllegalStateException("a session's stored configuration is invalid: " + problems);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a session's stored configuration is not JSON", e);
    }
    return new AssessmentConfig(config.modules().stream().map(m -> m.started(items)).toList());
  }

  private AssessmentConfig parse(JsonNode json, List<String> problems, boolean started) {
    int before = problems.size();
    JsonNode list = json == null ? null : json.get("modules");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.add("assessment must be {\"modules\": [...]} with at least one module");
      return null;
    }
    List<AssessmentConfig.Module> modules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode entry : list) {
      String type = entry.path("type").asText("");
      if (!seen.add(type)) {
        problems.add("assessment module '" + type + "' appears twice");
        continue;
      }
      ModuleFields fields = new ModuleFields(type, entry, problems, started);
      Optional<AssessmentModule<?, ?>> module = find(type);
      if (module.isPresent()) {
        modules.add(parse(module.get(), fields));
      } else {
        problems.add(
            "unknown assessment module '"
                + type
                + "' (known: "
                + String.join(", ", all.stream().map(AssessmentModule::type).toList())
                + ")");
      }
      fields.rejectUnknown();
    }
    return problems.size() == before ? new AssessmentConfig(modules) : null;
  }

  private static <S, P> AssessmentConfig.Module parse(
      AssessmentModule<S, P> module, ModuleFields fields) {
    return AssessmentConfig.Module.of(module, module.parse(fields));
  }
}
