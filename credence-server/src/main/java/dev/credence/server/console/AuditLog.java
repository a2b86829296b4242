package dev.credence.server.console;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.http.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Every change made in the dashboard: who, when, what, and the values before and after. Callers
 * pass only what may be shown to an Admin: never a key, password or token.
 */
public final class AuditLog {
  public static final int PAGE_SIZE = 50;

  private final Jdbi jdbi;
  private final Clock clock;

  public AuditLog(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public record Entry(
      long id,
      Instant at,
      String actorEmail,
      String action,
      String target,
      String before,
      String after) {}

  /** Records a change; {@code before} and {@code after} are written as JSON (null: nothing). */
  public void record(ConsoleUser actor, String action, String target, Object before, Object after) {
    jdbi.useHandle(h -> record(h, actor.companyId(), actor.email(), action, target, before, after));
  }

  /** Records a change inside the caller's transaction. */
  public void record(
      Handle handle,
      String companyId,
      String actorEmail,
      String action,
      String target,
      Object before,
      Object after) {
    handle
        .createUpdate(
            "INSERT INTO audit_log (company_id, created_at, actor_email, action, target,"
                + " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(0, companyId)
        .bind(1, utc(clock.instant()))
        .bind(2, actorEmail)
        .bind(3, action)
        .bind(4, target)
        .bind(5, json(before))
        .bind(6, json(after))
        .execute();
  }

  /** A company's entries, newest first, {@link #PAGE_SIZE} a page, older than {@code beforeId}. */
  public List<Entry> page(String companyId, Long beforeId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, created_at, actor_email, action, target, before_json, after_json"
                        + " FROM audit_log WHERE company_id = ? AND id < ?"
                        + " ORDER BY id DESC LIMIT ?")
                .bind(0, companyId)
                .bind(1, beforeId == null ? Long.MAX_VALUE : beforeId)
                .bind(2, PAGE_SIZE)
                .map(
                    (rs, ctx) ->
                        new Entry(
                            rs.getLong("id"),
                            instant(rs, "created_at"),
                            rs.getString("actor_email"),
                            rs.getString("action"),
                            rs.getString("target"),
                            rs.getString("before_json"),
                            rs.getString("after_json")))
                .list());
  }

  private static String json(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("audit value is not JSON-serialisable", e);
    }
  }
}
