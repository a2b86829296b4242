package dev.credence.server.audit;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.http.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

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

  /**
   * Which entries to read; a null field matches every entry.
   *
   * @param actor the {@link Actor#name} exactly
   * @param action the action exactly ({@code user.role_changed})
   * @param from entries made on or after this day (UTC)
   * @param to entries made on or before this day (UTC)
   */
  public record Filter(String actor, String action, LocalDate from, LocalDate to) {
    public static final Filter ALL = new Filter(null, null, null, null);
  }

  /** A company's entries, newest first, {@link #PAGE_SIZE} a page, older than {@code beforeId}. */
  public List<Entry> page(String companyId, Long beforeId) {
    return page(companyId, Filter.ALL, beforeId);
  }

  /** As {@link #page(String, Long)}, only the entries {@code filter} selects. */
  public List<Entry> page(String companyId, Filter filter, Long beforeId) {
    return jdbi.withHandle(
        h ->
            select(h, companyId, filter, " AND id < :before ORDER BY id DESC LIMIT :limit")
                .bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .bind("limit", PAGE_SIZE)
                .map(AuditLog::entry)
                .list());
  }

  /** Every entry {@code filter} selects, newest first, one at a time (for an export). */
  public void each(String companyId, Filter filter, Consumer<Entry> action) {
    jdbi.useHandle(
        h ->
            select(h, companyId, filter, " ORDER BY id DESC")
                .setFetchSize(500)
                .map(AuditLog::entry)
                .useStream(entries -> entries.forEach(action)));
  }

  /** Who has entries in the company's log, and which actions it holds: a filter's choices. */
  public record Choices(List<String> actors, List<String> actions) {}

  public Choices choices(String companyId) {
    return jdbi.withHandle(
        h -> new Choices(distinct(h, "actor_email", companyId), distinct(h, "action", companyId)));
  }

  private static List<String> distinct(Handle h, String column, String companyId) {
    return h.createQuery(
            "SELECT DISTINCT " + column + " FROM audit_log WHERE company_id = ? ORDER BY " + column)
        .bind(0, companyId)
        .mapTo(String.class)
        .list();
  }

  /** The entries of a company that {@code filter} selects, then {@code rest} (named parameters). */
  private static Query select(Handle h, String companyId, Filter filter, String rest) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, created_at, actor_email, action, target, before_json, after_json"
                + " FROM audit_log WHERE company_id = :company");
    if (filter.actor() != null) {
      sql.append(" AND actor_email = :actor");
    }
    if (filter.action() != null) {
      sql.append(" AND action = :action");
    }
    if (filter.from() != null) {
      sql.append(" AND created_at >= :from");
    }
    if (filter.to() != null) {
      sql.append(" AND created_at < :until");
    }
    Query query = h.createQuery(sql + rest).bind("company", companyId);
    if (filter.actor() != null) {
      query.bind("actor", filter.actor());
    }
    if (filter.action() != null) {
      query.bind("action", filter.action());
    }
    if (filter.from() != null) {
      query.bind("from", utc(filter.from().atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    if (filter.to() != null) {
      query.bind("until", utc(filter.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    return query;
  }

  private static Entry entry(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        instant(rs, "created_at"),
        rs.getString("actor_email"),
        rs.getString("action"),
        rs.getString("target"),
        rs.getString("before_json"),
        rs.getString("after_json"));
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
