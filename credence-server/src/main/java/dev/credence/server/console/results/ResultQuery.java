package dev.credence.server.console.results;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.scoring.Glossary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL of the results screen: a company's sessions with their results, filtered by {@link
 * ResultFilter}, newest first. Every query names the company's integrations of the filter's
 * environment ({@link Scope}), so it reads {@code sessions} through its index on (integration,
 * creation time) and never another company's rows.
 */
public final class ResultQuery {
  public static final int PAGE_SIZE = 50;

  private static final String FROM = " FROM sessions s LEFT JOIN results r ON r.session_id = s.id";

  private static final String COLUMNS =
      "SELECT s.id, s.integration_id, s.uid, s.status, s.created_at, s.started_at,"
          + " s.finished_at, s.erased_at, s.erased_by, r.score, r.risk_band, r.score_confidence,"
          + " r.review_required, r.calculated, s.simulated";

  private static final String NEWEST_FIRST = " ORDER BY s.created_at DESC, s.id DESC";

  /**
   * The same order for one integration, read from the index {@code sessions_newest} (integration,
   * created_at DESC, id DESC): a page then reads its own rows only, not every session of the
   * integration. PostgreSQL finds that plan by itself. H2 is told the index, which it may otherwise
   * pass over for the foreign key's, and sees the order is the index's only when it starts with the
   * integration (the same for one integration).
   */
  private static final String H2_NEWEST_OF_ONE =
      " FROM sessions s USE INDEX (sessions_newest) LEFT JOIN results r ON r.session_id = s.id";

  private static final String NEWEST_FIRST_OF_ONE =
      " ORDER BY s.integration_id, s.created_at DESC, s.id DESC";

  private final Jdbi jdbi;
  private final boolean h2;

  public ResultQuery(Jdbi jdbi, boolean h2) {
    this.jdbi = jdbi;
    this.h2 = h2;
  }

  /**
   * The integrations a filter reads: the company's environments of its kind (of its deployment, if
   * it names one), each with its deployment's name.
   */
  public record Scope(Map<String, String> deploymentNames) {
    public static Scope of(List<DeploymentWithEnvironments> company, ResultFilter filter) {
      Map<String, String> names = new LinkedHashMap<>();
      for (DeploymentWithEnvironments d : company) {
        if (filter.deployment() == null || filter.deployment().equals(d.deployment().id())) {
          d.environment(filter.kind())
              .ifPresent(e -> names.put(e.integrationId(), d.deployment().name()));
        }
      }
      return new Scope(Map.copyOf(names));
    }

    boolean empty() {
      return deploymentNames.isEmpty();
    }
  }

  /**
   * One session as the results screen lists it; score, band, confidence and flags are null when it
   * has no result; {@code simulated} for a Test simulation's session. An erased session has neither
   * uid nor result, only when and by whom it was erased.
   */
  public record Row(
      String sessionId,
      String integrationId,
      String uid,
      String deployment,
      String status,
      Instant createdAt,
      Instant finishedAt,
      Instant erasedAt,
      String erasedBy,
      Integer score,
      String band,
      String confidence,
      Boolean reviewRequired,
      List<String> flags,
      Map<String, Integer> percentiles,
      boolean simulated) {

    /** The flags' codes, as the CSV gives them: {@code LONG_STRING FAST_PAGES}. */
    public String flagList() {
      return flags == null ? "" : String.join(" ", flags);
    }

    /** The flags in words, as the list shows them: "Same answer in a row; Answered too fast". */
    public String flagNames() {
      Glossary glossary = Glossary.standard();
      return flags == null ? "" : String.join("; ", flags.stream().map(glossary::name).toList());
    }

    public boolean erased() {
      return erasedAt != null;
    }
  }

  /** How many sessions match, and how many of their results have each score (lowest first). */
  public record Summary(long sessions, TreeMap<Integer, Long> scores) {}

  /** Up to {@code limit} matching sessions, newest first, after the filter's cursor. */
  public List<Row> page(Scope scope, ResultFilter filter, int limit) {
    if (scope.empty()) {
      return List.of();
    }
    return jdbi.withHandle(
        h -> {
          Where where = where(scope, filter);
          if (filter.before() != null) {
            // Keyset paging: strictly after the cursor's session in (created_at, id) order, so
            // equal times never skip or repeat a row. A cursor that is unknown, or outside the
            // scope, matches nothing.
            Where cursor = scoped(scope);
            Optional<Instant> at =
                cursor
                    .bind(
                        h.createQuery(
                            "SELECT s.created_at FROM sessions s"
                                + cursor.sql()
                                + " AND s.id = :before"))
                    .bind("before", filter.before())
                    .map((rs, ctx) -> instant(rs, "created_at"))
                    .findOne();
            if (at.isEmpty()) {
              return List.of();
            }
            where =
                where.and(
                    "(s.created_at < :at OR (s.created_at = :at AND s.id < :before))",
                    Map.of("at", utc(at.get()), "before", filter.before()));
          }
          return where
              .bind(
                  h.createQuery(
                      COLUMNS
                          + from(scope)
                          + where.sql()
                          + newestFirst(scope)
                          + " FETCH FIRST "
                          + limit
                          + " ROWS ONLY"))
              .map((rs, ctx) -> row(rs, scope))
              .list();
        });
  }

  /** The count and the score histogram of every matching session, in one pass. */
  public Summary summary(Scope scope, ResultFilter filter) {
    if (scope.empty()) {
      return new Summary(0, new TreeMap<>());
    }
    Where where = where(scope, filter);
    List<ScoreCount> groups =
        jdbi.withHandle(
            h ->
                where
                    .bind(
                        h.createQuery(
                            "SELECT r.score, COUNT(*) AS n"
                                + FROM
                                + where.sql()
                                + " GROUP BY r.score"))
                    .map(
                        (rs, ctx) -> {
                          int score = rs.getInt("score");
                          return new ScoreCount(rs.wasNull() ? null : score, rs.getLong("n"));
                        })
                    .list());
    TreeMap<Integer, Long> scores = new TreeMap<>();
    long sessions = 0;
    for (ScoreCount group : groups) {
      sessions += group.count();
      if (group.score() != null) {
        scores.put(group.score(), group.count());
      }
    }
    return new Summary(sessions, scores);
  }

  /** How many matching sessions have a score; {@code score} null for those without a result. */
  private record ScoreCount(Integer score, long count) {}

  /** Every matching session, newest first, one at a time (the database sends them in batches). */
  public void each(Scope scope, ResultFilter filter, Consumer<Row> sink) {
    if (scope.empty()) {
      return;
    }
    Where where = where(scope, filter);
    jdbi.useTransaction( // PostgreSQL streams with a fetch size only inside a transaction
        h ->
            where
                .bind(h.createQuery(COLUMNS + from(scope) + where.sql() + newestFirst(scope)))
                .setFetchSize(500)
                .map((rs, ctx) -> row(rs, scope))
                .forEach(sink));
  }

  private String from(Scope scope) {
    return h2 && scope.deploymentNames().size() == 1 ? H2_NEWEST_OF_ONE : FROM;
  }

  private static String newestFirst(Scope scope) {
    return scope.deploymentNames().size() == 1 ? NEWEST_FIRST_OF_ONE : NEWEST_FIRST;
  }

  /** A WHERE clause with its named values. */
  private record Where(String sql, Map<String, Object> values) {
    Query bind(Query query) {
      values.forEach(query::bind);
      return query;
    }

    Where and(String condition, Map<String, Object> more) {
      Map<String, Object> all = new HashMap<>(values);
      all.putAll(more);
      return new Where(sql + " AND " + condition, all);
    }
  }

  /** Sessions of the scope's integrations. */
  private static Where scoped(Scope scope) {
    Map<String, Object> values = new HashMap<>();
    StringBuilder sql = new StringBuilder(" WHERE s.integration_id IN (");
    int i = 0;
    for (String integrationId : scope.deploymentNames().keySet()) {
      sql.append(i == 0 ? ":i0" : ", :i" + i);
      values.put("i" + i++, integrationId);
    }
    return new Where(sql.append(')').toString(), values);
  }

  private static Where where(Scope scope, ResultFilter filter) {
    Where scoped = scoped(scope);
    StringBuilder sql = new StringBuilder(scoped.sql());
    Map<String, Object> values = new HashMap<>(scoped.values());
    if (filter.uid() != null) {
      sql.append(" AND s.uid LIKE :uid ESCAPE '!'");
      values.put("uid", likePrefix(filter.uid()));
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
    return new Where(sql.toString(), values);
  }

  /**
   * "expired" ended untouched; "incomplete" was started, then expired (the session that also sent
   * {@code application.incomplete}); "open" is within its time limit, "started" the open ones under
   * way; "erased" has had its data erased.
   */
  private static String statusCondition(String status) {
    return switch (status) {
      case "completed" -> "s.status = 'COMPLETED'";
      case "cancelled" -> "s.status = 'CANCELLED'";
      case "expired" -> "s.status = 'EXPIRED' AND s.started_at IS NULL";
      case "incomplete" -> "s.status = 'EXPIRED' AND s.started_at IS NOT NULL";
      case "open" -> "s.status IN ('CREATED', 'STARTED')";
      case "started" -> "s.status = 'STARTED'";
      case "erased" -> "s.status = 'ERASED'";
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
      case "ERASED" -> "erased";
      default -> "open";
    };
  }

  private static Row row(ResultSet rs, Scope scope) throws SQLException {
    int score = rs.getInt("score");
    boolean scored = !rs.wasNull();
    ResultDetails details = scored ? ResultDetails.parse(rs.getString("calculated")) : null;
    return new Row(
        rs.getString("id"),
        rs.getString("integration_id"),
        rs.getString("uid"),
        scope.deploymentNames().get(rs.getString("integration_id")),
        statusName(rs.getString("status"), rs.getObject("started_at") != null),
        instant(rs, "created_at"),
        instant(rs, "finished_at"),
        instant(rs, "erased_at"),
        rs.getString("erased_by"),
        scored ? score : null,
        rs.getString("risk_band"),
        rs.getString("score_confidence"),
        scored ? rs.getBoolean("review_required") : null,
        scored ? details.flags() : null,
        scored ? details.percentiles() : Map.of(),
        rs.getBoolean("simulated"));
  }
}
