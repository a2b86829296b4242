package dev.credence.bench;

import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.AssessmentStore.Finished;
import dev.credence.server.assessment.AssessmentStore.JourneyRow;
import dev.credence.server.config.Config;
import dev.credence.server.console.funnel.FunnelQueries;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStatus;
import dev.credence.server.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.PreparedBatch;

/**
 * The Funnel page's queries ({@code console/funnel/FunnelQueries}) on one environment holding N
 * sessions spread over the last 365 days, against a floor measured in the same run: counting the
 * same range's sessions by the same index, the least any funnel must read. Also the write the
 * funnel adds to the journey (one transaction a finished module, {@code
 * AssessmentStore.finishModules}) against the write every step already makes ({@code UPDATE
 * sessions SET step_shown_at}). Prints {@code RESULT} lines for bench/run-funnel-bench.sh.
 *
 * <p>Usage: {@code java -cp bench/target/classes:credence-server/target/credence.jar
 * dev.credence.bench.FunnelBench <jdbc-url> <user> <password> [sessions] [runs]}
 */
public final class FunnelBench {
  private static final String INTEGRATION = "bench0funnel0integration";
  private static final List<String> MODULES =
      List.of("questionnaire", "balloons", "choices", "memory_span");
  private static final String[] PLATFORMS = {"ANDROID", "IOS", "DESKTOP", "OTHER"};
  private static final String[] LANGUAGES = {"en", "es", "fr", "sw", "pt"};
  private static final String[] BANDS = {"A", "B", "C", "D", "E"};
  private static final int BATCH = 2_000;
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
      FunnelQueries queries = new FunnelQueries(db.jdbi());
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      for (int days : new int[] {30, 366}) {
        Instant from = today.minusDays(days - 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long inRange = count(db, from, to);
        double floor = median(runs, () -> count(db, from, to));
        double page = median(runs, () -> queries.figures(INTEGRATION, from, to));
        System.out.printf(
            "RESULT query days=%d sessions=%d floor_ms=%.1f funnel_ms=%.1f%n",
            days, inRange, floor, page);
      }
      writes(db, now);
    }
  }

  /** The median time of runs 2 to {@code runs} (run 1 warms up), in milliseconds. */
  private static double median(int runs, Supplier<?> work) {
    double[] ms = new double[runs - 1];
    for (int run = 0; run < runs; run++) {
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
                bindSession(batch, s.id(), s.uid(), "STARTED", now, now, now, null, "DESKTOP", "en", 0);
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
   * days: a tenth never opened, a tenth opened only, a twentieth declined, a tenth expired after
   * consent, a tenth stopped after some modules, the rest completed with a result, a fifth of
   * those with an outcome. Returns the rows written per table.
   */
  private static long[] load(Database db, int n, Instant now) {
    long[] rows = new long[4];
    db.jdbi().useHandle(h -> environment(h, now));
    SplittableRandom random = new SplittableRandom(20261207);
    long span = Duration.ofDays(365).toSeconds();
    for (int first = 0; first < n; first += BATCH) {
      int last = Math.min(n, first + BATCH);
      int from = first;
      db.jdbi()
          .useTransaction(
              h -> {
                PreparedBatch sessions = h.prepareBatch(SESSION);
                PreparedBatch modules =
                    h.prepareBatch(
                        "INSERT INTO module_finishes (session_id, module_no, module, integration_id,"
                            + " session_created_at, entered_at, finished_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedBatch results =
                    h.prepareBatch(
                        "INSERT INTO results (session_id, integration_id, uid, scored_at, score,"
                            + " risk_band, score_confidence, review_required, model_version,"
                            + " calibrated, norms_source, calculated, features)"
                            + " VALUES (?, ?, ?, ?, ?, ?, 'HIGH', FALSE, 'bench', FALSE,"
                            + " 'DEFAULT', '{}', '{}')");
                PreparedBatch outcomes =
                    h.prepareBatch(
                        "INSERT INTO loan_outcomes (integration_id, uid, outcome, outcome_date,"
                            + " uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, 'bench')");
                for (int i = from; i < last; i++) {
                  String id = String.format("s%023d", i);
                  String uid = "u-" + i;
                  Instant created = now.minusSeconds(random.nextLong(span));
                  double fate = random.nextDouble();
                  String platform = PLATFORMS[random.nextInt(PLATFORMS.length)];
                  String language = LANGUAGES[random.nextInt(LANGUAGES.length)];
                  Instant opened = fate < 0.10 ? null : created.plusSeconds(random.nextInt(3600));
                  Instant started =
                      fate < 0.25 ? null : opened.plusSeconds(5 + random.nextInt(60));
                  int finished =
                      fate < 0.25 ? 0 : fate < 0.35 ? random.nextInt(3) : fate < 0.45 ? 1 + random.nextInt(3) : 4;
                  String status =
                      fate < 0.10 ? "CREATED"
                          : fate < 0.20 ? "CREATED"
                          : fate < 0.25 ? "CANCELLED"
                          : fate < 0.35 ? "EXPIRED"
                          : fate < 0.45 ? "STARTED"
                          : "COMPLETED";
                  Instant at = started;
                  for (int m = 1; m <= finished; m++) {
                    Instant done = at.plusSeconds(30 + random.nextInt(240));
                    modules
                        .bind(0, id)
                        .bind(1, m)
                        .bind(2, MODULES.get(m - 1))
                        .bind(3, INTEGRATION)
                        .bind(4, utc(created))
                        .bind(5, utc(at))
                        .bind(6, utc(done))
                        .add();
                    at = done;
                    rows[1]++;
                  }
                  Instant end =
                      status.equals("COMPLETED")
                          ? at
                          : status.equals("CANCELLED") ? opened.plusSeconds(20)
                          : status.equals("EXPIRED") ? created.plus(Duration.ofHours(72)) : null;
                  bindSession(sessions, id, uid, status, created, opened, started, end, platform, language, finished);
                  if (status.equals("COMPLETED")) {
                    String band = BANDS[random.nextInt(BANDS.length)];
                    results
                        .bind(0, id)
                        .bind(1, INTEGRATION)
                        .bind(2, uid)
                        .bind(3, utc(end))
                        .bind(4, 300 + random.nextInt(550))
                        .bind(5, band)
                        .add();
                    rows[2]++;
                    if (random.nextDouble() < 0.2) {
                      double bad = random.nextDouble();
                      outcomes
                          .bind(0, INTEGRATION)
                          .bind(1, uid)
                          .bind(2, bad < 0.08 ? "default" : bad < 0.12 ? "dpd90" : bad < 0.2 ? "dpd30" : "repaid")
                          .bind(3, LocalDate.ofInstant(end, ZoneOffset.UTC))
                          .bind(4, utc(now))
                          .add();
                      rows[3]++;
                    }
                  }
                  rows[0]++;
                }
                sessions.execute();
                if (modules.size() > 0) {
                  modules.execute();
                }
                if (results.size() > 0) {
                  results.execute();
                }
                if (outcomes.size() > 0) {
                  outcomes.execute();
                }
              });
      if (last % 100_000 == 0) {
        System.err.printf("loaded %,d sessions%n", last);
      }
    }
    return rows;
  }

  private static void environment(Handle h, Instant now) {
    h.createUpdate("INSERT INTO companies (id, name, created_at) VALUES ('bench0company', 'Bench', ?)")
        .bind(0, utc(now))
        .execute();
    h.createUpdate(
            "INSERT INTO deployments (id, company_id, name, created_at)"
                + " VALUES ('bench0deployment', 'bench0company', 'Loans', ?)")
        .bind(0, utc(now))
        .execute();
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
