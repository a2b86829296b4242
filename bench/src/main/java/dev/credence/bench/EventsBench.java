package dev.credence.bench;

import static dev.credence.bench.BenchData.seconds;
import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.api.EventType;
import dev.credence.server.config.Config;
import dev.credence.server.http.PageCursor;
import dev.credence.server.store.Database;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.EventStore.Event;
import dev.credence.server.webhooks.EventStore.Reopened;
import dev.credence.server.webhooks.EventStore.Status;
import dev.credence.server.webhooks.NewEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The queries that read an environment's webhook events by status ({@code webhooks/EventStore}:
 * {@code page} with a status, {@code latestFailures}, {@code countsByStatus}, {@code reopenEnded})
 * on an environment holding N events over the last 60 days, nearly all delivered, beside a second
 * environment holding as many; each against a floor measured in the same run (the same page without
 * a status, read by the index of the integration's events by time). Each is timed without the index
 * {@code events (integration_id, status, created_at)}, then with it, and its creation is timed too:
 * what a migration adding it costs on upgrade. Also what the index costs the writes: single events
 * inserted as the server inserts them, one transaction each, without and with it. Prints {@code
 * RESULT} lines for bench/run-events-bench.sh, and the plans of two queries as {@code PLAN} lines.
 *
 * <p>Usage: {@code java -cp bench/target/classes:credence-server/target/credence.jar
 * dev.credence.bench.EventsBench <jdbc-url> <user> <password> [events] [runs]}
 */
public final class EventsBench {
  private static final String INTEGRATION = "bench0events0integration";
  private static final String OTHER = "bench0events0other";
  private static final String INDEX = "events_by_integration_status";
  private static final String CREATE_INDEX =
      "CREATE INDEX " + INDEX + " ON events (integration_id, status, created_at)";
  private static final int DAYS = 60;
  private static final int PAGE = 100;

  /** The dashboard's Webhooks page: its failures and counts (console/webhooks/WebhookPages). */
  private static final int FAILURES = 50;

  private static final int DASHBOARD_DAYS = 14;
  private static final int REPLAY_DAYS = 30;
  private static final int WRITES = 20_000;
  private static final int WARM_UP_WRITES = 1_000;

  private EventsBench() {}

  public static void main(String[] args) {
    String url = args[0];
    int events = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 6;
    int downDays = args.length > 5 ? Integer.parseInt(args[5]) : 7;
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (Database db =
        Database.open(
            new Config.Database(url, args[1], new Config.Secret(args[2], "argument"), 4))) {
      // A release that has the index made it when migrating: the load and the first figures go
      // without it.
      db.jdbi().useHandle(h -> h.execute("DROP INDEX IF EXISTS " + INDEX));
      long start = System.nanoTime();
      long[] rows = load(db, events / 2, downDays, now);
      System.out.printf(
          "RESULT load events=%d deliveries=%d sessions=%d failed=%d other_failed=%d"
              + " seconds=%.0f%n",
          rows[1],
          rows[2],
          rows[0],
          failed(db, INTEGRATION),
          failed(db, OTHER),
          (System.nanoTime() - start) / 1e9);
      if (!db.isH2()) {
        db.jdbi().useHandle(h -> h.execute("ANALYZE"));
      }
      EventStore store = new EventStore(db.jdbi());
      PageCursor middle =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT created_at, id FROM events WHERE integration_id = ?"
                                  + " ORDER BY created_at, id OFFSET "
                                  + events / 2
                                  + " ROWS FETCH FIRST 1 ROWS ONLY")
                          .bind(0, INTEGRATION)
                          .map(
                              (rs, ctx) ->
                                  new PageCursor(instant(rs, "created_at"), rs.getString("id")))
                          .one());
      measure(db, store, runs, middle, now, "no");
      writes(db, now, 0, true);
      start = System.nanoTime();
      db.jdbi().useHandle(h -> h.execute(CREATE_INDEX));
      System.out.printf(
          "RESULT index entries=%d seconds=%.1f%n",
          count(db, "SELECT COUNT(*) FROM events"), (System.nanoTime() - start) / 1e9);
      measure(db, store, runs, middle, now, "yes");
      writes(db, now, 1, false);
    }
  }

  /** Every query, the floors first, with the index ({@code index=yes}) or without. */
  private static void measure(
      Database db, EventStore store, int runs, PageCursor middle, Instant now, String index) {
    Instant dashboard = now.minus(Duration.ofDays(DASHBOARD_DAYS));
    Instant replay = now.minus(Duration.ofDays(REPLAY_DAYS));
    double floorStart =
        median(db, runs, () -> store.page(INTEGRATION, null, null, PageCursor.START, PAGE));
    double floorMiddle = median(db, runs, () -> store.page(INTEGRATION, null, null, middle, PAGE));
    result(
        index,
        "page_failed_start",
        floorStart,
        median(
            db, runs, () -> store.page(INTEGRATION, Status.FAILED, null, PageCursor.START, PAGE)),
        store.page(INTEGRATION, Status.FAILED, null, PageCursor.START, PAGE).size());
    result(
        index,
        "page_failed_middle",
        floorMiddle,
        median(db, runs, () -> store.page(INTEGRATION, Status.FAILED, null, middle, PAGE)),
        store.page(INTEGRATION, Status.FAILED, null, middle, PAGE).size());
    result(
        index,
        "latest_failures",
        floorStart,
        median(db, runs, () -> store.latestFailures(INTEGRATION, dashboard, FAILURES)),
        store.latestFailures(INTEGRATION, dashboard, FAILURES).size());
    Map<Status, Long> counts = store.countsByStatus(INTEGRATION, dashboard);
    result(
        index,
        "counts_by_status",
        floorStart,
        median(db, runs, () -> store.countsByStatus(INTEGRATION, dashboard)),
        counts.values().stream().mapToLong(Long::longValue).sum());
    // The bulk replay writes: each run puts back what it reopened, untimed.
    int[] reopened = new int[1];
    result(
        index,
        "replay_failed",
        floorStart,
        median(
            db,
            runs,
            () -> {
              Reopened r =
                  store.reopenEnded(
                      INTEGRATION, Status.FAILED, replay, now.plus(Duration.ofDays(1)), 1000);
              reopened[0] = r.events().size();
              return r;
            },
            r -> putBack(db, r.events())),
        reopened[0]);
    for (boolean failed : new boolean[] {false, true}) {
      Object after = utc(PageCursor.START.after());
      plan(
          db,
          index,
          failed ? "page_failed_start" : "floor_start",
          pageSql(failed),
          INTEGRATION,
          after,
          after,
          "");
    }
    plan(db, index, "latest_failures", LATEST_FAILURES, INTEGRATION, utc(dashboard));
  }

  private static void result(String index, String name, double floor, double ms, long rows) {
    System.out.printf(
        "RESULT query index=%s name=%s rows=%d floor_ms=%.2f ms=%.2f%n",
        index, name, rows, floor, ms);
  }

  private static double median(Database db, int runs, Supplier<?> work) {
    return median(db, runs, work, r -> {});
  }

  /**
   * The median time of runs 2 to {@code runs} (run 1 warms up), in milliseconds. Before each run,
   * untimed, one event row is written, as deliveries do all day; after each, {@code after} undoes
   * what the run wrote, untimed.
   */
  private static <T> double median(Database db, int runs, Supplier<T> work, Consumer<T> after) {
    double[] ms = new double[runs - 1];
    for (int run = 0; run < runs; run++) {
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE events SET next_attempt_at = ? WHERE id = ?")
                      .bind(0, utc(Instant.now()))
                      .bind(1, eventId(1, 0, 0))
                      .execute());
      long start = System.nanoTime();
      T result = work.get();
      long end = System.nanoTime();
      if (run > 0) {
        ms[run - 1] = (end - start) / 1e6;
      }
      after.accept(result);
    }
    Arrays.sort(ms);
    return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
  }

  /** Ends reopened events again as they were. */
  private static void putBack(Database db, Collection<Event> events) {
    db.jdbi()
        .useTransaction(
            h -> {
              PreparedBatch batch =
                  h.prepareBatch(
                      "UPDATE events SET status = ?, finished_at = ?, retry_until = ?,"
                          + " window_attempts = ? WHERE id = ?");
              for (Event e : events) {
                batch
                    .bind(0, e.status().name())
                    .bind(1, utc(e.finishedAt()))
                    .bind(2, utc(e.retryUntil()))
                    .bind(3, e.windowAttempts())
                    .bind(4, e.id())
                    .add();
              }
              if (!events.isEmpty()) {
                batch.execute();
              }
            });
  }

  /** EventStore.page's query from {@code at} (only FAILED events if {@code failed}), as it is. */
  private static String pageSql(boolean failed) {
    return LISTED
        + " WHERE e.integration_id = ? AND e.created_at >= ? AND (e.created_at > ? OR e.id > ?)"
        + (failed ? " AND e.status = 'FAILED' ORDER BY" : " ORDER BY e.integration_id,")
        + " e.created_at, e.id FETCH FIRST "
        + PAGE
        + " ROWS ONLY";
  }

  /** EventStore's lists: events with their last attempt (fewer columns: for plans only). */
  private static final String LISTED =
      "SELECT e.id, d.attempt FROM events e LEFT JOIN deliveries d ON d.event_id = e.id"
          + " AND d.attempt = e.attempts";

  /** EventStore.latestFailures's query. */
  private static final String LATEST_FAILURES =
      LISTED
          + " WHERE e.integration_id = ? AND e.created_at >= ? AND e.status = 'FAILED'"
          + " ORDER BY e.finished_at DESC, e.id FETCH FIRST "
          + FAILURES
          + " ROWS ONLY";

  /** The database's plan for {@code sql}, as PLAN lines (not a figure: for reading them). */
  private static void plan(Database db, String index, String name, String sql, Object... binds) {
    try {
      List<String> lines =
          db.jdbi()
              .withHandle(
                  h -> {
                    var query = h.createQuery("EXPLAIN " + sql);
                    for (int i = 0; i < binds.length; i++) {
                      query.bind(i, binds[i]);
                    }
                    return query.map((rs, ctx) -> rs.getString(1)).list();
                  });
      for (String line : lines) {
        for (String part : line.split("\n")) {
          System.out.printf("PLAN index=%s name=%s %s%n", index, name, part);
        }
      }
    } catch (RuntimeException e) {
      System.out.printf("PLAN index=%s name=%s failed: %s%n", index, name, e.getMessage());
    }
  }

  /**
   * {@link #WRITES} events inserted one at a time into the other environment, each in its own
   * transaction, by {@code EventStore.insert} as the server stores a session's new event; round
   * {@code round} of sessions made for it (the first call makes them, and warms up untimed).
   */
  private static void writes(Database db, Instant now, int round, boolean first) {
    if (first) {
      db.jdbi()
          .useHandle(
              h -> {
                PreparedBatch batch =
                    h.prepareBatch(
                        "INSERT INTO sessions (id, integration_id, uid, status, created_at,"
                            + " expires_at) VALUES (?, ?, ?, 'COMPLETED', ?, ?)");
                for (int i = 0; i < WRITES; i++) {
                  batch
                      .bind(0, String.format("w%023d", i))
                      .bind(1, OTHER)
                      .bind(2, "w-" + i)
                      .bind(3, utc(now))
                      .bind(4, utc(now.plus(Duration.ofHours(72))))
                      .add();
                }
                batch.execute();
              });
      insertEvents(db, now, 9, WARM_UP_WRITES);
    }
    long start = System.nanoTime();
    insertEvents(db, now, round, WRITES);
    System.out.printf(
        "RESULT write index=%s n=%d ms=%.3f%n",
        first ? "no" : "yes", WRITES, (System.nanoTime() - start) / 1e6 / WRITES);
    // Delivered, untimed: pending events are what the replay's NOT EXISTS reads, and the figures
    // after this one should see as many as those before it.
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE events SET status = 'DELIVERED', attempts = 1, finished_at ="
                            + " created_at WHERE integration_id = ? AND status = 'PENDING'"
                            + " AND session_id LIKE 'w%'")
                    .bind(0, OTHER)
                    .execute());
  }

  private static void insertEvents(Database db, Instant now, int round, int n) {
    for (int i = 0; i < n; i++) {
      String session = String.format("w%023d", i);
      String uid = "w-" + i;
      NewEvent event = NewEvent.of(EventType.APPLICATION_COMPLETE, NewEvent.newDetails());
      db.jdbi()
          .useTransaction(
              h ->
                  EventStore.insert(
                      h,
                      session,
                      OTHER,
                      uid,
                      false,
                      round,
                      List.of(event),
                      now,
                      now.plus(Duration.ofDays(3))));
    }
  }

  private static long failed(Database db, String integration) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM events WHERE integration_id = ? AND status = 'FAILED'")
                    .bind(0, integration)
                    .mapTo(Long.class)
                    .one());
  }

  private static long count(Database db, String sql) {
    return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  /** Event j (0 or 1) of session x of environment k (0: the measured one, 1: the other). */
  private static String eventId(int k, long x, int j) {
    return "e" + k + String.format("%021d", x) + j;
  }

  /**
   * Two environments, each with {@code sessions} sessions made over the last {@link #DAYS} days and
   * two events a session (application.complete, then psychometric_score.complete a second later),
   * made by the database from a range of numbers. Of the events, 0.05% ended FAILED (six attempts,
   * the last answered 500), 0.02% NO_WEBHOOK and 0.01% are still PENDING (no attempt); the rest
   * were DELIVERED at the first attempt. Each event that was tried has its last attempt in {@code
   * deliveries}, which the lists join. Returns the rows written: sessions, events, deliveries.
   */
  private static long[] load(Database db, int sessions, int downDays, Instant now) {
    db.jdbi().useHandle(h -> environments(h, now));
    String range = BenchData.range(db.isH2());
    String pair =
        db.isH2()
            ? "(SELECT \"X\" AS j FROM SYSTEM_RANGE(0, 1)) p"
            : "generate_series(CAST(0 AS BIGINT), 1) AS p(j)";
    // Made in time order, as the server makes them: session x at x / sessions of the 60 days.
    String created =
        "(CAST(:now AS TIMESTAMP WITH TIME ZONE) - "
            + seconds(DAYS * 86400L + " - r.x * " + DAYS * 86400L + " / :sessions")
            + ")";
    String eventCreated = "(" + created + " + " + seconds("p.j") + ")";
    String fate = "MOD((2 * r.x + p.j) * 7919 + :k * 13, 10000)";
    // The other environment's webhook has been down since session :down (none for the first).
    String failed = "(" + fate + " < 5 OR r.x >= :down)";
    String status =
        "CASE WHEN "
            + failed
            + " THEN 'FAILED' WHEN "
            + fate
            + " < 7 THEN 'NO_WEBHOOK' WHEN "
            + fate
            + " < 8 THEN 'PENDING' ELSE 'DELIVERED' END";
    String attempts = "CASE WHEN " + failed + " THEN 6 WHEN " + fate + " < 8 THEN 0 ELSE 1 END";
    String finished =
        "CASE WHEN "
            + failed
            + " THEN "
            + eventCreated
            + " + "
            + seconds("3600")
            + " WHEN "
            + fate
            + " < 7 THEN "
            + eventCreated
            + " WHEN "
            + fate
            + " < 8 THEN NULL ELSE "
            + eventCreated
            + " + "
            + seconds("1")
            + " END";
    String sessionId = "'s' || CAST(:k AS VARCHAR(1)) || LPAD(CAST(r.x AS VARCHAR(22)), 22, '0')";
    String eventId =
        "'e' || CAST(:k AS VARCHAR(1)) || LPAD(CAST(r.x AS VARCHAR(21)), 21, '0')"
            + " || CAST(p.j AS VARCHAR(1))";
    String uid = "'u-' || CAST(r.x AS VARCHAR(22))";
    String type =
        "CASE p.j WHEN 0 THEN '"
            + EventType.APPLICATION_COMPLETE.wireName()
            + "' ELSE '"
            + EventType.PSYCHOMETRIC_SCORE_COMPLETE.wireName()
            + "' END";
    // About the size of a real body: the envelope and a result's details.
    String body =
        "'{\"uid\":\"' || "
            + uid
            + " || '\",\"integration_id\":\"' || :integration || '\",\"event\":{\"type\":\"' || "
            + type
            + " || '\",\"details\":{\"score\":' || CAST(300 + MOD(r.x * 29, 550) AS VARCHAR(4))"
            + " || ',\"risk_band\":\"B\",\"score_confidence\":\"HIGH\",\"review_required\":false,"
            + "\"model_version\":\"credence-default-2026.1\",\"calibrated\":false,"
            + "\"completed_at\":\"2026-12-01T10:00:00Z\",\"platform\":\"ANDROID\"}}}'";
    long[] rows = new long[3];
    long[] down = {Long.MAX_VALUE, sessions - (long) sessions * downDays / DAYS};
    int step = 10_000;
    String[] integrations = {INTEGRATION, OTHER};
    for (int k = 0; k < 2; k++) {
      int env = k;
      for (int first = 0; first < sessions; first += step) {
        int last = Math.min(sessions, first + step) - 1;
        Map<String, Object> binds =
            Map.of(
                "integration",
                integrations[env],
                "k",
                env,
                "now",
                utc(now),
                "sessions",
                (long) sessions,
                "down",
                down[env],
                "first",
                (long) first,
                "last",
                (long) last);
        db.jdbi()
            .useTransaction(
                h -> {
                  rows[0] +=
                      h.createUpdate(
                              "INSERT INTO sessions (id, integration_id, uid, status, created_at,"
                                  + " expires_at, started_at, finished_at) SELECT "
                                  + sessionId
                                  + ", :integration, "
                                  + uid
                                  + ", 'COMPLETED', "
                                  + created
                                  + ", "
                                  + created
                                  + " + "
                                  + seconds("259200")
                                  + ", "
                                  + created
                                  + ", "
                                  + created
                                  + " FROM "
                                  + range)
                          .bindMap(binds)
                          .execute();
                  String select = " FROM " + range + " CROSS JOIN " + pair;
                  rows[1] +=
                      h.createUpdate(
                              "INSERT INTO events (id, session_id, integration_id, uid, type,"
                                  + " session_round, seq, body, status, attempts, created_at,"
                                  + " retry_until, next_attempt_at, finished_at, window_attempts)"
                                  + " SELECT "
                                  + eventId
                                  + ", "
                                  + sessionId
                                  + ", :integration, "
                                  + uid
                                  + ", "
                                  + type
                                  + ", 0, p.j, "
                                  + body
                                  + ", "
                                  + status
                                  + ", "
                                  + attempts
                                  + ", "
                                  + eventCreated
                                  + ", "
                                  + eventCreated
                                  + " + "
                                  + seconds("259200")
                                  + ", CASE WHEN NOT "
                                  + failed
                                  + " AND "
                                  + fate
                                  + " >= 7 AND "
                                  + fate
                                  + " < 8 THEN "
                                  + eventCreated
                                  + " END, "
                                  + finished
                                  + ", "
                                  + attempts
                                  + select)
                          .bindMap(binds)
                          .execute();
                  rows[2] +=
                      h.createUpdate(
                              "INSERT INTO deliveries (event_id, attempt, started_at, url,"
                                  + " status_code, latency_ms, response_snippet) SELECT "
                                  + eventId
                                  + ", "
                                  + attempts
                                  + ", "
                                  + finished
                                  + ", 'https://lender.example/credence/webhooks', CASE WHEN "
                                  + failed
                                  + " THEN 500 ELSE 200 END, 20 + MOD(r.x * 37, 400),"
                                  + " CASE WHEN "
                                  + failed
                                  + " THEN 'Internal Server Error' ELSE 'ok' END"
                                  + select
                                  + " WHERE "
                                  + failed
                                  + " OR "
                                  + fate
                                  + " >= 8")
                          .bindMap(binds)
                          .execute();
                });
        System.err.printf("loaded %,d sessions of environment %d%n", last + 1, k + 1);
      }
    }
    return rows;
  }

  private static void environments(Handle h, Instant now) {
    BenchData.deployment(h, now);
    List<String[]> environments = new ArrayList<>();
    environments.add(new String[] {INTEGRATION, "PRODUCTION"});
    environments.add(new String[] {OTHER, "TEST"});
    for (String[] environment : environments) {
      h.createUpdate(
              "INSERT INTO environments (integration_id, deployment_id, kind, api_key_hash,"
                  + " api_key_ciphertext, api_key_hint, api_key_rotated_at, session_expiry_hours,"
                  + " show_completion_page, hmac_required, created_at, updated_at)"
                  + " VALUES (?, 'bench0deployment', ?, ?, 'bench', 'bench', ?, 72,"
                  + " TRUE, FALSE, ?, ?)")
          .bind(0, environment[0])
          .bind(1, environment[1])
          .bind(2, "bench-" + environment[0])
          .bind(3, utc(now))
          .bind(4, utc(now))
          .bind(5, utc(now))
          .execute();
    }
  }
}
