package dev.credence.server.assessment.memory;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The memory_rounds table: one row a round shown, with its digits and the answer typed. */
public final class MemoryStore {
  private final Jdbi jdbi;

  MemoryStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A round as stored; {@code correct} is null until it is answered. */
  public record MemoryRound(
      int round, String digits, String answer, Boolean correct, Instant shownAt) {
    public boolean answered() {
      return correct != null;
    }
  }

  /** The session's rounds in order. */
  List<MemoryRound> rounds(String sessionId) {
    return jdbi.withHandle(
        h ->
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
                .list());
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
