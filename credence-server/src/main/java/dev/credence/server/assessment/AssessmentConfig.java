package dev.credence.server.assessment;

import dev.credence.server.scoring.Design;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which modules an environment's assessment runs, in which order, and how each is set. The modules
 * are those of an {@link AssessmentModules} registry; this record only holds them.
 */
public record AssessmentConfig(List<Module> modules) {

  /** One part of the assessment: a module with its settings. */
  public interface Module {
    String type();

    Map<String, Object> toJson();

    AssessmentModule<?, ?> module();

    /** As a session freezes it when it starts. */
    Module freeze(ItemBank items);

    /** As read back from a session frozen earlier. */
    Module started(ItemBank items);

    ModuleState state(SessionData data);

    void design(Design.Builder design);

    /** Its settings, when it is {@code module}. */
    <T> Optional<T> settings(AssessmentModule<T, ?> module);

    static <S, P> Module of(AssessmentModule<S, P> module, S settings) {
      return new Configured<>(module, settings);
    }
  }

  /** A module and its settings, of the same type. */
  public record Configured<S, P>(AssessmentModule<S, P> module, S settings) implements Module {
    public String type() {
      return module.type();
    }

    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("type", type());
      module.toJson(settings, json);
      return json;
    }

    public Module freeze(ItemBank items) {
      return new Configured<>(module, module.freeze(settings, items));
    }

    public Module started(ItemBank items) {
      return new Configured<>(module, module.started(settings, items));
    }

    public ModuleState state(SessionData data) {
      return ModuleState.of(
          module, settings, module.progress(settings, data), data.started().contains(type()));
    }

    public void design(Design.Builder design) {
      module.design(settings, design);
    }

    /** A module is known by its type: equal with the same type and settings. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Configured<?, ?> that
          && type().equals(that.type())
          && settings.equals(that.settings);
    }

    @Override
    public int hashCode() {
      return type().hashCode() * 31 + settings.hashCode();
    }

    public <T> Optional<T> settings(AssessmentModule<T, ?> wanted) {
      return wanted.type().equals(type())
          ? Optional.of(wanted.settingsType().cast(settings))
          : Optional.empty();
    }
  }

  public AssessmentConfig {
    modules = List.copyOf(modules);
  }

  public Map<String, Object> toJson() {
    return Map.of("modules", modules.stream().map(Module::toJson).toList());
  }

  /** The settings of {@code module}, when the assessment runs it. */
  public <T> Optional<T> settings(AssessmentModule<T, ?> module) {
    return modules.stream().flatMap(m -> m.settings(module).stream()).findFirst();
  }

  /** The configuration as a session freezes it when it starts (each module decides). */
  public AssessmentConfig frozen(ItemBank items) {
    return new AssessmentConfig(modules.stream().map(m -> m.freeze(items)).toList());
  }

  /** What the scoring needs of these settings before any answer. */
  public Design design() {
    Design.Builder design = new Design.Builder();
    modules.forEach(m -> m.design(design));
    return design.build();
  }
}
