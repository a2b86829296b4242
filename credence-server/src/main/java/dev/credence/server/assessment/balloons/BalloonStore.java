package dev.credence.server.assessment.balloons;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The balloons table: one row a balloon of the game, drawn all at once when the game is first shown
 * (its burst point, {@code started_at} the time it was drawn), with its pumps and outcome.
 */
public final class BalloonStore {
  private final Jdbi jdbi;

  BalloonStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A balloon as stored; {@code outcome} is COLLECTED, BURST, or null while it is in play. */
  public record Balloon(int index, int burstPoint, int pumps, String outcome) {
    public boolean finished() {
      return outcome != null;
    }
  }

  /** The session's balloons in order. */
  List<Balloon> balloons(String sessionId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT balloon, burst_point, pumps, outcome FROM balloons"
                        + " WHERE session_id = ? ORDER BY balloon")
                .bind(0, sessionId)
                .map(BalloonStore::balloon)
                .list());
  }

  /**
   * Draws the balloons not drawn yet, all in one transaction: {@code burstPoints} maps a balloon's
   * number to its burst point. A concurrent request that drew them first makes this fail with a
   * unique-key violation and change nothing; its draw stands.
   */
  public void draw(String sessionId, Map<Integer, Integer> burstPoints, Instant now) {
    jdbi.useTransaction(
        h -> {
          for (Map.Entry<Integer, Integer> balloon : burstPoints.entrySet()) {
            h.createUpdate(
                    "INSERT INTO balloons (session_id, balloon, burst_point, pumps, started_at)"
                        + " VALUES (?, ?, ?, 0, ?)")
                .bind(0, sessionId)
                .bind(1, balloon.getKey())
                .bind(2, balloon.getValue())
                .bind(3, utc(now))
                .execute();
          }
        });
  }

  /**
   * A balloon played on the device, in one go: an unfinished balloon that has exactly {@code
   * counted} pumps ends at {@code to} pumps with {@code outcome} (COLLECTED or BURST), under a row
   * lock. {@code check} sees the locked balloon first and throws to refuse the result, which then
   * changes nothing. Empty if the balloon was already finished or its count has moved on.
   */
  public Optional<Balloon> finish(
      String sessionId,
      int index,
      int counted,
      int to,
      String outcome,
      Consumer<Balloon> check,
      Instant now) {
    return jdbi.inTransaction(
        h -> {
          Optional<Balloon> balloon = lockBalloon(h, sessionId, index);
          if (!playable(balloon, counted)) {
            return Optional.empty();
          }
          Balloon b = balloon.get();
          check.accept(b);
          return Optional.of(
              save(h, sessionId, new Balloon(index, b.burstPoint(), to, outcome), now));
        });
  }

  /**
   * One pump of an unfinished balloon that has exactly {@code counted} pumps, under a row lock so
   * that two quick taps carrying the same count make one pump. Returns the balloon after the pump,
   * or empty if it was already finished or its count has moved on.
   */
  public Optional<Balloon> pump(String sessionId, int index, int counted, Instant now) {
    return jdbi.inTransaction(
        h -> {
          Optional<Balloon> balloon = lockBalloon(h, sessionId, index);
          if (!playable(balloon, counted)) {
            return Optional.empty();
          }
          Balloon b = balloon.get();
          int pumps = b.pumps() + 1;
          String outcome = pumps >= b.burstPoint() ? "BURST" : null;
          return Optional.of(
              save(h, sessionId, new Balloon(index, b.burstPoint(), pumps, outcome), now));
        });
  }

  /**
   * Banks an unfinished balloon's points, if it has exactly {@code counted} pumps (the points the
   * applicant saw); empty if it was already finished or its count has moved on.
   */
  public Optional<Balloon> collect(String sessionId, int index, int counted, Instant now) {
    return jdbi.inTransaction(
        h -> {
          Optional<Balloon> balloon = lockBalloon(h, sessionId, index);
          if (!playable(balloon, counted)) {
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

  /** Writes a balloon's pumps and outcome (its finish time once it has one); returns it. */
  private static Balloon save(Handle h, String sessionId, Balloon balloon, Instant now) {
    h.createUpdate(
            "UPDATE balloons SET pumps = ?, outcome = ?, finished_at = ?"
                + " WHERE session_id = ? AND balloon = ?")
        .bind(0, balloon.pumps())
        .bind(1, balloon.outcome())
        .bind(2, balloon.finished() ? utc(now) : null)
        .bind(3, sessionId)
        .bind(4, balloon.index())
        .execute();
    return balloon;
  }

  private static boolean playable(Optional<Balloon> balloon, int counted) {
    return balloon.isPresent() && !balloon.get().finished() && balloon.get().pumps() == counted;
  }

  private static Optional<Balloon> lockBalloon(Handle h, String sessionId, int index) {
    return h.createQuery(
            "SELECT balloon, burst_point, pumps, outcome FROM balloons"
                + " WHERE session_id = ? AND balloon = ? FOR UPDATE")
        .bind(0, sessionId)
        .bind(1, index)
        .map(BalloonStore::balloon)
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
}
