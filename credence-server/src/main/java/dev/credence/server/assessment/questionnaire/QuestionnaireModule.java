package dev.credence.server.assessment.questionnaire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.Design;
import gg.jte.generated.precompiled.assessment.JtequestionnaireGenerated;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Statements rated 1 to 5, several a page, from the item bank's forms; stored in the answers table
 * by item id.
 */
public final class QuestionnaireModule
    implements AssessmentModule<QuestionnaireModule.Questionnaire, QuestionnaireModule.Progress> {
  private static final String FALLBACK_LANGUAGE = "en";
  private static final String ITEM_LANGUAGE = "en"; // keys and facets are the same in every one

  /**
   * The settings: {@code length} picks the form, {@code itemsPerPage} statements a page. {@code
   * items} is null in an environment's configuration; the copy a session freezes when it starts
   * records the item ids of its form there, so the session keeps them whatever the forms become.
   */
  public record Questionnaire(ItemBank.Length length, int itemsPerPage, List<String> items) {
    public Questionnaire {
      items = items == null ? null : List.copyOf(items);
    }

    public Questionnaire(ItemBank.Length length, int itemsPerPage) {
      this(length, itemsPerPage, null);
    }

    /** These settings with the item ids of its form recorded. */
    public Questionnaire withItems(List<String> items) {
      return new Questionnaire(length, itemsPerPage, items);
    }

    /** Its form (item ids in order): the ids recorded, else the current form of its length. */
    public List<String> form(ItemBank bank) {
      return items != null ? items : bank.form(length);
    }
  }

  /** The form shown and the answers stored, by item id. */
  public record Progress(List<String> form, Map<String, Integer> answers) {}

  public record QuestionnairePage(int page, int pages, List<String> itemIds) {}

  /**
   * A refused page shown again: the reason, in the interface language, the answers the applicant
   * had ticked (by item id) and the statements left unanswered (item ids, in page order).
   */
  public record Refused(String reason, Map<String, Integer> ticked, List<String> missing) {
    public Refused {
      ticked = Map.copyOf(ticked);
      missing = List.copyOf(missing);
    }

    public boolean ticked(String itemId, int value) {
      return ticked.getOrDefault(itemId, 0) == value;
    }

    public boolean missing(String itemId) {
      return missing.contains(itemId);
    }
  }

  public String type() {
    return "questionnaire";
  }

  public String path() {
    return "questionnaire";
  }

  public Class<Questionnaire> settingsType() {
    return Questionnaire.class;
  }

  public Questionnaire defaults() {
    return new Questionnaire(ItemBank.Length.SHORT, 6);
  }

  public Questionnaire parse(ModuleFields fields) {
    ItemBank.Length length = length(fields);
    int perPage = fields.integer("items_per_page", 6, 1, 30);
    return new Questionnaire(length, perPage, fields.started() ? items(fields, length) : null);
  }

  private static ItemBank.Length length(ModuleFields fields) {
    JsonNode node = fields.field("length");
    String value = node == null ? "short" : node.asText("short");
    try {
      return ItemBank.Length.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      fields.problem("questionnaire length must be short (30 items), standard (60) or full (120)");
      return ItemBank.Length.SHORT;
    }
  }

  /** A started session's item ids: absent (null) or as many distinct ids as the form has. */
  private static List<String> items(ModuleFields fields, ItemBank.Length length) {
    JsonNode items = fields.field("items");
    if (items == null || items.isNull()) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    if (items.isArray()) {
      items.forEach(id -> ids.add(id.isTextual() ? id.asText() : ""));
    }
    if (ids.size() != length.items()
        || ids.contains("")
        || ids.stream().distinct().count() != ids.size()) {
      fields.problem("questionnaire items must be the " + length.items() + " item ids of the form");
      return null;
    }
    return ids;
  }

  public void toJson(Questionnaire settings, Map<String, Object> json) {
    json.put("length", settings.length().name().toLowerCase(Locale.ROOT));
    json.put("items_per_page", settings.itemsPerPage());
    if (settings.items() != null) {
      json.put("items", settings.items());
    }
  }

  /** The session keeps the item ids of its form. */
  public Questionnaire freeze(Questionnaire settings, ItemBank items) {
    return settings.withItems(settings.form(items));
  }

  /**
   * A session that started before forms recorded their item ids keeps the items it was shown: the
   * legacy form of its length ({@link ItemBank#legacyForm}).
   */
  public Questionnaire started(Questionnaire settings, ItemBank items) {
    return settings.items() == null
        ? settings.withItems(items.legacyForm(settings.length()))
        : settings;
  }

  public Progress progress(Questionnaire settings, SessionData data) {
    return new Progress(settings.form(data.items()), data.answers(type()));
  }

  public int steps(Questionnaire settings, Progress progress) {
    return progress.form().size();
  }

  public int answered(Questionnaire settings, Progress progress) {
    return (int) progress.form().stream().filter(progress.answers()::containsKey).count();
  }

  public boolean finished(Questionnaire settings, Progress progress) {
    return page(settings, progress) == null;
  }

  /** The first page with a statement unanswered, or null. */
  private static QuestionnairePage page(Questionnaire q, Progress progress) {
    List<String> form = progress.form();
    int pages = (form.size() + q.itemsPerPage() - 1) / q.itemsPerPage();
    for (int page = 0; page < pages; page++) {
      List<String> items =
          form.subList(
              page * q.itemsPerPage(), Math.min(form.size(), (page + 1) * q.itemsPerPage()));
      if (!progress.answers().keySet().containsAll(items)) {
        return new QuestionnairePage(page + 1, pages, items);
      }
    }
    return null;
  }

  public Html render(Questionnaire settings, Progress progress, StepContext step) {
    QuestionnairePage questions = page(settings, progress);
    ItemBank bank = step.items();
    String itemLanguage = bank.hasLanguage(step.language()) ? step.language() : FALLBACK_LANGUAGE;
    List<ItemBank.Item> shown = new ArrayList<>();
    for (String id : questions.itemIds()) {
      shown.add(bank.item(itemLanguage, id));
    }
    step.shown();
    Refused refused =
        step.refused(questions.page()).map(r -> refused(r, questions, step)).orElse(null);
    return (out, interceptor) ->
        JtequestionnaireGenerated.render(
            out, interceptor, step.page(), questions, shown, refused, itemLanguage);
  }

  /** The page's refusal from what the post kept: one digit an item of the page, 0 for none. */
  private static Refused refused(
      StepContext.Refused kept, QuestionnairePage page, StepContext step) {
    Map<String, Integer> ticked = new HashMap<>();
    List<String> missing = new ArrayList<>();
    List<String> ids = page.itemIds();
    boolean fits = kept.kept().length() == ids.size();
    for (int i = 0; i < ids.size(); i++) {
      int value = fits ? kept.kept().charAt(i) - '0' : 0;
      if (value >= 1 && value <= 5) {
        ticked.put(ids.get(i), value);
      } else if (fits) {
        missing.add(ids.get(i));
      }
    }
    boolean unanswered = "answer_missing".equals(kept.code()) && !missing.isEmpty();
    String reason = step.page().t(unanswered ? "q.missing" : "error.try_again");
    return new Refused(reason, ticked, unanswered ? missing : List.of());
  }

  /**
   * One page of the questionnaire: every statement on it, each 1 to 5. A refused page keeps what
   * was ticked, so the page shown again has it ticked still and names what is missing.
   */
  public void post(Questionnaire settings, Progress progress, StepContext step) {
    int page = step.intParam("page");
    Map<String, List<String>> form = step.formParams();
    QuestionnairePage current = settings == null ? null : page(settings, progress);
    if (current == null || current.page() != page) {
      throw StepContext.conflict("That page of statements is not the one to answer now");
    }
    step.keep(page, ticked(current, form));
    List<Answer> answers = new ArrayList<>();
    for (String key : form.keySet()) {
      if (key.startsWith("item_") && !current.itemIds().contains(key.substring(5))) {
        throw StepContext.refused(
            "unknown_item", "Statement " + key.substring(5) + " is not on this page");
      }
    }
    int elapsed = step.elapsedMs();
    for (String itemId : current.itemIds()) {
      List<String> values = form.get("item_" + itemId);
      if (values == null || values.isEmpty() || values.get(0).isBlank()) {
        throw StepContext.refused("answer_missing", "Please answer every statement on this page");
      }
      answers.add(new Answer(itemId, oneToFive(values.get(0)), page, elapsed));
    }
    step.save(type(), answers);
  }

  /** One digit an item of the page: its answer 1 to 5, or 0 when it has none that fits. */
  private static String ticked(QuestionnairePage page, Map<String, List<String>> form) {
    StringBuilder ticked = new StringBuilder();
    for (String itemId : page.itemIds()) {
      List<String> values = form.get("item_" + itemId);
      String value = values == null || values.isEmpty() ? "" : values.get(0).trim();
      ticked.append(value.matches("[1-5]") ? value : "0");
    }
    return ticked.toString();
  }

  private static int oneToFive(String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= 1 && parsed <= 5) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw StepContext.refused("answer_out_of_range", "Each answer must be one of the five options");
  }

  public void design(Questionnaire settings, Design.Builder design) {
    design.form(settings.length().name().toLowerCase(Locale.ROOT), settings.length().items());
  }

  /** The answers in the order of the form, with the facts of their items. */
  public void answers(
      Questionnaire settings, Progress progress, SessionData data, AnswerSheet.Builder sheet) {
    List<String> form = progress.form();
    Map<String, Integer> order = new HashMap<>();
    for (int i = 0; i < form.size(); i++) {
      order.put(form.get(i), i);
    }
    List<ItemAnswer> answers = new ArrayList<>();
    data.store().answers(data.sessionId(), type()).stream()
        .sorted(Comparator.comparingInt(a -> order.getOrDefault(a.item(), Integer.MAX_VALUE)))
        .forEach(
            a ->
                answers.add(
                    new ItemAnswer(
                        data.items().item(ITEM_LANGUAGE, a.item()).facts(),
                        a.value(),
                        a.page(),
                        a.elapsedMs())));
    sheet.questionnaire(answers);
  }
}
