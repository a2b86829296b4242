package dev.credence.server.console.funnel;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Seals the funnel's past days (docs/decisions/0032-funnel-page.md): once every session created on
 * a UTC day has ended, the day's figures are counted once and kept in {@code funnel_days}, so the
 * page reads a year as 366 rows rather than a million sessions. A session of a sealed day that
 * changes after its end (re-opened, erased, a module recorded late) leaves a row in {@code
 * ended_session_changes} in the same transaction; the page then counts that day from its sessions
 * again, until the next sweep seals it anew.
 */
public final class FunnelDays {
  /**
   * A change stamped this long before a day's sealing may not have been seen by it: the change's
   * time is taken when its request starts and the seal's before it counts, but either may commit
   * later. Such a seal is not trusted.
   */
  static final Duration CHANGE_MARGIN = Duration.ofMinutes(5);

  /** The most days one sweep seals, so that a first sweep over years of days ends in minutes. */
  public static final int SWEEP_LIMIT = 5_000;

  private final Jdbi jdbi;
  private final FunnelQueries queries;
  private final Clock clock;

  public FunnelDays(Jdbi jdbi, FunnelQueries queries, Clock clock) {
    this.jdbi = jdbi;
    this.queries = queries;
    this.clock = clock;
  }

  /** An environment's first session's creation. */
  private record Environment(String integrationId, Instant firstSession) {}

  /**
   * Seals, in every environment with sessions, the days from its first session's to yesterday that
   * have no session still open and no trusted seal (a day without sessions too, so that a range
   * reads as few scans as possible), at most {@code limit} of them, oldest first per environment.
   * Each day is its own transaction. Returns how many days were sealed.
   */
  public int sweep(int limit) {
    LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    int sealed = 0;
    for (Environment environment : environments()) {
      LocalDate first = LocalDate.ofInstant(environment.firstSession(), ZoneOffset.UTC);
      Set<LocalDate> trusted = trustedSeals(environment.integrationId(), first, yesterday);
      for (LocalDate day = first;
          !day.isAfter(yesterday) && sealed < limit;
          day = day.plusDays(1)) {
        if (!trusted.contains(day) && seal(environment.integrationId(), day)) {
          sealed++;
        }
      }
    }
    return sealed;
  }

  /** The hourly task's work: {@link #sweep} with {@link #SWEEP_LIMIT}. */
  public void run() {
    sweep(SWEEP_LIMIT);
  }

  /**
   * Counts the sessions created on {@code day} and keeps the figures, replacing any earlier seal of
   * the day; false, and nothing kept, when one of them is still open.
   */
  public boolean seal(String integrationId, LocalDate day) {
    // Taken before counting: a change that commits after the count is stamped after it, or within
    // CHANGE_MARGIN before it.
    Instant sealedAt = clock.instant();
    return jdbi.inTransaction(
        h -> {
          Tally tally =
              queries.scan(
                  h, integrationId, FunnelQueries.start(day), FunnelQueries.start(day.plusDays(1)));
          if (tally.anyOpen()) {
            return false;
          }
          h.createUpdate(
                  "DELETE FROM funnel_days WHERE integration_id = :integration AND utc_day = :day")
              .bind("integration", integrationId)
              .bind("day", day)
              .execute();
          h.createUpdate(
                  "INSERT INTO funnel_days (integration_id, utc_day, sealed_at, figures)"
                      + " VALUES (:integration, :day, :sealedAt, :figures)")
              .bind("integration", integrationId)
              .bind("day", day)
              .bind("sealedAt", utc(sealedAt))
              .bind("figures", tally.toJson())
              .execute();
          // The changes this seal has seen are of no more use.
          h.createUpdate(
                  "DELETE FROM ended_session_changes WHERE integration_id = :integration"
                      + " AND session_created_at >= :from AND session_created_at < :to"
                      + " AND changed_at < :seen")
              .bind("integration", integrationId)
              .bind("from", utc(FunnelQueries.start(day)))
              .bind("to", utc(FunnelQueries.start(day.plusDays(1))))
              .bind("seen", utc(sealedAt.minus(CHANGE_MARGIN)))
              .execute();
          return true;
        });
  }

  private List<Environment> environments() {
    return jdbi.withHandle(
        h ->
            h
                .createQuery(
                    "SELECT e.integration_id, (SELECT MIN(s.created_at) FROM sessions s"
                        + " WHERE s.integration_id = e.integration_id) AS first_session"
                        + " FROM environments e ORDER BY e.integration_id")
                .map(
                    (rs, ctx) -> {
                      OffsetDateTime first = rs.getObject(2, OffsetDateTime.class);
                      return first == null
                          ? null
                          : new Environment(rs.getString(1), first.toInstant());
                    })
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .toList());
  }

  /** The days of the range with a seal that no change since makes untrustworthy. */
  private Set<LocalDate> trustedSeals(String integrationId, LocalDate from, LocalDate to) {
    return jdbi.withHandle(
        h -> {
          Set<LocalDate> trusted = new HashSet<>();
          FunnelQueries.sealedDays(
              h, integrationId, from, to, false, (day, none) -> trusted.add(day));
          return trusted;
        });
  }
}
