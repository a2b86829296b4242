package dev.credence.server.assessment;

import java.util.List;

/**
 * Where an applicant is: the first step not yet answered, worked out from what is stored, so a
 * reload or another device resumes at the same place. A pure function of its inputs.
 */
public final class Journey {
  private Journey() {}

  /** A step of the journey. */
  public sealed interface Step {}

  public record Consent() implements Step {}

  /** The next unanswered step is in {@code module}. */
  public record InModule(ModuleState module) implements Step {}

  public record Done() implements Step {}

  /** The step, with how far along the applicant is (for the progress bar). */
  public record Position(Step step, int module, int modules, int percent) {}

  public static Position position(List<ModuleState> states, boolean consented) {
    int modules = states.size();
    if (!consented) {
      return new Position(new Consent(), 0, modules, 0);
    }
    int done = 0;
    int total = 0;
    Step step = null;
    int stepModule = modules;
    for (int i = 0; i < modules; i++) {
      ModuleState module = states.get(i);
      int size = module.steps();
      int answered = Math.min(size, module.answered());
      total += size;
      done += answered;
      if (step == null && !module.finished()) {
        step = new InModule(module);
        stepModule = i + 1;
      }
    }
    int percent = total == 0 ? 100 : (int) Math.floor(100.0 * done / total);
    return new Position(step == null ? new Done() : step, stepModule, modules, percent);
  }
}
