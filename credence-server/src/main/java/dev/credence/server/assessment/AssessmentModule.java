package dev.credence.server.assessment;

import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.Design;
import java.util.List;
import java.util.Map;

/**
 * One kind of assessment module (a questionnaire, a game): everything the journey, the pages and
 * the scoring need to know of it. An implementation lives in its own package and is registered in
 * one list ({@code assessment.modules.Modules}); nothing else names it.
 *
 * @param <S> its settings as an environment configures them (a record)
 * @param <P> what the applicant has done in it so far, read from its stored rows
 */
public interface AssessmentModule<S, P> {

  /** Its name in the {@code assessment} setting, e.g. {@code "balloons"}. */
  String type();

  /** Where its page posts, under the link: {@code /{token}/{path}}. */
  String path();

  /** The class of its settings, so that a configuration can hand them out typed. */
  Class<S> settingsType();

  /** Its settings when the environment sets none of its fields. */
  S defaults();

  /**
   * Reads its settings from one entry of {@code assessment.modules}; every field it reads goes
   * through {@code fields}, which collects the problems and refuses the fields it did not read.
   */
  S parse(ModuleFields fields);

  /** Writes its settings after {@code "type"}, in the order they are shown. */
  void toJson(S settings, Map<String, Object> json);

  /** The settings a session freezes when it starts (e.g. the item ids of a form). */
  default S freeze(S settings, ItemBank items) {
    return settings;
  }

  /** The settings of a session frozen before the current shape of its frozen copy. */
  default S started(S settings, ItemBank items) {
    return settings;
  }

  /** What the session has done in it, from its stored rows. */
  P progress(S settings, SessionData data);

  /** How many steps it has, for the progress bar. */
  int steps(S settings, P progress);

  /** How many of those are answered. */
  int answered(S settings, P progress);

  /** Whether nothing is left to answer in it. */
  boolean finished(S settings, P progress);

  /** Its page for the step to answer now (never called once it is finished). */
  Html render(S settings, P progress, StepContext step);

  /**
   * Handles its form post. {@code settings} and {@code progress} are null when it is not the step
   * to answer now: it then refuses with a conflict (after reading its fields, as the answer would).
   */
  void post(S settings, P progress, StepContext step);

  /**
   * A game's introduction: its title and instructions (interface text keys), shown with a Ready
   * button before its first step, so that nothing is shown or timed before the applicant has read
   * how it is played. Null for a module that opens with its first step (the questionnaire).
   */
  default Intro intro(S settings) {
    return null;
  }

  /**
   * What the game's script needs on its introduction page to play on from Ready without a page
   * load, such as {@code <template>} elements of its screens with their texts in {@code page}'s
   * language; null for none. Nothing of a step: no step is drawn before Ready.
   */
  default Html introTemplates(S settings, PageModel page) {
    return null;
  }

  /** A title and the paragraphs of instructions under it, as interface text keys. */
  record Intro(String title, List<String> paragraphs) {
    public Intro {
      paragraphs = List.copyOf(paragraphs);
    }
  }

  /**
   * What a script is told after one of its posts was applied (the post asked for JSON): the state
   * the page's script needs to go on without loading the page, such as the next memory round.
   * {@code progress} is read after the post; null says nothing more than that it was applied.
   */
  default Map<String, Object> scriptReply(S settings, P progress, StepContext step) {
    return null;
  }

  /** What its settings tell the scoring before any answer (the form, the balloon game). */
  default void design(S settings, Design.Builder design) {}

  /** What it adds to the answer sheet of a finished session. */
  default void answers(S settings, P progress, SessionData data, AnswerSheet.Builder sheet) {}

  /**
   * The tables of its own that hold a session's rows by {@code session_id}, which an erasure of the
   * session empties. None for a module that keeps its answers in the shared answers table.
   */
  default List<String> sessionTables() {
    return List.of();
  }
}
