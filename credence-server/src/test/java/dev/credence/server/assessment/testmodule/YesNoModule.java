package dev.credence.server.assessment.testmodule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.scoring.AnswerSheet;
import java.util.List;
import java.util.Map;

/**
 * A module that exists only in the tests: {@code questions} yes/no questions, one a page, stored in
 * the shared answers table (item "1".."n", 1 for yes). It shows what a new module needs: settings,
 * steps, a page, a form post, and a measure of its own for the scoring ({@code yes_no.yes_share},
 * the share of questions answered yes).
 */
public final class YesNoModule
    implements AssessmentModule<YesNoModule.YesNo, Map<String, Integer>> {

  /** The settings: how many questions, and the label of the question shown. */
  public record YesNo(int questions, String label) {}

  public String type() {
    return "yes_no";
  }

  public String path() {
    return "yes_no";
  }

  public Class<YesNo> settingsType() {
    return YesNo.class;
  }

  public YesNo defaults() {
    return new YesNo(3, "Ready?");
  }

  public YesNo parse(ModuleFields fields) {
    int questions = fields.integer("questions", 3, 1, 10);
    JsonNode label = fields.field("label");
    if (label != null && !label.isTextual()) {
      fields.problem("yes_no label must be a string");
    }
    return new YesNo(questions, label == null || !label.isTextual() ? "Ready?" : label.asText());
  }

  public void toJson(YesNo settings, Map<String, Object> json) {
    json.put("questions", settings.questions());
    json.put("label", settings.label());
  }

  public Map<String, Integer> progress(YesNo settings, SessionData data) {
    return data.answers(type());
  }

  public int steps(YesNo settings, Map<String, Integer> answers) {
    return settings.questions();
  }

  public int answered(YesNo settings, Map<String, Integer> answers) {
    return answers.size();
  }

  public boolean finished(YesNo settings, Map<String, Integer> answers) {
    return answers.size() >= settings.questions();
  }

  private static int next(Map<String, Integer> answers) {
    return answers.size() + 1;
  }

  public Html render(YesNo settings, Map<String, Integer> answers, StepContext step) {
    int question = next(answers);
    step.shown();
    // A real module renders a jte template; a plain page is enough here.
    return (out, interceptor) -> {
      out.writeContent("<!DOCTYPE html><html><body><h1>");
      out.writeUserContent(settings.label());
      out.writeContent("</h1><p class=\"question\">" + question + " of " + settings.questions());
      out.writeContent("</p><form method=\"post\" action=\"");
      out.writeUserContent(step.page().action(path()));
      out.writeContent(
          "\"><input type=\"hidden\" name=\"question\" value=\""
              + question
              + "\"><button name=\"answer\" value=\"yes\">Yes</button>"
              + "<button name=\"answer\" value=\"no\">No</button></form></body></html>");
    };
  }

  public void post(YesNo settings, Map<String, Integer> answers, StepContext step) {
    int question = step.intParam("question");
    if (settings == null || next(answers) != question) {
      throw StepContext.conflict("That question is not the one to answer now");
    }
    String answer = step.formParam("answer");
    if (!"yes".equals(answer) && !"no".equals(answer)) {
      throw StepContext.refused("invalid_answer", "Answer yes or no");
    }
    int value = "yes".equals(answer) ? 1 : 0;
    step.save(
        type(), List.of(new Answer(String.valueOf(question), value, question, step.elapsedMs())));
  }

  @Override
  public void answers(
      YesNo settings, Map<String, Integer> answers, SessionData data, AnswerSheet.Builder sheet) {
    if (!answers.isEmpty()) {
      long yes = answers.values().stream().filter(v -> v == 1).count();
      sheet.measure("yes_no.yes_share", (double) yes / answers.size());
    }
  }
}
