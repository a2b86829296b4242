package dev.credence.server.assessment.questionnaire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.AssessmentConfig;
import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.ItemBank.Length;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.assessment.questionnaire.QuestionnaireModule.Questionnaire;
import dev.credence.server.http.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session keeps the items it was shown: the configuration it freezes when it starts records the
 * item ids of its form, and one frozen before forms recorded them keeps the legacy form.
 */
class FrozenFormTest {
  private static ItemBank bank;
  private static final AssessmentModules MODULES = Modules.standard();
  private static final QuestionnaireModule QUESTIONNAIRE = new QuestionnaireModule();

  @BeforeAll
  static void load() {
    bank = ItemBank.load();
  }

  /** The questionnaire's form of a configuration (its item ids in order). */
  private static List<String> form(AssessmentConfig config) {
    return config.settings(QUESTIONNAIRE).orElseThrow().form(bank);
  }

  @Test
  void aStartedSessionRecordsTheItemIdsOfItsForm() {
    for (Length length : Length.values()) {
      AssessmentConfig environment = config(length);
      AssessmentConfig frozen = environment.frozen(bank);
      String json = Json.write(frozen.toJson());

      assertThat(json).contains("\"items\":[\"" + bank.form(length).get(0) + "\"");
      AssessmentConfig read = MODULES.started(json, bank);
      assertThat(read).isEqualTo(frozen);
      assertThat(form(read)).as("%s", length).isEqualTo(bank.form(length));
    }
  }

  @Test
  void recordedItemsWinOverTheCurrentForm() {
    List<String> shown = bank.legacyForm(Length.SHORT);
    AssessmentConfig frozen =
        new AssessmentConfig(
            List.of(
                AssessmentConfig.Module.of(
                    QUESTIONNAIRE, new Questionnaire(Length.SHORT, 6).withItems(shown))));

    assertThat(form(MODULES.started(Json.write(frozen.toJson()), bank)))
        .isEqualTo(shown)
        .isNotEqualTo(bank.form(Length.SHORT));
  }

  @Test
  void aSessionFrozenBeforeItemIdsWereRecordedKeepsTheLegacyForm() {
    for (Length length : Length.values()) {
      String before = Json.write(config(length).toJson()); // no "items"
      assertThat(form(MODULES.started(before, bank)))
          .as("%s", length)
          .isEqualTo(bank.legacyForm(length));
    }
  }

  @Test
  void anEnvironmentCannotSetItemIds() {
    List<String> problems = new ArrayList<>();
    String withItems =
        "{\"modules\": [{\"type\": \"questionnaire\", \"length\": \"short\", \"items\": []}]}";

    assertThat(MODULES.parse(tree(withItems), problems)).isNull();
    assertThat(problems)
        .containsExactly("unknown field 'items' in assessment module 'questionnaire'");
  }

  @Test
  void aStartedSessionsItemIdsMustFitItsForm() {
    List<String> problems = new ArrayList<>();
    String twoItems =
        "{\"modules\": [{\"type\": \"questionnaire\", \"length\": \"short\", \"items\": [\"a\","
            + " \"b\"]}]}";

    assertThat(MODULES.parseStarted(tree(twoItems), problems)).isNull();
    assertThat(problems).containsExactly("questionnaire items must be the 30 item ids of the form");
  }

  private static AssessmentConfig config(Length length) {
    return new AssessmentConfig(
        List.of(AssessmentConfig.Module.of(QUESTIONNAIRE, new Questionnaire(length, 6))));
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
