package dev.credence.server.assessment;

import dev.credence.server.scoring.AnswerSheet;
import java.util.Map;

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

  /** Its introduction while the applicant has not pressed Ready, else null. */
  AssessmentModule.Intro waitingIntro();

  /** What a script is told after its post was applied (null: nothing more). */
  Map<String, Object> scriptReply(StepContext step);

  /** What its script needs on its introduction page (null: nothing). */
  Html introTemplates(PageModel page);

  /**
   * Binds a module's settings and progress, so each call keeps their types together; {@code
   * started} says whether the applicant pressed Ready on its introduction.
   */
  static <S, P> ModuleState of(
      AssessmentModule<S, P> module, S settings, P progress, boolean started) {
    return new Bound<>(module, settings, progress, started);
  }

  record Bound<S, P>(AssessmentModule<S, P> module, S settings, P progress, boolean started)
      implements ModuleState {
    public String type() {
      return module.type();
    }

    public AssessmentModule.Intro waitingIntro() {
      return started ? null : module.intro(settings);
    }

    public Map<String, Object> scriptReply(StepContext step) {
      return module.scriptReply(settings, progress, step);
    }

    public Html introTemplates(PageModel page) {
      return module.introTemplates(settings, page);
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
