package dev.credence.server.assessment;

import dev.credence.server.scoring.AnswerSheet;

/** One configured module with what the session has done in it. */
public interface ModuleState {
  String type();

  AssessmentModule<?, ?> module();

  int steps();

  int answered();

  boolean finished();

  Html render(StepContext step);

  void post(StepContext step);

  void answers(SessionData data, AnswerSheet.Builder sheet);

  /** Binds a module's settings and progress, so each call keeps their types together. */
  static <S, P> ModuleState of(AssessmentModule<S, P> module, S settings, P progress) {
    return new Bound<>(module, settings, progress);
  }

  record Bound<S, P>(AssessmentModule<S, P> module, S settings, P progress) implements ModuleState {
    public String type() {
      return module.type();
    }

    public int steps() {
      return module.steps(settings, progress);
    }

    public int answered() {
      return module.answered(settings, progress);
    }

    public boolean finished() {
      return module.finished(settings, progress);
    }

    public Html render(StepContext step) {
      return module.render(settings, progress, step);
    }

    public void post(StepContext step) {
      module.post(settings, progress, step);
    }

    public void answers(SessionData data, AnswerSheet.Builder sheet) {
      module.answers(settings, progress, data, sheet);
    }
  }
}
