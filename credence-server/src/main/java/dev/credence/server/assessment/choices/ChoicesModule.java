package dev.credence.server.assessment.choices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.AnswerSheet.Choice;
import gg.jte.generated.precompiled.assessment.JtechoiceGenerated;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smaller-sooner or larger-later choices; stored in the answers table as item "1" to "n", 0 for
 * today and 1 for later. Without JavaScript each choice is a page and a form post; the page also
 * carries the choices after it as inert templates, so that its script ({@code /assets/choices.js})
 * shows each next one at once and sends the answers in the background.
 */
public final class ChoicesModule
    implements AssessmentModule<ChoicesModule.Choices, Map<String, Integer>> {

  /**
   * The default choices: nine smaller-sooner or larger-later pairs whose indifference points span
   * discount rates k from about 0.0004 to 0.25 a day (k = (later / today - 1) / days), so that the
   * share of delayed choices orders people from patient to impatient.
   */
  public static final List<Choice> DEFAULT_CHOICES =
      List.of(
          new Choice(80, 85, 157),
          new Choice(47, 50, 160),
          new Choice(67, 75, 119),
          new Choice(25, 30, 80),
          new Choice(55, 75, 61),
          new Choice(40, 55, 62),
          new Choice(25, 60, 14),
          new Choice(15, 35, 13),
          new Choice(20, 55, 7));

  /** The settings: the choices, in the order they are shown. */
  public record Choices(List<Choice> set) {
    public Choices {
      set = List.copyOf(set);
    }
  }

  /** One choice as a page shows it: its number (from 1), how many there are, its amounts. */
  public record ChoiceStep(int index, int choices, Choice choice) {}

  public String type() {
    return "choices";
  }

  public String path() {
    return "choices";
  }

  public Intro intro(Choices settings) {
    return new Intro("dd.title", List.of("dd.instructions"));
  }

  public Class<Choices> settingsType() {
    return Choices.class;
  }

  public Choices defaults() {
    return new Choices(DEFAULT_CHOICES);
  }

  public Choices parse(ModuleFields fields) {
    return new Choices(choices(fields));
  }

  private static List<Choice> choices(ModuleFields fields) {
    JsonNode set = fields.field("set");
    if (set == null || set.isNull()) {
      return DEFAULT_CHOICES;
    }
    List<Choice> choices = new ArrayList<>();
    if (set.isArray() && !set.isEmpty() && set.size() <= 27) {
      for (JsonNode pair : set) {
        if (pair.isArray()
            && pair.size() == 3
            && pair.get(0).canConvertToInt()
            && pair.get(1).canConvertToInt()
            && pair.get(2).canConvertToInt()) {
          int today = pair.get(0).intValue();
          int later = pair.get(1).intValue();
          int days = pair.get(2).intValue();
          if (today >= 1 && later > today && later <= 100_000 && days >= 1 && days <= 3650) {
            choices.add(new Choice(today, later, days));
            continue;
          }
        }
        fields.problem(
            "choices set entries must be [today, later, days] with 1 <= today < later <= 100000"
                + " and 1 <= days <= 3650");
        return DEFAULT_CHOICES;
      }
      return choices;
    }
    fields.problem("choices set must be a list of 1 to 27 [today, later, days] entries");
    return DEFAULT_CHOICES;
  }

  public void toJson(Choices settings, Map<String, Object> json) {
    json.put(
        "set", settings.set().stream().map(c -> List.of(c.today(), c.later(), c.days())).toList());
  }

  public Map<String, Integer> progress(Choices settings, SessionData data) {
    return data.answers(type());
  }

  public int steps(Choices settings, Map<String, Integer> answers) {
    return settings.set().size();
  }

  public int answered(Choices settings, Map<String, Integer> answers) {
    return answers.size();
  }

  public boolean finished(Choices settings, Map<String, Integer> answers) {
    return step(settings, answers) == null;
  }

  private static ChoiceStep step(Choices c, Map<String, Integer> answers) {
    for (int i = 0; i < c.set().size(); i++) {
      if (!answers.containsKey(String.valueOf(i + 1))) {
        return new ChoiceStep(i + 1, c.set().size(), c.set().get(i));
      }
    }
    return null;
  }

  /**
   * The choice to make now, as a form, and every choice after it as a template of the same form
   * (each in the page's language, with its own {@code index}) for the page's script to show next.
   */
  public Html render(Choices settings, Map<String, Integer> answers, StepContext step) {
    ChoiceStep choice = step(settings, answers);
    List<ChoiceStep> later = new ArrayList<>();
    for (int i = choice.index(); i < settings.set().size(); i++) {
      later.add(new ChoiceStep(i + 1, settings.set().size(), settings.set().get(i)));
    }
    step.shown();
    String refusal =
        step.refused(choice.index()).map(r -> step.page().t("error.try_again")).orElse(null);
    return (out, interceptor) ->
        JtechoiceGenerated.render(out, interceptor, step.page(), choice, later, refusal);
  }

  /**
   * One delay-discounting choice: "today" (smaller-sooner) is 0, "later" is 1. The form names the
   * choice it answers ({@code index}), so a repeated post of a choice already made changes nothing.
   * Its time is the script's {@code ms} when it sends one (how long that choice was on screen,
   * bounded by the server's time since the page was shown), else the server's time since then.
   */
  public void post(Choices settings, Map<String, Integer> answers, StepContext step) {
    int index = step.intParam("index");
    String choice = step.formParam("choice");
    ChoiceStep current = settings == null ? null : step(settings, answers);
    if (current == null || current.index() != index) {
      throw StepContext.conflict("That choice is not the one to make now");
    }
    step.keep(index, "");
    int value =
        switch (choice == null ? "" : choice) {
          case "today" -> 0;
          case "later" -> 1;
          default -> throw StepContext.refused("invalid_choice", "Choose today or later");
        };
    step.save(type(), List.of(new Answer(String.valueOf(index), value, index, step.elapsedMs())));
  }

  /** Per choice answered, by its 1-based index: whether the later amount was chosen. */
  public void answers(
      Choices settings, Map<String, Integer> answers, SessionData data, AnswerSheet.Builder sheet) {
    Map<Integer, Boolean> later = new HashMap<>();
    for (Answer choice : data.store().answers(data.sessionId(), type())) {
      later.put(Integer.parseInt(choice.item()), choice.value() == 1);
    }
    sheet.choices(settings.set(), later);
  }
}
