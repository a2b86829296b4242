package dev.credence.server.assessment.questionnaire;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.credence.server.assessment.AssessmentConfig;
import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.questionnaire.QuestionnaireModule.Questionnaire;
import dev.credence.server.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The questionnaires of completed sessions, read a page at a time (for reliability reports). */
public final class QuestionnaireStore {
  private final AssessmentStore store;
  private final AssessmentModules modules;

  public QuestionnaireStore(AssessmentStore store, AssessmentModules modules) {
    this.store = store;
    this.modules = modules;
  }

  /** Where a page of {@link #completedQuestionnaires} ended: the last session it held. */
  public record Cursor(Instant finishedAt, String sessionId) {}

  /**
   * A completed session's questionnaire: its form ({@code null} when its frozen configuration has
   * no questionnaire), the item ids the session recorded for it ({@code null} for sessions started
   * before forms were recorded), and the answers by item id, as given (not reverse-keyed).
   */
  public record CompletedQuestionnaire(
      String sessionId,
      Instant finishedAt,
      ItemBank.Length form,
      List<String> items,
      Map<String, Integer> answers) {}

  /**
   * One page of the environment's COMPLETED sessions, newest first (by finish time, then id), each
   * with its questionnaire answers; {@code after} is where the previous page ended, null for the
   * first. Two queries a page: the sessions, then the answers of just those sessions.
   */
  public List<CompletedQuestionnaire> completedQuestionnaires(
      String integrationId, Cursor after, int limit) {
    return store
        .jdbi()
        .withHandle(
            h -> {
              var query =
                  h.createQuery(
                          "SELECT id, finished_at, assessment_config FROM sessions"
                              + " WHERE integration_id = :integration AND status = 'COMPLETED'"
                              + " AND finished_at IS NOT NULL"
                              + (after == null
                                  ? ""
                                  : " AND (finished_at < :at OR (finished_at = :at AND id < :id))")
                              + " ORDER BY finished_at DESC, id DESC LIMIT :limit")
                      .bind("integration", integrationId)
                      .bind("limit", limit);
              if (after != null) {
                query.bind("at", utc(after.finishedAt())).bind("id", after.sessionId());
              }
              record Row(String id, Instant finishedAt, String config) {}
              List<Row> rows =
                  query
                      .map(
                          (rs, ctx) ->
                              new Row(
                                  rs.getString("id"),
                                  instant(rs, "finished_at"),
                                  rs.getString("assessment_config")))
                      .list();
              if (rows.isEmpty()) {
                return List.<CompletedQuestionnaire>of();
              }
              Map<String, Map<String, Integer>> answers = new HashMap<>();
              h.createQuery(
                      "SELECT session_id, item, answer FROM answers"
                          + " WHERE module = 'questionnaire' AND session_id IN (<ids>)")
                  .bindList("ids", rows.stream().map(Row::id).toList())
                  .map(
                      (rs, ctx) -> {
                        answers
                            .computeIfAbsent(rs.getString("session_id"), s -> new HashMap<>())
                            .put(rs.getString("item"), rs.getInt("answer"));
                        return null;
                      })
                  .list();
              List<CompletedQuestionnaire> page = new ArrayList<>(rows.size());
              for (Row row : rows) {
                Questionnaire questionnaire = questionnaire(row.config());
                page.add(
                    new CompletedQuestionnaire(
                        row.id(),
                        row.finishedAt(),
                        questionnaire == null ? null : questionnaire.length(),
                        questionnaire == null ? null : questionnaire.items(),
                        answers.getOrDefault(row.id(), Map.of())));
              }
              return page;
            });
  }

  /** The questionnaire of a frozen configuration; null if it has none or cannot be read. */
  private Questionnaire questionnaire(String config) {
    if (config == null) {
      return null;
    }
    AssessmentConfig parsed;
    try {
      parsed = modules.parseStarted(Json.MAPPER.readTree(config), new ArrayList<>());
    } catch (JsonProcessingException e) {
      return null;
    }
    if (parsed == null) {
      return null;
    }
    return parsed.settings(new QuestionnaireModule()).orElse(null);
  }
}
