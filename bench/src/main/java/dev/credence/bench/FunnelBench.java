package dev.credence.bench;

import static dev.credence.bench.BenchData.seconds;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.AssessmentStore.Finished;
import dev.credence.server.assessment.AssessmentStore.JourneyRow;
import dev.credence.server.config.Config;
import dev.credence.server.console.funnel.FunnelDays;
import dev.credence.server.console.funnel.FunnelQueries;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The Funnel page's queries ({@code console/funnel/FunnelQueries}) on one environment holding N
 * sessions spread over the last 365 days, against a floor measured in the same run: counting the
 * same range's sessions by the same index, the least any funnel must read. Each range is read with
 * no day sealed (every session counted by the scans), then, after the sweep has sealed every ended
 * day ({@code console/funnel/FunnelDays}, timed), with the sealed days read from their rows. Also
 * the write the funnel adds to the journey (one transaction a finished module, {@code
 * AssessmentStore.finishModules}) against the write every step already makes ({@code UPDATE
 * sessions SET step_shown_at}). Prints {@code RESULT} lines for bench/run-funnel-bench.sh.
 *
 * <p>Usage: {@code java -cp bench/target/classes:credence-server/target/credence.jar
 * dev.credence.bench.FunnelBench <jdbc-url> <user> <password> [sessions] [runs]}
 */
public final class FunnelBench {
  private static final String INTEGRATION = "bench0funnel0integration";
  private static final int WRITES = 2_000;

  private FunnelBench() {}

  public static void main(String[] args) {
    String url = args[0];
    int sessions = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 6;
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    try (Database db =
        Database.open(
            new Config.Database(url, args[1], new Config.Secret(args[2], "argument"), 4))) {
      long start = System.nanoTime();
      long[] rows = load(db, sessions, now);
      System.out.printf(
          "RESULT load sessions=%d module_finishes=%d results=%d outcomes=%d seconds=%.0f%n",
          rows[0], rows[1], rows[2], rows[3], (System.nanoTime() - start) / 1e9);
      if (!db.isH2()) {
        db.jdbi().useHandle(h -> h.execute("ANALYZE"));
      }
      FunnelQueries queries = new FunnelQueries(db.jdbi(), db.isH2());
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      int[] ranges = {30, 366};
      double[][] figures = new double[ranges.length][4];
      for (int i = 0; i < ranges.length; i++) {
        LocalDate first = today.minusDays(ranges[i] - 1);
        Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        figures[i][0] = count(db, from, to);
        figures[i][1] = median(db, runs, () -> count(db, from, to));
        figures[i][2] = median(db, runs, () -> queries.figures(INTEGRATION, first, today));
      }
      // The hourly sweep's work on a database that never had one: every ended day sealed.
      FunnelDays days = new FunnelDays(db.jdbi(), queries, Clock.systemUTC());
      start = System.nanoTime();
      int sealed = days.sweep(Integer.MAX_VALUE);
      System.out.printf(
          "RESULT seal days=%d seconds=%.1f%n", sealed, (System.nanoTime() - start) / 1e9);
      for (int i = 0; i < ranges.length; i++) {
        LocalDate first = today.minusDays(ranges[i] - 1);
        figures[i][3] = median(db, runs, () -> queries.figures(INTEGRATION, first, today));
        System.out.printf(
            "RESULT query days=%d sessions=%.0f floor_ms=%.1f live_ms=%.1f sealed_ms=%.1f%n",
            ranges[i], figures[i][0], figures[i][1], figures[i][2], figures[i][3]);
      }
      writes(db, now);
    }
  }

  /**
   * The median time of runs 2 to {@code runs} (run 1 warms up), in milliseconds. Before each run,
   * untimed, one session row is written, as applicants do all day: H2 would otherwise hand a query
   * the result it computed the time before.
   */
  private static double median(Database db, int runs, Supplier<?> work) {
    double[] ms = new double[runs - 1];
    for (int run = 0; run < runs; run++) {
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE sessions SET step_shown_at = ? WHERE id = ?")
                      .bind(0, utc(Instant.now()))
                      .bind(1, String.format("s%023d", 0))
                      .execute());
      long start = System.nanoTime();
      work.get();
      if (run > 0) {
        ms[run - 1] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
  }

  private static long count(Database db, Instant from, Instant to) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM sessions WHERE integration_id = ?"
                            + " AND created_at >= ? AND created_at < ?")
                    .bind(0, INTEGRATION)
                    .bind(1, utc(from))
                    .bind(2, utc(to))
                    .mapTo(Long.class)
                    .one());
  }

  /**
   * {@link #WRITES} sessions finishing their first module, one transaction each as the journey
   * does, against as many step_shown_at updates of the same sessions (the floor).
   */
  private static void writes(Database db, Instant now) {
    List<Session> open = new ArrayList<>();
    db.jdbi()
        .useHandle(
            h -> {
              PreparedBatch batch = h.prepareBatch(SESSION);
              for (int i = 0; i < WRITES; i++) {
                Session s =
                    new Session(
                        String.format("w%023d", i),
                        INTEGRATION,
                        "w-" + i,
                        SessionStatus.STARTED,
                        now,
                        now.plus(Duration.ofDays(1)),
                        now,
                        null);
                open.add(s);
                bindSession(
                    batch, s.id(), s.uid(), "STARTED", now, now, now, null, "DESKTOP", "en", 0);
              }
              batch.execute();
            });
    long start = System.nanoTime();
    for (Session s : open) {
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE sessions SET step_shown_at = ? WHERE id = ?")
                      .bind(0, utc(now))
                      .bind(1, s.id())
                      .execute());
    }
    double floor = (System.nanoTime() - start) / 1e6 / WRITES;
    AssessmentStore store = new AssessmentStore(db.jdbi());
    start = System.nanoTime();
    for (Session s : open) {
      JourneyRow row = new JourneyRow("STARTED", now, null, "en", "", now, 0, null);
      if (!store.finishModules(s, row, List.of(new Finished(1, "questionnaire")), now)) {
        throw new IllegalStateException("not recorded: " + s.id());
      }
    }
    double finish = (System.nanoTime() - start) / 1e6 / WRITES;
    System.out.printf(
        "RESULT write n=%d step_shown_ms=%.3f finish_module_ms=%.3f%n", WRITES, floor, finish);
  }

  private static final String SESSION =
      "INSERT INTO sessions (id, integration_id, uid, status, created_at, expires_at, started_at,"
          + " finished_at, last_visit_at, platform, language, modules_finished, module_finished_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static void bindSession(
      PreparedBatch batch,
      String id,
      String uid,
      String status,
      Instant created,
      Instant opened,
      Instant started,
      Instant finished,
      String platform,
      String language,
      int modules) {
    batch
        .bind(0, id)
        .bind(1, INTEGRATION)
        .bind(2, uid)
        .bind(3, status)
        .bind(4, utc(created))
        .bind(5, utc(created.plus(Duration.ofHours(72))))
        .bind(6, started == null ? null : utc(started))
        .bind(7, finished == null ? null : utc(finished))
        .bind(8, opened == null ? null : utc(opened))
        .bind(9, opened == null ? null : platform)
        .bind(10, opened == null ? null : language)
        .bind(11, modules)
        .bind(12, modules == 0 ? null : utc(started.plusSeconds(60L * modules)))
        .add();
  }

  /**
   * One company, deployment and environment, then {@code n} sessions created over the last 365
   * days, made by the database from a range of numbers (so loading a million takes minutes, not
   * hours): a tenth never opened, a tenth opened only, a twentieth declined, a tenth expired after
   * consent (0 to 2 modules finished), a tenth stopped after 1 to 3 modules, the rest completed
   * with a result, a fifth of those with an outcome; those still open past their 72 hours expired,
   * as the expiry sweep leaves them. Returns the rows written per table.
   */
  private static long[] load(Database db, int n, Instant now) {
    db.jdbi().useHandle(h -> environment(h, now));
    String range = BenchData.range(db.isH2());
    String modules =
        db.isH2()
            ? "(SELECT \"X\" AS x FROM SYSTEM_RANGE(1, 4)) m"
            : "generate_series(CAST(1 AS BIGINT), 4) AS m(x)";
    String fate = "MOD(r.x * 7919, 1000)";
    String created =
        "(CAST(:now AS TIMESTAMP WITH TIME ZONE) - " + seconds("MOD(r.x * 104729, 31536000)") + ")";
    String opened = "(" + created + " + " + seconds("MOD(r.x * 13, 3600)") + ")";
    String started = "(" + opened + " + " + seconds("5 + MOD(r.x * 17, 60)") + ")";
    String finished =
        "CASE WHEN "
            + fate
            + " < 250 THEN 0 WHEN "
            + fate
            + " < 350 THEN MOD(r.x, 3) WHEN "
            + fate
            + " < 450 THEN 1 + MOD(r.x, 3) ELSE 4 END";
    String status =
        "CASE WHEN "
            + fate
            + " < 200 THEN 'CREATED' WHEN "
            + fate
            + " < 250 THEN 'CANCELLED'"
            + " WHEN "
            + fate
            + " < 350 THEN 'EXPIRED' WHEN "
            + fate
            + " < 450 THEN 'STARTED'"
            + " ELSE 'COMPLETED' END";
    // Module m is reached 300 s a module after consent and takes 30 to 269 s.
    String entered = "(" + started + " + " + seconds("300 * (m.x - 1)") + ")";
    String done = "(" + entered + " + " + seconds("30 + MOD(r.x * (m.x + 3) * 37, 240)") + ")";
    String completedAt = "(" + started + " + " + seconds("900 + 30 + MOD(r.x * 7 * 37, 240)") + ")";
    String id = "'s' || LPAD(CAST(r.x AS VARCHAR(23)), 23, '0')";
    String uid = "'u-' || CAST(r.x AS VARCHAR(23))";
    long[] rows = new long[4];
    int step = 10_000;
    for (int first = 0; first < n; first += step) {
      int last = Math.min(n, first + step) - 1;
      int from = first;
      db.jdbi()
          .useTransaction(
              h -> {
                rows[0] +=
                    h.createUpdate(
                            "INSERT INTO sessions (id, integration_id, uid, status, created_at,"
                                + " expires_at, started_at, finished_at, last_visit_at, platform,"
                                + " language, modules_finished, module_finished_at)"
                                + " SELECT "
                                + id
                                + ", :integration, "
                                + uid
                                + ", "
                                + status
                                + ", "
                                + created
                                + ", "
                                + created
                                + " + "
                                + seconds("259200")
                                + ","
                                + " CASE WHEN "
                                + fate
                                + " >= 250 THEN "
                                + started
                                + " END,"
                                + " CASE WHEN "
                                + fate
                                + " >= 450 THEN "
                                + completedAt
                                + " WHEN "
                                + fate
                                + " >= 250 AND "
                                + fate
                                + " < 350 THEN "
                                + created
                                + " + "
                                + seconds("259200")
                                + " WHEN "
                                + fate
                                + " >= 200 AND "
                                + fate
                                + " < 250 THEN "
                                + opened
                                + " END,"
                                + " CASE WHEN "
                                + fate
                                + " >= 100 THEN "
                                + opened
                                + " END,"
                                + " CASE WHEN "
                                + fate
                                + " >= 100 THEN CASE MOD(r.x, 4)"
                                + " WHEN 0 THEN 'ANDROID' WHEN 1 THEN 'IOS' WHEN 2 THEN 'DESKTOP'"
                                + " ELSE 'OTHER' END END,"
                                + " CASE WHEN "
                                + fate
                                + " >= 100 THEN CASE MOD(r.x * 31, 5)"
                                + " WHEN 0 THEN 'en' WHEN 1 THEN 'es' WHEN 2 THEN 'fr'"
                                + " WHEN 3 THEN 'sw' ELSE 'pt' END END, "
                                + finished
                                + ","
                                + " CASE WHEN "
                                + fate
                                + " >= 250 THEN "
                                + started
                                + " END"
                                + " FROM "
                                + range)
                        .bind("integration", INTEGRATION)
                        .bind("now", utc(now))
                        .bind("first", (long) from)
                        .bind("last", (long) last)
                        .execute();
                rows[1] +=
                    h.createUpdate(
                            "INSERT INTO module_finishes (session_id, module_no, module,"
                                + " integration_id, session_created_at, entered_at, finished_at)"
                                + " SELECT "
                                + id
                                + ", m.x, CASE m.x WHEN 1 THEN 'questionnaire'"
                                + " WHEN 2 THEN 'balloons' WHEN 3 THEN 'choices'"
                                + " ELSE 'memory_span' END, :integration, "
                                + created
                                + ", "
                                + entered
                                + ", "
                                + done
                                + " FROM "
                                + range
                                + " CROSS JOIN "
                                + modules
                                + " WHERE m.x <= "
                                + finished)
                        .bind("integration", INTEGRATION)
                        .bind("now", utc(now))
                        .bind("first", (long) from)
                        .bind("last", (long) last)
                        .execute();
                rows[2] +=
                    h.createUpdate(
                            "INSERT INTO results (session_id, integration_id, uid, scored_at,"
                                + " score, risk_band, score_confidence, review_required,"
                                + " model_version, calibrated, norms_source, calculated, features)"
                                + " SELECT "
                                + id
                                + ", :integration, "
                                + uid
                                + ", "
                                + completedAt
                                + ", 300 + MOD(r.x * 29, 550), CASE MOD(r.x * 3, 5) WHEN 0 THEN 'A'"
                                + " WHEN 1 THEN 'B' WHEN 2 THEN 'C' WHEN 3 THEN 'D' ELSE 'E' END,"
                                + " 'HIGH', FALSE, 'bench', FALSE, 'DEFAULT', '{}', '{}'"
                                + " FROM "
                                + range
                                + " WHERE "
                                + fate
                                + " >= 450")
                        .bind("integration", INTEGRATION)
                        .bind("now", utc(now))
                        .bind("first", (long) from)
                        .bind("last", (long) last)
                        .execute();
                rows[3] +=
                    h.createUpdate(
                            "INSERT INTO loan_outcomes (integration_id, uid, outcome,"
                                + " outcome_date, uploaded_at, uploaded_by)"
                                + " SELECT :integration, "
                                + uid
                                + ", CASE"
                                + " WHEN MOD(r.x * 11, 100) < 8 THEN 'default'"
                                + " WHEN MOD(r.x * 11, 100) < 12 THEN 'dpd90'"
                                + " WHEN MOD(r.x * 11, 100) < 20 THEN 'dpd30' ELSE 'repaid' END,"
                                + " :today, :now, 'bench' FROM "
                                + range
                                + " WHERE "
                                + fate
                                + " >= 450"
                                + " AND MOD(r.x * 7, 5) = 0")
                        .bind("integration", INTEGRATION)
                        .bind("now", utc(now))
                        .bind("today", LocalDate.ofInstant(now, ZoneOffset.UTC))
                        .bind("first", (long) from)
                        .bind("last", (long) last)
                        .execute();
                // What the expiry sweep does: open sessions past their time limit are expired.
                h.createUpdate(
                        "UPDATE sessions SET status = 'EXPIRED', finished_at = expires_at"
                            + " WHERE id >= :firstId AND id <= :lastId"
                            + " AND status IN ('CREATED', 'STARTED') AND expires_at <= :now")
                    .bind("firstId", String.format("s%023d", from))
                    .bind("lastId", String.format("s%023d", last))
                    .bind("now", utc(now))
                    .execute();
              });
      System.err.printf("loaded %,d sessions%n", last + 1);
    }
    return rows;
  }

  private static void environment(Handle h, Instant now) {
    BenchData.deployment(h, now);
    h.createUpdate(
            "INSERT INTO environments (integration_id, deployment_id, kind, api_key_hash,"
                + " api_key_ciphertext, api_key_hint, api_key_rotated_at, session_expiry_hours,"
                + " show_completion_page, hmac_required, created_at, updated_at)"
                + " VALUES (?, 'bench0deployment', 'PRODUCTION', 'bench', 'bench', 'bench', ?, 72,"
                + " TRUE, FALSE, ?, ?)")
        .bind(0, INTEGRATION)
        .bind(1, utc(now))
        .bind(2, utc(now))
        .bind(3, utc(now))
        .execute();
  }
}
