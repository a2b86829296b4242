package dev.credence.server.assessment;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.sessions.Session;
import dev.credence.server.store.StoreErrors;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of the journey: reads of its state on the session row (which the sessions package writes)
 * and the answers table the modules share (modules with tables of their own keep their SQL in their
 * package).
 */
public final class AssessmentStore {
  /** The journey's shared tables that hold a session's rows by {@code session_id}. */
  static final List<String> SESSION_TABLES = List.of("answers", "module_starts", "module_finishes");

  private final Jdbi jdbi;

  public AssessmentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Deletes a session's rows from {@code tables} ({@link AssessmentModules#sessionTables}) inside
   * the caller's transaction: what its erasure removes of the journey.
   */
  public static void erase(Handle h, String sessionId, List<String> tables) {
    for (String table : tables) {
      h.createUpdate("DELETE FROM " + table + " WHERE session_id = ?").bind(0, sessionId).execute();
    }
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
      Instant stepShownAt,
      int modulesFinished,
      Instant moduleFinishedAt) {}

  public record Answer(String item, int value, int page, int elapsedMs) {}

  public Optional<JourneyRow> journey(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT status, started_at, assessment_config, language, user_agent,"
                        + " step_shown_at, modules_finished, module_finished_at FROM sessions"
                        + " WHERE id = ?")
                .bind(0, sessionId)
                .map(
                    (rs, ctx) ->
                        new JourneyRow(
                            rs.getString("status"),
                            instant(rs, "started_at"),
                            rs.getString("assessment_config"),
                            rs.getString("language"),
                            rs.getString("user_agent"),
                            instant(rs, "step_shown_at"),
                            rs.getInt("modules_finished"),
                            instant(rs, "module_finished_at")))
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

  /** The modules whose introduction the applicant pressed Ready on. */
  public Set<String> started(String sessionId) {
    return jdbi.withHandle(
        h ->
            Set.copyOf(
                h.createQuery("SELECT module FROM module_starts WHERE session_id = ?")
                    .bind(0, sessionId)
                    .mapTo(String.class)
                    .list()));
  }

  /** Records the press of Ready on a module; false if it was recorded already. */
  public boolean start(String sessionId, String module, Instant now) {
    try {
      jdbi.useHandle(
          h ->
              h.createUpdate(
                      "INSERT INTO module_starts (session_id, module, started_at) VALUES (?, ?, ?)")
                  .bind(0, sessionId)
                  .bind(1, module)
                  .bind(2, utc(now))
                  .execute());
      return true;
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  /** A module the applicant finished: its place in the journey (from 1) and its type. */
  public record Finished(int moduleNo, String module) {}

  /**
   * Records that the session's modules up to {@code finished.last()} are finished at {@code now},
   * in one transaction: the count and time on the session row, guarded by the count the caller read
   * ({@code row.modulesFinished()}), and a row each in module_finishes. The first of them was
   * reached at consent or when the module before it was finished; the others at {@code now}. False
   * if another request recorded them first.
   */
  public boolean finishModules(
      Session session, JourneyRow row, List<Finished> finished, Instant now) {
    return jdbi.inTransaction(
        h -> {
          int claimed =
              h.createUpdate(
                      "UPDATE sessions SET modules_finished = :n, module_finished_at = :now"
                          + " WHERE id = :id AND modules_finished = :had")
                  .bind("n", finished.get(finished.size() - 1).moduleNo())
                  .bind("now", utc(now))
                  .bind("id", session.id())
                  .bind("had", row.modulesFinished())
                  .execute();
          if (claimed != 1) {
            return false;
          }
          Instant reached = row.modulesFinished() == 0 ? row.startedAt() : row.moduleFinishedAt();
          var batch =
              h.prepareBatch(
                  "INSERT INTO module_finishes (session_id, module_no, module, integration_id,"
                      + " session_created_at, entered_at, finished_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)");
          for (Finished f : finished) {
            batch
                .bind(0, session.id())
                .bind(1, f.moduleNo())
                .bind(2, f.module())
                .bind(3, session.integrationId())
                .bind(4, utc(session.createdAt()))
                .bind(5, utc(reached == null ? now : reached))
                .bind(6, utc(now))
                .add();
            reached = now;
          }
          batch.execute();
          return true;
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
