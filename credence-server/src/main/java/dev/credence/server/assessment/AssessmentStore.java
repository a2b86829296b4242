package dev.credence.server.assessment;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.credence.server.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of the journey: answers, balloons and memory rounds, and reads of its state on the
 * session row (which the sessions package writes).
 */
public final class AssessmentStore {
  private final Jdbi jdbi;

  public AssessmentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The journey columns of a session. */
  public record JourneyRow(
      String status,
      Instant startedAt,
      String config,
      String language,
      String userAgent,
      Instant stepShownAt) {}

  public record Answer(String item, int value, int page, int elapsedMs) {}

  public record Balloon(int index, int burstPoint, int pumps, String outcome) {
    public boolean finished() {
      return outcome != null;
    }
  }

  public record MemoryRound(
      int round, String digits, String answer, Boolean correct, Instant shownAt) {
    public boolean answered() {
      return correct != null;
    }
  }

  /** Everything answered so far, read in one go to find where the applicant is. */
  public record Progress(
      Map<String, Map<String, Integer>> answers, List<Balloon> balloons, List<MemoryRound> rounds) {
    public Map<String, Integer> answers(String module) {
      return answers.getOrDefault(module, Map.of());
    }
  }

  public Optional<JourneyRow> journey(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT status, started_at, assessment_config, language, user_agent,"
                        + " step_shown_at FROM sessions WHERE id = ?")
                .bind(0, sessionId)
                .map(
                    (rs, ctx) ->
                        new JourneyRow(
                            rs.getString("status"),
                            instant(rs, "started_at"),
                            rs.getString("assessment_config"),
                            rs.getString("language"),
                            rs.getString("user_agent"),
                            instant(rs, "step_shown_at")))
                .findOne());
  }

  public Progress progress(String sessionId) {
    return jdbi.withHandle(
        h -> {
          Map<String, Map<String, Integer>> answers = new HashMap<>();
          h.createQuery("SELECT module, item, answer FROM answers WHERE session_id = ?")
              .bind(0, sessionId)
              .map(
                  (rs, ctx) -> {
                    answers
                        .computeIfAbsent(rs.getString("module"), m -> new HashMap<>())
                        .put(rs.getString("item"), rs.getInt("answer"));
                    return null;
                  })
              .list();
          List<Balloon> balloons =
              h.createQuery(
                      "SELECT balloon, burst_point, pumps, outcome FROM balloons"
                          + " WHERE session_id = ? ORDER BY balloon")
                  .bind(0, sessionId)
                  .map(AssessmentStore::balloon)
                  .list();
          List<MemoryRound> rounds =
              h.createQuery(
                      "SELECT round_no, digits, answer, correct, shown_at FROM memory_rounds"
                          + " WHERE session_id = ? ORDER BY round_no")
                  .bind(0, sessionId)
                  .map(
                      (rs, ctx) ->
                          new MemoryRound(
                              rs.getInt("round_no"),
                              rs.getString("digits"),
                              rs.getString("answer"),
                              (Boolean) rs.getObject("correct", Boolean.class),
                              instant(rs, "shown_at")))
                  .list();
          return new Progress(answers, balloons, rounds);
        });
  }

  /** Every stored answer with its page and time, for scoring, in the order they were given. */
  public List<Answer> answers(String sessionId, String module) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT item, answer, page, elapsed_ms FROM answers"
                        + " WHERE session_id = ? AND module = ? ORDER BY page, answered_at")
                .bind(0, sessionId)
                .bind(1, module)
                .map(
                    (rs, ctx) ->
                        new Answer(
                            rs.getString("item"),
                            rs.getInt("answer"),
                            rs.getInt("page"),
                            rs.getInt("elapsed_ms")))
                .list());
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
    return jdbi.withHandle(
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
            AssessmentConfig.Questionnaire questionnaire = questionnaire(row.config());
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
  private static AssessmentConfig.Questionnaire questionnaire(String config) {
    if (config == null) {
      return null;
    }
    AssessmentConfig parsed;
    try {
      parsed = AssessmentConfig.parseStarted(Json.MAPPER.readTree(config), new ArrayList<>());
    } catch (JsonProcessingException e) {
      return null;
    }
    if (parsed == null) {
      return null;
    }
    return parsed.modules().stream()
        .filter(AssessmentConfig.Questionnaire.class::isInstance)
        .map(AssessmentConfig.Questionnaire.class::cast)
        .findFirst()
        .orElse(null);
  }

  /** How often the link was opened and on how many devices (the first one counted). */
  public record Visits(int visits, int devices) {}

  public Visits visits(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT visits, user_agents FROM sessions WHERE id = ?")
                .bind(0, sessionId)
                .map((rs, ctx) -> new Visits(rs.getInt("visits"), rs.getInt("user_agents")))
                .one());
  }

  /** Stores a page of answers at once; a unique violation means some were answered already. */
  public void saveAnswers(String sessionId, String module, List<Answer> answers, Instant now) {
    jdbi.useTransaction(
        h -> {
          var batch =
              h.prepareBatch(
                  "INSERT INTO answers (session_id, module, item, answer, page, elapsed_ms,"
                      + " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
          for (Answer answer : answers) {
            batch
                .bind(0, sessionId)
                .bind(1, module)
                .bind(2, answer.item())
                .bind(3, answer.value())
                .bind(4, answer.page())
                .bind(5, answer.elapsedMs())
                .bind(6, utc(now))
                .add();
          }
          batch.execute();
        });
  }

  public void startBalloon(String sessionId, int index, int burstPoint, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO balloons (session_id, balloon, burst_point, pumps, started_at)"
                        + " VALUES (?, ?, ?, 0, ?)")
                .bind(0, sessionId)
                .bind(1, index)
                .bind(2, burstPoint)
                .bind(3, utc(now))
                .execute());
  }

  /**
   * One pump of an unfinished balloon, under a row lock so two quick taps cannot both count past
   * the burst point. Returns the balloon after the pump, or empty if it was already finished.
   */
  public Optional<Balloon> pump(String sessionId, int index, Instant now) {
    return jdbi.inTransaction(
        h -> {
          Optional<Balloon> balloon = lockBalloon(h, sessionId, index);
          if (balloon.isEmpty() || balloon.get().finished()) {
            return Optional.empty();
          }
          Balloon b = balloon.get();
          int pumps = b.pumps() + 1;
          String outcome = pumps >= b.burstPoint() ? "BURST" : null;
          h.createUpdate(
                  "UPDATE balloons SET pumps = ?, outcome = ?, finished_at = ?"
                      + " WHERE session_id = ? AND balloon = ?")
              .bind(0, pumps)
              .bind(1, outcome)
              .bind(2, outcome == null ? null : utc(now))
              .bind(3, sessionId)
              .bind(4, index)
              .execute();
          return Optional.of(new Balloon(index, b.burstPoint(), pumps, outcome));
        });
  }

  /** Banks an unfinished balloon's points; empty if it was already finished. */
  public Optional<Balloon> collect(String sessionId, int index, Instant now) {
    return jdbi.inTransaction(
        h -> {
          Optional<Balloon> balloon = lockBalloon(h, sessionId, index);
          if (balloon.isEmpty() || balloon.get().finished()) {
            return Optional.empty();
          }
          h.createUpdate(
                  "UPDATE balloons SET outcome = 'COLLECTED', finished_at = ?"
                      + " WHERE session_id = ? AND balloon = ?")
              .bind(0, utc(now))
              .bind(1, sessionId)
              .bind(2, index)
              .execute();
          Balloon b = balloon.get();
          return Optional.of(new Balloon(index, b.burstPoint(), b.pumps(), "COLLECTED"));
        });
  }

  private static Optional<Balloon> lockBalloon(Handle h, String sessionId, int index) {
    return h.createQuery(
            "SELECT balloon, burst_point, pumps, outcome FROM balloons"
                + " WHERE session_id = ? AND balloon = ? FOR UPDATE")
        .bind(0, sessionId)
        .bind(1, index)
        .map(AssessmentStore::balloon)
        .findOne();
  }

  private static Balloon balloon(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new Balloon(
        rs.getInt("balloon"),
        rs.getInt("burst_point"),
        rs.getInt("pumps"),
        rs.getString("outcome"));
  }

  public void startRound(String sessionId, int round, String digits, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO memory_rounds (session_id, round_no, digits, shown_at)"
                        + " VALUES (?, ?, ?, ?)")
                .bind(0, sessionId)
                .bind(1, round)
                .bind(2, digits)
                .bind(3, utc(now))
                .execute());
  }

  /** Records the answer of a round not yet answered; false if it was answered already. */
  public boolean answerRound(
      String sessionId, int round, String answer, boolean correct, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE memory_rounds SET answer = ?, correct = ?, answered_at = ?"
                            + " WHERE session_id = ? AND round_no = ? AND correct IS NULL")
                    .bind(0, answer)
                    .bind(1, correct)
                    .bind(2, utc(now))
                    .bind(3, sessionId)
                    .bind(4, round)
                    .execute())
        == 1;
  }
}
