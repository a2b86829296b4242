package dev.credence.server.console.funnel;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The funnel's SQL (docs/decisions/0032-funnel-page.md): a handful of grouped queries, each one
 * range scan of an index on (integration id, creation time), whatever the number of sessions. The
 * percentiles are computed by the database ({@code PERCENTILE_CONT}, which H2 and PostgreSQL both
 * have), so no session is read into Java; only the arithmetic of times is written per database.
 */
public final class FunnelQueries {
  /** The outcomes that make a loan bad; {@code repaid} makes it good, the others neither. */
  static final List<String> BAD = List.of("dpd90", "default");

  private final Jdbi jdbi;

  /** Seconds from consent to completion of a completed session. */
  private final String toComplete;

  /** Seconds from reaching a module to finishing it. */
  private final String inModule;

  /** The UTC day of a result's scoring, as days since 1970-01-01. */
  private final String scoredDay;

  /**
   * @param h2 whether the database is H2, where {@code EXTRACT(EPOCH FROM ...)} of a time with its
   *     zone costs a hundred times {@code DATEDIFF} (docs/decisions/0032-funnel-page.md)
   */
  public FunnelQueries(Jdbi jdbi, boolean h2) {
    this.jdbi = jdbi;
    this.toComplete = seconds(h2, "started_at", "finished_at");
    this.inModule = seconds(h2, "entered_at", "finished_at");
    this.scoredDay =
        h2
            ? "DATEDIFF('SECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', r.scored_at)"
                + " / 86400"
            : "FLOOR(EXTRACT(EPOCH FROM r.scored_at) / 86400)";
  }

  /** The seconds from {@code from} to {@code to}, to the millisecond. */
  private static String seconds(boolean h2, String from, String to) {
    return h2
        ? "DATEDIFF('MILLISECOND', " + from + ", " + to + ") / 1000.0"
        : "EXTRACT(EPOCH FROM (" + to + " - " + from + "))";
  }

  /** The sessions created in the range, as many as share each of these. */
  public record Group(
      String status,
      String platform,
      String language,
      boolean opened,
      boolean consented,
      int modulesFinished,
      long sessions) {}

  /** How long something took: how many were timed, and the median and 90th percentile, seconds. */
  public record Timing(long n, Double median, Double p90) {
    static final Timing NONE = new Timing(0, null, null);
  }

  /** A timing of one value of a split (a platform, a language, a module). */
  public record Timed(String key, int moduleNo, Timing timing) {}

  /** Loans of one risk band scored on one UTC day, with a good or a bad outcome. */
  public record BandDay(String band, long epochDay, long loans, long bads) {}

  /** Everything the funnel reads of one environment's sessions created in [from, to). */
  public record Figures(
      List<Group> groups,
      Timing toComplete,
      List<Timed> byPlatform,
      List<Timed> byLanguage,
      List<Timed> byModule,
      List<BandDay> bandDays) {}

  public Figures figures(String integrationId, Instant from, Instant to) {
    return jdbi.withHandle(
        h ->
            new Figures(
                groups(h, integrationId, from, to),
                timings(h, "", integrationId, from, to).stream()
                    .findFirst()
                    .map(Timed::timing)
                    .orElse(Timing.NONE),
                timings(h, "platform", integrationId, from, to),
                timings(h, "language", integrationId, from, to),
                modules(h, integrationId, from, to),
                bandDays(h, integrationId, from, to)));
  }

  private List<Group> groups(Handle h, String integrationId, Instant from, Instant to) {
    String opened = "CASE WHEN last_visit_at IS NULL AND started_at IS NULL THEN 0 ELSE 1 END";
    String consented = "CASE WHEN started_at IS NULL THEN 0 ELSE 1 END";
    return range(
            h.createQuery(
                "SELECT status, platform, language, "
                    + opened
                    + " AS opened, "
                    + consented
                    + " AS consented, modules_finished, COUNT(*) AS n FROM sessions"
                    + " WHERE integration_id = :integration AND created_at >= :from"
                    + " AND created_at < :to"
                    + " GROUP BY status, platform, language, "
                    + opened
                    + ", "
                    + consented
                    + ", modules_finished"),
            integrationId,
            from,
            to)
        .map(
            (rs, ctx) ->
                new Group(
                    rs.getString("status"),
                    rs.getString("platform"),
                    rs.getString("language"),
                    rs.getInt("opened") == 1,
                    rs.getInt("consented") == 1,
                    rs.getInt("modules_finished"),
                    rs.getLong("n")))
        .list();
  }

  /** Time to complete, overall ({@code by} empty) or by a column of the session. */
  private List<Timed> timings(Handle h, String by, String integrationId, Instant from, Instant to) {
    String key = by.isEmpty() ? "''" : by;
    return range(
            h.createQuery(
                "SELECT "
                    + key
                    + " AS k, COUNT(*) AS n, "
                    + percentiles(toComplete)
                    + " FROM sessions WHERE integration_id = :integration"
                    + " AND created_at >= :from AND created_at < :to AND status = 'COMPLETED'"
                    + (by.isEmpty() ? "" : " GROUP BY " + by)),
            integrationId,
            from,
            to)
        .map((rs, ctx) -> new Timed(rs.getString("k"), 0, timing(rs)))
        .list()
        .stream()
        .filter(t -> t.timing().n() > 0)
        .toList();
  }

  private List<Timed> modules(Handle h, String integrationId, Instant from, Instant to) {
    return range(
            h.createQuery(
                "SELECT module_no, module, COUNT(*) AS n, "
                    + percentiles(inModule)
                    + " FROM module_finishes WHERE integration_id = :integration"
                    + " AND session_created_at >= :from AND session_created_at < :to"
                    + " GROUP BY module_no, module ORDER BY module_no, module"),
            integrationId,
            from,
            to)
        .map((rs, ctx) -> new Timed(rs.getString("module"), rs.getInt("module_no"), timing(rs)))
        .list();
  }

  /**
   * Scored results of the range whose loan has an outcome that is good or bad, by band and UTC day
   * of scoring. A loan with a bad outcome is bad whatever else was uploaded for it.
   */
  private List<BandDay> bandDays(Handle h, String integrationId, Instant from, Instant to) {
    String day = scoredDay;
    return range(
            h.createQuery(
                    "SELECT r.risk_band, "
                        + day
                        + " AS epoch_day, COUNT(*) AS loans, SUM(o.bad) AS bads FROM results r"
                        + " JOIN (SELECT uid, MAX(CASE WHEN outcome IN (<bad>) THEN 1 ELSE 0 END)"
                        + " AS bad, MAX(CASE WHEN outcome = 'repaid' THEN 1 ELSE 0 END) AS good"
                        + " FROM loan_outcomes WHERE integration_id = :integration GROUP BY uid) o"
                        + " ON o.uid = r.uid WHERE r.integration_id = :integration"
                        + " AND r.scored_at >= :from AND r.scored_at < :to"
                        + " AND (o.bad = 1 OR o.good = 1) GROUP BY r.risk_band, "
                        + day)
                .bindList("bad", BAD),
            integrationId,
            from,
            to)
        .map(
            (rs, ctx) ->
                new BandDay(
                    rs.getString("risk_band"),
                    rs.getLong("epoch_day"),
                    rs.getLong("loans"),
                    rs.getLong("bads")))
        .list();
  }

  private static String percentiles(String seconds) {
    return "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "
        + seconds
        + ") AS p50, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY "
        + seconds
        + ") AS p90";
  }

  private static Timing timing(java.sql.ResultSet rs) throws java.sql.SQLException {
    long n = rs.getLong("n");
    double p50 = rs.getDouble("p50");
    boolean none = rs.wasNull();
    double p90 = rs.getDouble("p90");
    return n == 0 || none ? Timing.NONE : new Timing(n, p50, p90);
  }

  private static Query range(Query query, String integrationId, Instant from, Instant to) {
    return query.bind("integration", integrationId).bind("from", utc(from)).bind("to", utc(to));
  }
}
