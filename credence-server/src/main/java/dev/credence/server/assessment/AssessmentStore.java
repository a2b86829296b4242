package dev.credence.server.assessment;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of the journey: its state on the session row and the answers table the modules share
 * (modules with tables of their own keep their SQL in their package).
 */
public final class AssessmentStore {
  private final Jdbi jdbi;

  public AssessmentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** For the modules' own tables. */
  public Jdbi jdbi() {
    return jdbi;
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

  /** The session's stored answers of every module, by module then item, read in one go. */
  public Map<String, Map<String, Integer>> answers(String sessionId) {
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
          return answers;
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

  /** Consent given: the session starts, with the configuration it will run frozen on it. */
  public boolean start(String sessionId, String config, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE sessions SET status = 'STARTED', started_at = ?,"
                            + " assessment_config = ? WHERE id = ? AND status = 'CREATED'")
                    .bind(0, utc(now))
                    .bind(1, config)
                    .bind(2, sessionId)
                    .execute())
        == 1;
  }

  /** Ends an open session as COMPLETED or CANCELLED; false if it was no longer open. */
  public boolean finish(String sessionId, String status, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE sessions SET status = ?, finished_at = ?"
                            + " WHERE id = ? AND status IN ('CREATED', 'STARTED')")
                    .bind(0, status)
                    .bind(1, utc(now))
                    .bind(2, sessionId)
                    .execute())
        == 1;
  }

  /**
   * An opening of the link. It counts as a visit when it is the first, when the link was not opened
   * since {@code returnAfter}, or when it comes from another device; a change of user agent also
   * counts as a device change. All compared in the statement, so no read comes first.
   */
  public void visit(
      String sessionId, String userAgent, String platform, Instant now, Instant returnAfter) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE sessions SET visits = visits + CASE WHEN last_visit_at IS NULL"
                        + " OR last_visit_at <= :returnAfter OR user_agent IS NULL"
                        + " OR user_agent <> :agent THEN 1 ELSE 0 END,"
                        + " user_agents = user_agents + CASE"
                        + " WHEN user_agent IS NULL OR user_agent <> :agent THEN 1 ELSE 0 END,"
                        + " user_agent = :agent, platform = :platform, last_visit_at = :now"
                        + " WHERE id = :id")
                .bind("agent", userAgent)
                .bind("platform", platform)
                .bind("now", utc(now))
                .bind("returnAfter", utc(returnAfter))
                .bind("id", sessionId)
                .execute());
  }

  public void setLanguage(String sessionId, String language) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE sessions SET language = ? WHERE id = ?")
                .bind(0, language)
                .bind(1, sessionId)
                .execute());
  }

  public void stepShown(String sessionId, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE sessions SET step_shown_at = ? WHERE id = ?")
                .bind(0, utc(now))
                .bind(1, sessionId)
                .execute());
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
}
