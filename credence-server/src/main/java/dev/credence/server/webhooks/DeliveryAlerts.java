package dev.credence.server.webhooks;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Tells a company when an environment's webhooks have been failing for {@link #AFTER}, once per
 * incident, and again when the incident ends (docs/webhooks.md, "Alerts"). An incident starts when
 * a check finds an event of the environment waiting for a retry (its receiver answered something
 * else than 200, or nothing) and ends at the first check that finds none, and no event queued for
 * longer than {@link #QUEUED}: either the receiver took the events again, or their retries ran out
 * and nothing else is waiting. Every node runs the check; the incident table makes each notice go
 * once, whichever node claims it.
 */
public final class DeliveryAlerts {
  /** How long an event must have been waiting for a retry before the company is told. */
  public static final Duration AFTER = Duration.ofMinutes(30);

  /**
   * An event not yet tried this long after it was made is queued behind a failing one (a session's
   * events go one at a time): it keeps an incident open, so that the moment between one event's
   * last retry and its successor's first attempt does not end the incident.
   */
  static final Duration QUEUED = Duration.ofMinutes(1);

  /** Who is told, and how: the dashboard's e-mail to the company's Admins. */
  public interface Notices {
    /** Events of the environment have been waiting for a retry since {@code since}. */
    void failing(String integrationId, Instant since, long waiting);

    /**
     * The incident that started at {@code since} is over: {@code recovered} when the receiver took
     * an event again, else the waiting events' retries ran out (they are FAILED).
     */
    void ended(String integrationId, Instant since, boolean recovered);
  }

  private final Jdbi jdbi;
  private final Notices notices;
  private final Clock clock;

  public DeliveryAlerts(Jdbi jdbi, Notices notices, Clock clock) {
    this.jdbi = jdbi;
    this.notices = notices;
    this.clock = clock;
  }

  private record Failing(Instant since, long waiting) {}

  private record Incident(String integrationId, Instant since, Instant alertedAt) {}

  /**
   * One check of every environment: opens, announces and closes incidents. {@code failing} holds
   * every environment with a pending event that was tried or has been queued for {@link #QUEUED};
   * {@code waiting} counts those of them waiting for a retry (tried and refused in their current
   * retry window).
   */
  public void check() {
    Instant now = clock.instant();
    Map<String, Failing> failing =
        jdbi.withHandle(
            h ->
                h
                    .createQuery(
                        "SELECT integration_id,"
                            + " MIN(CASE WHEN window_attempts > 0 THEN created_at END) AS since,"
                            + " SUM(CASE WHEN window_attempts > 0 THEN 1 ELSE 0 END) AS waiting"
                            + " FROM events WHERE status = 'PENDING'"
                            + " AND (attempts > 0 OR created_at < :queued)"
                            + " GROUP BY integration_id")
                    .bind("queued", utc(now.minus(QUEUED)))
                    .map(
                        (rs, ctx) ->
                            Map.entry(
                                rs.getString("integration_id"),
                                new Failing(instant(rs, "since"), rs.getLong("waiting"))))
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    // An environment is failing while an event waits for a retry; it is over once no event that
    // was tried, or has been queued for a while, is still pending (one sent again by hand is sent
    // at once, then counts).
    failing.forEach(
        (integrationId, f) -> {
          if (f.waiting() > 0) {
            open(integrationId, f, now);
          }
        });
    for (Incident incident : incidents(null)) {
      if (!failing.containsKey(incident.integrationId())) {
        close(incident);
      }
    }
  }

  private void open(String integrationId, Failing failing, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO webhook_incidents (integration_id, failing_since) VALUES (?, ?)"
                        + " ON CONFLICT DO NOTHING")
                .bind(0, integrationId)
                .bind(1, utc(failing.since()))
                .execute());
    Incident incident = incidents(integrationId).stream().findFirst().orElse(null);
    if (incident == null
        || incident.alertedAt() != null
        || incident.since().plus(AFTER).isAfter(now)) {
      return;
    }
    int claimed =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE webhook_incidents SET alerted_at = ? WHERE integration_id = ?"
                            + " AND alerted_at IS NULL")
                    .bind(0, utc(now))
                    .bind(1, integrationId)
                    .execute());
    if (claimed == 1) {
      notices.failing(integrationId, incident.since(), failing.waiting());
    }
  }

  private void close(Incident incident) {
    int claimed =
        jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM webhook_incidents WHERE integration_id = ?")
                    .bind(0, incident.integrationId())
                    .execute());
    if (claimed == 1 && incident.alertedAt() != null) {
      boolean recovered =
          jdbi.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT COUNT(*) FROM events WHERE integration_id = ? AND created_at >= ?"
                                  + " AND status = 'DELIVERED'")
                          .bind(0, incident.integrationId())
                          .bind(1, utc(incident.since()))
                          .mapTo(Long.class)
                          .one())
              > 0;
      notices.ended(incident.integrationId(), incident.since(), recovered);
    }
  }

  /** The open incidents: of one integration, or of all (null). */
  private List<Incident> incidents(String integrationId) {
    return jdbi.withHandle(
        h -> {
          Query query =
              h.createQuery(
                  "SELECT integration_id, failing_since, alerted_at FROM webhook_incidents"
                      + (integrationId == null ? "" : " WHERE integration_id = :integration"));
          if (integrationId != null) {
            query.bind("integration", integrationId);
          }
          return query
              .map(
                  (rs, ctx) ->
                      new Incident(
                          rs.getString("integration_id"),
                          instant(rs, "failing_since"),
                          instant(rs, "alerted_at")))
              .list();
        });
  }
}
