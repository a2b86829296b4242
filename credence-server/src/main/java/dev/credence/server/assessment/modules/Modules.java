package dev.credence.server.assessment.modules;

import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.balloons.BalloonsModule;
import dev.credence.server.assessment.choices.ChoicesModule;
import dev.credence.server.assessment.memory.MemorySpanModule;
import dev.credence.server.assessment.questionnaire.QuestionnaireModule;
import java.util.List;

/**
 * The one list of assessment modules. The default assessment runs them in this order; a new module
 * is a package of its own and one line here.
 */
public final class Modules {
  private static final AssessmentModules STANDARD =
      new AssessmentModules(
          List.of(
              new QuestionnaireModule(),
              new BalloonsModule(),
              new ChoicesModule(),
              new MemorySpanModule()));

  private Modules() {}

  public static AssessmentModules standard() {
    return STANDARD;
  }
}
