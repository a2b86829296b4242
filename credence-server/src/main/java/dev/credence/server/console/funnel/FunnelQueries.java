package dev.credence.server.console.funnel;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The funnel's SQL (docs/decisions/0032-funnel-page.md): one grouped scan of the range's sessions
 * (how far each got, its platform and language, its whole seconds to complete), one of its module
 * finishes and one of its scored loans with an outcome, each by the range of an index on
 * (integration id, creation time). The scans hand back counts, never a session; the medians and
 * 90th percentiles are taken in Java from the counts of each whole second ({@link Durations}).
 */
public final class FunnelQueries {
  /** The outcomes that make a loan bad; {@code repaid} makes it good, the others neither. */
  static final List<String> BAD = List.of("dpd90", "default");

  private final Jdbi jdbi;

  /** Whole seconds from consent to completion of a completed session, else null. */
  private final String toComplete;

  /** Whole seconds from reaching a module to finishing it. */
  private final String inModule;

  /** The UTC day of a result's scoring, as days since 1970-01-01. */
  private final String scoredDay;

  /**
   * @param h2 whether the database is H2, where {@code EXTRACT(EPOCH FROM ...)} of a time with its
   *     zone costs a hundred times {@code DATEDIFF} (docs/decisions/0032-funnel-page.md)
   */
  public FunnelQueries(Jdbi jdbi, boolean h2) {
    this.jdbi = jdbi;
    this.toComplete =
        "CASE WHEN status = 'COMPLETED' THEN "
            + wholeSeconds(h2, "started_at", "finished_at")
            + " END";
    this.inModule = wholeSeconds(h2, "entered_at", "finished_at");
    this.scoredDay =
        h2
            ? "DATEDIFF('SECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', r.scored_at)"
                + " / 86400"
            : "FLOOR(EXTRACT(EPOCH FROM r.scored_at) / 86400)";
  }

  /** The seconds from {@code from} to {@code to}, rounded to the nearest whole second. */
  private static String wholeSeconds(boolean h2, String from, String to) {
    return h2
        ? "(DATEDIFF('MILLISECOND', " + from + ", " + to + ") + 500) / 1000"
        : "ROUND(EXTRACT(EPOCH FROM (" + to + " - " + from + ")))";
  }

  /** The sessions created in the range, as many as share each of these. */
  public record Group(
      String status,
      String platform,
      String language,
      boolean opened,
      boolean consented,
      int modulesFinished,
      long sessions) {
    Group withSessions(long n) {
      return new Group(status, platform, language, opened, consented, modulesFinished, n);
    }
  }

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
        h -> {
          Sessions sessions = sessions(h, integrationId, from, to);
          return new Figures(
              sessions.groups(),
              sessions.all().timing(),
              timed(sessions.byPlatform()),
              timed(sessions.byLanguage()),
              modules(h, integrationId, from, to),
              bandDays(h, integrationId, from, to));
        });
  }

  /** What the one scan of the sessions gives: the groups, and the completed ones' times. */
  private record Sessions(
      List<Group> groups,
      Durations all,
      Map<String, Durations> byPlatform,
      Map<String, Durations> byLanguage) {}

  /**
   * A row of the sessions' scan: a group, and whole seconds to complete (null if not completed).
   */
  private record Row(Group group, Long seconds) {}

  private Sessions sessions(Handle h, String integrationId, Instant from, Instant to) {
    String opened = "CASE WHEN last_visit_at IS NULL AND started_at IS NULL THEN 0 ELSE 1 END";
    String consented = "CASE WHEN started_at IS NULL THEN 0 ELSE 1 END";
    String columns =
        "status, platform, language, "
            + opened
            + ", "
            + consented
            + ", modules_finished, "
            + toComplete;
    List<Row> rows =
        range(
                h.createQuery(
                    "SELECT "
                        + columns
                        + ", COUNT(*) AS n FROM sessions WHERE integration_id = :integration"
                        + " AND created_at >= :from AND created_at < :to GROUP BY "
                        + columns),
                integrationId,
                from,
                to)
            .map(
                (rs, ctx) -> {
                  Group group =
                      new Group(
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          rs.getInt(4) == 1,
                          rs.getInt(5) == 1,
                          rs.getInt(6),
                          rs.getLong(8));
                  long seconds = rs.getLong(7);
                  return new Row(group, rs.wasNull() ? null : seconds);
                })
            .list();
    // The same group comes once for each whole second its completed sessions took.
    Map<Group, Long> groups = new LinkedHashMap<>();
    Durations all = new Durations();
    Map<String, Durations> byPlatform = new LinkedHashMap<>();
    Map<String, Durations> byLanguage = new LinkedHashMap<>();
    for (Row row : rows) {
      Group g = row.group();
      groups.merge(g.withSessions(0), g.sessions(), Long::sum);
      if (row.seconds() != null) {
        all.add(row.seconds(), g.sessions());
        byPlatform
            .computeIfAbsent(g.platform(), k -> new Durations())
            .add(row.seconds(), g.sessions());
        byLanguage
            .computeIfAbsent(g.language(), k -> new Durations())
            .add(row.seconds(), g.sessions());
      }
    }
    List<Group> counted = new ArrayList<>();
    groups.forEach((g, n) -> counted.add(g.withSessions(n)));
    return new Sessions(counted, all, byPlatform, byLanguage);
  }

  private static List<Timed> timed(Map<String, Durations> by) {
    List<Timed> timed = new ArrayList<>();
    by.forEach((key, durations) -> timed.add(new Timed(key, 0, durations.timing())));
    return timed;
  }

  /** A module's finishes that took the same whole seconds. */
  private record ModuleRow(int moduleNo, String module, long seconds, long finishes) {}

  private List<Timed> modules(Handle h, String integrationId, Instant from, Instant to) {
    List<ModuleRow> rows =
        range(
                h.createQuery(
                    "SELECT module_no, module, "
                        + inModule
                        + ", COUNT(*) FROM module_finishes WHERE integration_id = :integration"
                        + " AND session_created_at >= :from AND session_created_at < :to"
                        + " GROUP BY module_no, module, "
                        + inModule),
                integrationId,
                from,
                to)
            .map(
                (rs, ctx) ->
                    new ModuleRow(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
            .list();
    Map<Integer, Map<String, Durations>> modules = new TreeMap<>();
    for (ModuleRow row : rows) {
      modules
          .computeIfAbsent(row.moduleNo(), k -> new TreeMap<>())
          .computeIfAbsent(row.module(), k -> new Durations())
          .add(row.seconds(), row.finishes());
    }
    List<Timed> timed = new ArrayList<>();
    modules.forEach(
        (no, byName) ->
            byName.forEach((name, times) -> timed.add(new Timed(name, no, times.timing()))));
    return timed;
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

  private static Query range(Query query, String integrationId, Instant from, Instant to) {
    return query.bind("integration", integrationId).bind("from", utc(from)).bind("to", utc(to));
  }
}
