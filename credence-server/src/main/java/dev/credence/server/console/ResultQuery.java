package dev.credence.server.console;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL of the results screen: a company's sessions with their results, filtered by {@link
 * ResultFilter}, newest first. Every query is scoped to the company through its deployments.
 */
public final class ResultQuery {
  public static final int PAGE_SIZE = 50;

  private static final String FROM =
      " FROM sessions s"
          + " JOIN environments e ON e.integration_id = s.integration_id"
          + " JOIN deployments d ON d.id = e.deployment_id"
          + " LEFT JOIN results r ON r.session_id = s.id";

  private static final String COLUMNS =
      "SELECT s.id, s.integration_id, s.uid, s.status, s.created_at, s.started_at,"
          + " s.finished_at, d.name AS deployment_name, r.score, r.risk_band,"
          + " r.score_confidence, r.review_required, r.calculated";

  private static final String NEWEST_FIRST = " ORDER BY s.created_at DESC, s.id DESC";

  private final Jdbi jdbi;

  public ResultQuery(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One session as the results screen lists it; score, band, confidence and flags are null when it
   * has no result.
   */
  public record Row(
      String sessionId,
      String integrationId,
      String uid,
      String deployment,
      String status,
      Instant createdAt,
      Instant finishedAt,
      Integer score,
      String band,
      String confidence,
      Boolean reviewRequired,
      List<String> flags) {

    public String flagList() {
      return flags == null ? "" : String.join(" ", flags);
    }
  }

  /** Up to {@code limit} matching sessions, newest first, after the filter's cursor. */
  public List<Row> page(String companyId, ResultFilter filter, int limit) {
    Where where = where(companyId, filter, true);
    return jdbi.withHandle(
        h ->
            where
                .bind(
                    h.createQuery(
                        COLUMNS
                            + FROM
                            + where.sql()
                            + NEWEST_FIRST
                            + " FETCH FIRST "
                            + limit
                            + " ROWS ONLY"))
                .map(ResultQuery::row)
                .list());
  }

  /** How many sessions match, on every page. */
  public long count(String companyId, ResultFilter filter) {
    Where where = where(companyId, filter, false);
    return jdbi.withHandle(
        h ->
            where
                .bind(h.createQuery("SELECT COUNT(*)" + FROM + where.sql()))
                .mapTo(Long.class)
                .one());
  }

  /** How many matching results have each score, lowest score first. */
  public TreeMap<Integer, Long> scores(String companyId, ResultFilter filter) {
    Where where = where(companyId, filter, false);
    TreeMap<Integer, Long> counts = new TreeMap<>();
    jdbi.useHandle(
        h ->
            where
                .bind(
                    h.createQuery(
                        "SELECT r.score, COUNT(*) AS n"
                            + FROM
                            + where.sql()
                            + " AND r.score IS NOT NULL GROUP BY r.score"))
                .map((rs, ctx) -> Map.entry(rs.getInt("score"), rs.getLong("n")))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
    return counts;
  }

  /** Every matching session, newest first, one at a time (the database sends them in batches). */
  public void each(String companyId, ResultFilter filter, Consumer<Row> sink) {
    Where where = where(companyId, filter, false);
    jdbi.useTransaction( // PostgreSQL streams with a fetch size only inside a transaction
        h ->
            where
                .bind(h.createQuery(COLUMNS + FROM + where.sql() + NEWEST_FIRST))
                .setFetchSize(500)
                .map(ResultQuery::row)
                .forEach(sink));
  }

  /** A WHERE clause with its named values. */
  private record Where(String sql, Map<String, Object> values) {
    Query bind(Query query) {
      values.forEach(query::bind);
      return query;
    }
  }

  private static Where where(String companyId, ResultFilter filter, boolean paged) {
    StringBuilder sql = new StringBuilder(" WHERE d.company_id = :company AND e.kind = :kind");
    Map<String, Object> values = new HashMap<>();
    values.put("company", companyId);
    values.put("kind", filter.kind().name());
    if (filter.uid() != null) {
      sql.append(" AND s.uid LIKE :uid ESCAPE '!'");
      values.put("uid", likePrefix(filter.uid()));
    }
    if (filter.deployment() != null) {
      sql.append(" AND d.id = :deployment");
      values.put("deployment", filter.deployment());
    }
    if (filter.from() != null) {
      sql.append(" AND s.created_at >= :from");
      values.put("from", utc(filter.fromDay().atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    if (filter.to() != null) {
      sql.append(" AND s.created_at < :to"); // before the next day: the whole last day counts
      values.put("to", utc(filter.toDay().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    if (filter.status() != null) {
      sql.append(" AND ").append(statusCondition(filter.status()));
    }
    if (filter.band() != null) {
      sql.append(" AND r.risk_band = :band");
      values.put("band", filter.band());
    }
    if (filter.confidence() != null) {
      sql.append(" AND r.score_confidence = :confidence");
      values.put("confidence", filter.confidence());
    }
    if (paged && filter.before() != null) {
      // Keyset paging: strictly after the cursor's session in (created_at, id) order, so equal
      // times never skip or repeat a row. A cursor that is unknown, or another company's,
      // matches nothing.
      String at =
          "(SELECT c.created_at FROM sessions c"
              + " JOIN environments ce ON ce.integration_id = c.integration_id"
              + " JOIN deployments cd ON cd.id = ce.deployment_id"
              + " WHERE c.id = :before AND cd.company_id = :company)";
      sql.append(" AND (s.created_at < ")
          .append(at)
          .append(" OR (s.created_at = ")
          .append(at)
          .append(" AND s.id < :before))");
      values.put("before", filter.before());
    }
    return new Where(sql.toString(), values);
  }

  /**
   * "expired" ended untouched; "incomplete" was started, then expired (the session that also sent
   * {@code application.incomplete}).
   */
  private static String statusCondition(String status) {
    return switch (status) {
      case "completed" -> "s.status = 'COMPLETED'";
      case "cancelled" -> "s.status = 'CANCELLED'";
      case "expired" -> "s.status = 'EXPIRED' AND s.started_at IS NULL";
      case "incomplete" -> "s.status = 'EXPIRED' AND s.started_at IS NOT NULL";
      case "open" -> "s.status IN ('CREATED', 'STARTED')";
      default -> throw new IllegalArgumentException("unknown status " + status);
    };
  }

  /** The uid as the start of a LIKE pattern; a uid's own characters hold no wildcard but _. */
  private static String likePrefix(String uid) {
    return uid.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%";
  }

  /** The name a stored session's status has on the results screen. */
  static String statusName(String stored, boolean started) {
    return switch (stored) {
      case "COMPLETED" -> "completed";
      case "CANCELLED" -> "cancelled";
      case "EXPIRED" -> started ? "incomplete" : "expired";
      case "STARTED" -> "started";
      default -> "open";
    };
  }

  private static Row row(ResultSet rs, StatementContext ctx) throws SQLException {
    int score = rs.getInt("score");
    boolean scored = !rs.wasNull();
    return new Row(
        rs.getString("id"),
        rs.getString("integration_id"),
        rs.getString("uid"),
        rs.getString("deployment_name"),
        statusName(rs.getString("status"), rs.getObject("started_at") != null),
        instant(rs, "created_at"),
        instant(rs, "finished_at"),
        scored ? score : null,
        rs.getString("risk_band"),
        rs.getString("score_confidence"),
        scored ? rs.getBoolean("review_required") : null,
        scored ? ResultDetails.parse(rs.getString("calculated")).flags() : null);
  }
}
