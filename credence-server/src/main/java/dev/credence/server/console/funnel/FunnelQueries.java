package dev.credence.server.console.funnel;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The funnel's SQL (docs/decisions/0032-funnel-page.md). A day whose sessions have all ended is
 * read from its sealed figures ({@code funnel_days}, kept by {@link FunnelDays}) unless one of its
 * sessions changed since; the other days of the range are scanned: one grouped scan of their
 * sessions (how far each got, its platform and language, its whole seconds to complete) and one of
 * their module finishes, each by the range of an index on (integration id, creation time). Both
 * hand back counts, never a session, and add up in a {@link Tally}, whose medians and 90th
 * percentiles are taken from the counts of each whole second. A third scan counts the loans of
 * those sessions that have a good or bad outcome, by band.
 */
public final class FunnelQueries {
  /** The outcomes that make a loan bad; {@code repaid} makes it good, the others neither. */
  static final List<String> BAD = List.of("dpd90", "default");

  private final Jdbi jdbi;

  /** Whole seconds from consent to completion of a completed session, else null. */
  private final String toComplete;

  /** Whole seconds from reaching a module to finishing it. */
  private final String inModule;

  /** The UTC day of a session's creation, as days since 1970-01-01. */
  private final String createdDay;

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
    this.createdDay =
        h2
            ? "DATEDIFF('SECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', created_at)"
                + " / 86400"
            : "FLOOR(EXTRACT(EPOCH FROM created_at) / 86400)";
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

  /** Loans of one risk band applied for on one UTC day, with a good or a bad outcome. */
  public record BandDay(String band, long epochDay, long loans, long bads) {}

  /** Everything the funnel reads of one environment's sessions created in a range of days. */
  public record Figures(
      List<Group> groups,
      Timing toComplete,
      List<Timed> byPlatform,
      List<Timed> byLanguage,
      List<Timed> byModule,
      List<BandDay> bandDays) {}

  /**
   * The figures of the sessions created from {@code from} to {@code to}, UTC days, both included.
   */
  public Figures figures(String integrationId, LocalDate from, LocalDate to) {
    return jdbi.withHandle(
        h -> {
          Tally tally = new Tally();
          Set<LocalDate> sealed = addSealed(h, tally, integrationId, from, to);
          LocalDate day = from;
          while (!day.isAfter(to)) {
            if (sealed.contains(day)) {
              day = day.plusDays(1);
              continue;
            }
            LocalDate first = day;
            while (!day.isAfter(to) && !sealed.contains(day)) {
              day = day.plusDays(1);
            }
            tally.add(scan(h, integrationId, start(first), start(day)));
          }
          return new Figures(
              tally.groups(),
              tally.toComplete(),
              tally.byPlatform(),
              tally.byLanguage(),
              tally.byModule(),
              tally.bandDays());
        });
  }

  /** When a UTC day starts. */
  static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Adds to {@code tally} the trusted sealed days of the range, and returns them. */
  private static Set<LocalDate> addSealed(
      Handle h, Tally tally, String integrationId, LocalDate from, LocalDate to) {
    Set<LocalDate> sealed = new HashSet<>();
    sealedDays(
        h,
        integrationId,
        from,
        to,
        true,
        (day, figures) -> {
          tally.add(Tally.fromJson(figures));
          sealed.add(day);
        });
    return sealed;
  }

  /**
   * Hands {@code each} the sealed days from {@code from} to {@code to} that no session of changed
   * since their sealing, or within {@link FunnelDays#CHANGE_MARGIN} before it, with their figures'
   * JSON when {@code withFigures} (else null).
   */
  static void sealedDays(
      Handle h,
      String integrationId,
      LocalDate from,
      LocalDate to,
      boolean withFigures,
      BiConsumer<LocalDate, String> each) {
    Map<LocalDate, Instant> lastChange = new HashMap<>();
    range(
            h.createQuery(
                "SELECT session_created_at, changed_at FROM ended_session_changes"
                    + " WHERE integration_id = :integration AND session_created_at >= :from"
                    + " AND session_created_at < :to"),
            integrationId,
            start(from),
            start(to.plusDays(1)))
        .map(
            (rs, ctx) -> {
              LocalDate day =
                  LocalDate.ofInstant(
                      rs.getObject(1, OffsetDateTime.class).toInstant(), ZoneOffset.UTC);
              Instant at = rs.getObject(2, OffsetDateTime.class).toInstant();
              lastChange.merge(day, at, (a, b) -> a.isAfter(b) ? a : b);
              return day;
            })
        .list();
    h.createQuery(
            "SELECT utc_day, sealed_at"
                + (withFigures ? ", figures" : "")
                + " FROM funnel_days WHERE integration_id = :integration"
                + " AND utc_day >= :from AND utc_day <= :to")
        .bind("integration", integrationId)
        .bind("from", from)
        .bind("to", to)
        .map(
            (rs, ctx) -> {
              LocalDate day = rs.getObject(1, LocalDate.class);
              Instant sealedAt = rs.getObject(2, OffsetDateTime.class).toInstant();
              Instant changed = lastChange.get(day);
              if (changed == null || changed.isBefore(sealedAt.minus(FunnelDays.CHANGE_MARGIN))) {
                each.accept(day, withFigures ? rs.getString(3) : null);
              }
              return day;
            })
        .list();
  }

  /**
   * The sessions created in [from, to), their module finishes and their loans with an outcome,
   * counted by one scan each. Simulated sessions are left out: no applicant took them (a simulation
   * answers no module, so it has no module finish either).
   */
  Tally scan(Handle h, String integrationId, Instant from, Instant to) {
    Tally tally = new Tally();
    String opened = "CASE WHEN last_visit_at IS NULL AND started_at IS NULL THEN 0 ELSE 1 END";
    String consented = "CASE WHEN started_at IS NULL THEN 0 ELSE 1 END";
    String columns =
        "status, platform, language, "
            + opened
            + ", "
            + consented
            + ", modules_finished, "
            + toComplete;
    range(
            h.createQuery(
                "SELECT "
                    + columns
                    + ", COUNT(*) FROM sessions WHERE integration_id = :integration"
                    + " AND created_at >= :from AND created_at < :to AND simulated = FALSE"
                    + " GROUP BY "
                    + columns),
            integrationId,
            from,
            to)
        .map(
            (rs, ctx) -> {
              // A group comes once for each whole second its completed sessions took.
              Group group =
                  new Group(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getInt(4) == 1,
                      rs.getInt(5) == 1,
                      rs.getInt(6),
                      rs.getLong(8));
              tally.addGroup(group);
              long seconds = rs.getLong(7);
              if (!rs.wasNull()) {
                tally.addCompleted(group.platform(), group.language(), seconds, group.sessions());
              }
              return group;
            })
        .list();
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
            (rs, ctx) -> {
              tally.addModule(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
              return rs.getInt(1);
            })
        .list();
    // The scored sessions whose loan has an outcome that is good or bad, by band and day. A loan
    // with a bad outcome is bad whatever else was uploaded for it.
    range(
            h.createQuery(
                    "SELECT risk_band, "
                        + createdDay
                        + ", COUNT(*), SUM(bad) FROM (SELECT r.risk_band, s.created_at,"
                        + " MAX(CASE WHEN o.outcome IN (<bad>) THEN 1 ELSE 0 END) AS bad,"
                        + " MAX(CASE WHEN o.outcome = 'repaid' THEN 1 ELSE 0 END) AS good"
                        + " FROM sessions s JOIN results r ON r.session_id = s.id"
                        + " JOIN loan_outcomes o ON o.integration_id = r.integration_id"
                        + " AND o.uid = r.uid WHERE s.integration_id = :integration"
                        + " AND s.created_at >= :from AND s.created_at < :to"
                        + " AND s.simulated = FALSE"
                        + " GROUP BY r.session_id, r.risk_band, s.created_at) loans"
                        + " WHERE bad = 1 OR good = 1 GROUP BY risk_band, "
                        + createdDay)
                .bindList("bad", BAD),
            integrationId,
            from,
            to)
        .map(
            (rs, ctx) -> {
              tally.addLoans(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
              return rs.getString(1);
            })
        .list();
    return tally;
  }

  private static Query range(Query query, String integrationId, Instant from, Instant to) {
    return query.bind("integration", integrationId).bind("from", utc(from)).bind("to", utc(to));
  }
}
