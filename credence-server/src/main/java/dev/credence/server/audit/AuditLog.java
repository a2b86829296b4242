package dev.credence.server.audit;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.http.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A company's audit log: every change made in its dashboard or by the platform operator, with who,
 * when, what, and the values before and after. Callers pass only what may be shown to the company's
 * Admins: never a key, password, token or link.
 *
 * <p>The column {@code actor_email} holds the {@link Actor}'s name: a user's e-mail address, or
 * {@code operator}.
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
      String actor,
      String action,
      String target,
      String before,
      String after) {}

  /**
   * Records a dashboard user's change in their company's log; {@code before} and {@code after} are
   * written as JSON (null: nothing).
   */
  public void record(Actor.User user, String action, String target, Object before, Object after) {
    record(user.companyId(), Actor.of(user), new Change(action, target, before, after));
  }

  public void record(Actor.User user, Change change) {
    record(user.companyId(), Actor.of(user), change);
  }

  /** Records a change in {@code companyId}'s log: the operator's, or a user's. */
  public void record(String companyId, Actor actor, Change change) {
    jdbi.useHandle(h -> record(h, companyId, actor, change));
  }

  /** As {@link #record(String, Actor, Change)}, inside the caller's transaction. */
  public void record(Handle h, String companyId, Actor actor, Change change) {
    record(
        h,
        companyId,
        actor.name(),
        change.action(),
        change.target(),
        change.before(),
        change.after());
  }

  /**
   * Renames the target of a company's earlier entries from {@code target} to {@code replacement},
   * inside the caller's transaction: an erasure takes the uid out of the entries that named it.
   */
  public void renameTarget(Handle h, String companyId, String target, String replacement) {
    h.createUpdate("UPDATE audit_log SET target = ? WHERE company_id = ? AND target = ?")
        .bind(0, replacement)
        .bind(1, companyId)
        .bind(2, target)
        .execute();
  }

  private void record(
      Handle handle,
      String companyId,
      String actor,
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
        .bind(2, actor)
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
