package dev.credence.server.console.funnel;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.store.Database;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Funnel page and its CSV over real sessions driven through the assessment: one session left at
 * each step (created, opened, declined, expired, part of the questionnaire, the questionnaire only)
 * and three completed in known times by the server's clock, so every count, drop-off, median and
 * 90th percentile is asserted exactly; then the bad rate by band once outcomes are uploaded, the
 * 404 of another company's environment and the 422 of bad days.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class FunnelContract extends ServerContract {
  private static final String ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile";
  private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)";

  private Deployment lender;
  private String production;
  private ConsoleClient admin;
  private ConsoleClient viewer;
  private LocalDate first;
  private LocalDate last;

  @BeforeAll
  void sessionsAtEveryStep() {
    lender = server.newDeployment();
    production = lender.productionIntegrationId();
    server.patchIntegration(production, Applicant.SMALL_ASSESSMENT);
    first = today();
    // Opened, then opened again after its time limit: expired.
    Applicant expired = applicant("FN-expired");
    expired.page();
    server.clock().advance(Duration.ofHours(25));
    assertThat(expired.page().statusCode()).isEqualTo(410);

    applicant("FN-created");
    applicant("FN-opened").page("User-Agent", ANDROID, "Accept-Language", "es");
    Applicant declined = applicant("FN-declined");
    declined.page();
    declined.decline();
    Applicant started = applicant("FN-started");
    started.consent();
    started.answerFirstPage();
    Applicant questionnaire = applicant("FN-questionnaire");
    questionnaire.consent();
    server.clock().advance(Duration.ofSeconds(60));
    for (int page = 1; page <= 3; page++) {
      List<String> ids = Applicant.items(questionnaire.page().body());
      Applicant.assertRedirectsToLink(
          questionnaire.post("questionnaire", Applicant.answers(ids, String.valueOf(page), 4)),
          questionnaire.token());
    }
    assertThat(questionnaire.page("User-Agent", IPHONE).body()).contains("name=\"ready\"");
    // Completed: the questionnaire in 30, 90 and 210 s after consent, the memory game in 60 s.
    for (int seconds : new int[] {30, 90, 210}) {
      Applicant done = applicant("FN-done-" + seconds);
      done.consent();
      server.clock().advance(Duration.ofSeconds(seconds));
      done.playThrough();
      assertThat(done.page().statusCode()).isEqualTo(200);
    }
    last = today();
    admin = ConsoleClient.firstAdmin(server, lender.companyId());
    viewer = admin.invite("VIEWER");
  }

  @Test
  void theCsvHoldsEveryCountAndTimeExactly() {
    HttpResponse<String> csv = viewer.get("/console/funnel.csv" + range(first, last));
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(csv.body())
        .isEqualTo(
            String.join(
                    "\r\n",
                    "section,name,sessions,drop_off,opened,consented,completed,timed,median_seconds,"
                        + "p90_seconds,loans,bads,bad_rate",
                    "funnel,Created,9,0,,,,,,,,,",
                    "funnel,Opened,8,1,,,,,,,,,",
                    "funnel,Consented,5,3,,,,,,,,,",
                    "funnel,Finished 1: Questionnaire,4,1,,,,,,,,,",
                    "funnel,Finished 2: Balloons,3,1,,,,,,,,,",
                    "funnel,Finished 3: Choices,3,0,,,,,,,,,",
                    "funnel,Finished 4: Memory span,3,0,,,,,,,,,",
                    "funnel,Completed,3,0,,,,,,,,,",
                    "ended,completed,3,,,,,,,,,,",
                    "ended,cancelled,1,,,,,,,,,,",
                    "ended,expired,1,,,,,,,,,,",
                    "ended,open,4,,,,,,,,,,",
                    "ended,erased,0,,,,,,,,,,",
                    // 90, 150 and 270 s: the median is the middle one, the 90th percentile 150 +
                    // 0.8 x 120.
                    "time_to_complete,all,,,,,,3,150.0,246.0,,,",
                    // 30, 60, 90 and 210 s: (60 + 90) / 2, and 90 + 0.7 x 120.
                    "module_time,1: Questionnaire,,,,,,4,75.0,174.0,,,",
                    "module_time,2: Balloons,,,,,,3,0.0,0.0,,,",
                    "module_time,3: Choices,,,,,,3,0.0,0.0,,,",
                    "module_time,4: Memory span,,,,,,3,60.0,60.0,,,",
                    "platform,Other,,,6,4,3,3,150.0,246.0,,,",
                    "platform,Android,,,1,0,0,0,,,,,",
                    "platform,iOS,,,1,1,0,0,,,,,",
                    "language,en,,,7,5,3,3,150.0,246.0,,,",
                    "language,es,,,1,0,0,0,,,,,")
                + "\r\n");
  }

  @Test
  void thePageShowsTheFunnelAsAChartAndATableForViewersAndAdmins() {
    for (ConsoleClient user : List.of(viewer, admin)) {
      // No days asked for: the last 30, today included, of the company's first Production.
      HttpResponse<String> page = user.get("/console/funnel");
      assertThat(page.statusCode()).isEqualTo(200);
      String html = page.body();
      assertThat(html)
          .contains("<option value=\"" + production + "\" selected")
          .contains("<rect class=\"bar\"")
          .contains("data-step=\"Consented\" data-sessions=\"5\"")
          .contains(
              "<tr data-step=\"Consented\"><td>Consented</td><td class=\"num\">5</td>"
                  + "<td class=\"num\">55.6%</td><td class=\"num\">3</td>"
                  + "<td class=\"num\">37.5%</td></tr>")
          .contains("<dd data-expired=\"1\">1</dd>")
          .contains(
              "<tr data-part=\"all\"><td>Whole assessment</td><td class=\"num\">3</td>"
                  + "<td class=\"num\">2 min 30 s</td><td class=\"num\">4 min 06 s</td></tr>")
          .contains("<tr data-name=\"es\"><td>es</td><td class=\"num\">1</td>")
          .contains("href=\"/console/funnel.csv?integration=" + production + "&amp;from=")
          .contains("No outcome of a loan applied for in these days has been uploaded yet");
      assertThat(html).contains("href=\"/console/funnel\" aria-current=\"page\"");
    }
    // The Test environment, which has no sessions, when asked for by name.
    HttpResponse<String> test =
        viewer.get("/console/funnel?integration=" + lender.testIntegrationId());
    assertThat(test.statusCode()).isEqualTo(200);
    assertThat(test.body()).contains("No session was created in these days");
  }

  @Test
  void theBadRateByBandFollowsUploadedOutcomes() {
    Deployment other = server.newDeployment();
    String id = other.productionIntegrationId();
    server.patchIntegration(id, Applicant.SMALL_ASSESSMENT);
    // The applicants take minutes of the server's clock, which may pass midnight meanwhile.
    LocalDate firstDay = today();
    for (String uid : List.of("FN-bad-1", "FN-bad-2", "FN-bad-3", "FN-bad-4")) {
      HttpResponse<String> created =
          server.createSession(other.productionKey(), sessionBody(uid, id));
      new Applicant(server, json(created).get("access_token").asText()).finish();
    }
    String day = today().toString();
    HttpResponse<String> uploaded =
        server.uploadOutcomes(
            id,
            "uid,outcome,date\nFN-bad-1,repaid,"
                + day
                + "\nFN-bad-2,default,"
                + day
                + "\nFN-bad-3,dpd90,"
                + day
                + "\nFN-bad-4,dpd30,"
                + day
                + "\n");
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
    Map<String, String> bands = new TreeMap<>();
    Map<String, String> months = new TreeMap<>();
    server.database(
        h ->
            h.createQuery(
                    "SELECT r.uid, r.risk_band, s.created_at FROM results r"
                        + " JOIN sessions s ON s.id = r.session_id WHERE r.integration_id = ?")
                .bind(0, id)
                .map(
                    (rs, ctx) -> {
                      String uid = rs.getString("uid");
                      months.put(
                          uid,
                          YearMonth.from(
                                  rs.getObject("created_at", java.time.OffsetDateTime.class)
                                      .atZoneSameInstant(ZoneOffset.UTC))
                              .toString());
                      return bands.put(uid, rs.getString("risk_band"));
                    })
                .list());
    // FN-bad-4 (30 days past due) is neither good nor bad: left out. Rows by month, then band.
    Map<String, long[]> expected = new TreeMap<>();
    for (String uid : List.of("FN-bad-1", "FN-bad-2", "FN-bad-3")) {
      long[] c = expected.computeIfAbsent(months.get(uid) + " " + bands.get(uid), b -> new long[2]);
      c[0]++;
      c[1] += uid.equals("FN-bad-1") ? 0 : 1;
    }
    String month = months.get("FN-bad-2");
    ConsoleClient owner = ConsoleClient.firstAdmin(server, other.companyId());
    String csv = owner.get("/console/funnel.csv" + range(firstDay, today(), id)).body();
    StringBuilder rows = new StringBuilder();
    expected.forEach(
        (monthAndBand, c) ->
            rows.append("bad_rate,")
                .append(monthAndBand)
                .append(",,,,,,,,,")
                .append(c[0])
                .append(',')
                .append(c[1])
                .append(',')
                .append(String.format(java.util.Locale.ROOT, "%.4f", (double) c[1] / c[0]))
                .append("\r\n"));
    assertThat(csv).endsWith("\r\n" + rows);
    String page = owner.get("/console/funnel" + range(firstDay, today(), id)).body();
    String band = bands.get("FN-bad-2");
    assertThat(page).contains("<tr data-month=\"" + month + "\" data-band=\"" + band + "\">");
  }

  @Test
  void anotherCompanysEnvironmentIsNotFound() {
    Deployment stranger = server.newDeployment();
    ConsoleClient outsider = ConsoleClient.firstAdmin(server, stranger.companyId());
    for (String path :
        List.of(
            "/console/funnel?integration=" + production,
            "/console/funnel.csv" + range(first, last))) {
      HttpResponse<String> answer = outsider.get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.body()).doesNotContain("FN-").doesNotContain("Questionnaire");
    }
    assertThat(outsider.get("/console/funnel").body()).doesNotContain(production);
  }

  @Test
  void badDaysAre422WithAClearMessageAndNoFigures() {
    Map<String, String> cases =
        Map.of(
            "&from=2026-13-01&to=2026-12-31",
            "The first day \"2026-13-01\" is not a date: give it as YYYY-MM-DD.",
            "&from=2026-12-07&to=2026-12-01",
            "The first day (2026-12-07) is after the last (2026-12-01).",
            "&from=2025-01-01&to=2026-01-02",
            "Choose at most 366 days; 2025-01-01 to 2026-01-02 is more.",
            "&from=2026-12-01",
            "Give the last day too, as YYYY-MM-DD.",
            "&from=2026-12-01&to=%3Cb%3E",
            "The last day \"&lt;b&gt;\" is not a date: give it as YYYY-MM-DD.");
    cases.forEach(
        (query, message) -> {
          HttpResponse<String> page =
              viewer.get("/console/funnel?integration=" + production + query);
          assertThat(page.statusCode()).as(query).isEqualTo(422);
          assertThat(page.body()).as(query).contains(message).doesNotContain("funnel-table");
          HttpResponse<String> csv =
              viewer.get("/console/funnel.csv?integration=" + production + query);
          assertThat(csv.statusCode()).as(query).isEqualTo(422);
          assertThat(csv.body()).as(query).doesNotContain("section,name");
        });
  }

  /**
   * Runs last: it moves the server's clock two days on. A day whose sessions have all ended is
   * sealed by the sweep; the page then reads its figures from the seal, which are the ones its
   * sessions give. Erasing one of them makes the page count the day from its sessions again at
   * once, until the next sweep seals it anew; a day with an open session is never sealed.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aDayWhoseSessionsAllEndedIsSealedAndUnsealedByAChange() {
    Deployment sealer = server.newDeployment();
    String id = sealer.productionIntegrationId();
    server.patchIntegration(id, Applicant.SMALL_ASSESSMENT);
    LocalDate day = today();
    for (String uid : List.of("FN-seal-1", "FN-seal-2")) {
      applicant(sealer, uid).finish();
    }
    Applicant declined = applicant(sealer, "FN-seal-declined");
    declined.page();
    declined.decline();
    String live = csv(sealer, day);
    assertThat(live)
        .contains("funnel,Created,3,0,")
        .contains("ended,completed,2,")
        .contains("ended,cancelled,1,");

    server.clock().advance(Duration.ofDays(2));
    try (Database db = Database.open(server.config().database())) {
      FunnelDays days =
          new FunnelDays(db.jdbi(), new FunnelQueries(db.jdbi(), db.isH2()), server.clock());
      assertThat(days.sweep(FunnelDays.SWEEP_LIMIT)).isPositive();
      assertThat(sealedFigures(db, id, day)).contains("\"COMPLETED\"").contains("\"CANCELLED\"");
      assertThat(csv(sealer, day)).isEqualTo(live);
      // The page reads the day from its seal, not from its sessions.
      String sealed = sealedFigures(db, id, day);
      setSealedFigures(db, id, day, sealed.replace("true,true,4,2]", "true,true,4,7]"));
      assertThat(csv(sealer, day)).contains("funnel,Created,8,0,");
      setSealedFigures(db, id, day, sealed);

      // A loan's outcome uploaded after the sealing shows at once in the bad rate.
      assertThat(csv(sealer, day)).doesNotContain("bad_rate,");
      HttpResponse<String> uploaded =
          server.uploadOutcomes(id, "uid,outcome,date\nFN-seal-2,default," + day + "\n");
      assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
      assertThat(csv(sealer, day))
          .containsPattern("\r\nbad_rate,[0-9-]+ [A-E],,,,,,,,,1,1,1.0000\r\n");

      HttpResponse<String> erased =
          server.operator("DELETE", "/v1/admin/integrations/" + id + "/sessions/FN-seal-1", null);
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
      String afterErasure = csv(sealer, day);
      assertThat(afterErasure)
          .contains("funnel,Created,2,0,")
          .contains("ended,completed,1,")
          .contains("ended,erased,1,");

      // The next sweep, later, seals the day as it now stands.
      server.clock().advance(Duration.ofMinutes(10));
      assertThat(days.sweep(FunnelDays.SWEEP_LIMIT)).isPositive();
      assertThat(sealedFigures(db, id, day)).contains("\"ERASED\"");
      assertThat(csv(sealer, day)).isEqualTo(afterErasure);

      // Today's session is open: its day stays unsealed, and counted from its sessions.
      LocalDate open = today();
      applicant(sealer, "FN-seal-open").page();
      server.clock().advance(Duration.ofDays(2));
      days.sweep(FunnelDays.SWEEP_LIMIT);
      assertThat(sealedFigures(db, id, open)).isNull();
      assertThat(csv(sealer, open)).contains("funnel,Created,1,0,").contains("ended,open,1,");
    }
  }

  @Test
  void simulatedSessionsAreLeftOut() {
    Deployment d = server.newDeployment();
    String test = d.testIntegrationId();
    LocalDate day = today();
    HttpResponse<String> created = server.createSession(d.testKey(), sessionBody("FN-real", test));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    for (String scenario : List.of("completed", "cancelled", "expired", "incomplete")) {
      HttpResponse<String> simulated =
          server.send(
              "POST",
              "/v1/sessions-management/simulate",
              "{\"uid\": \"FN-sim-"
                  + scenario
                  + "\", \"integration_id\": \""
                  + test
                  + "\", \"scenario\": \""
                  + scenario
                  + "\"}",
              "api-key",
              d.testKey(),
              "Content-Type",
              "application/json");
      assertThat(simulated.statusCode()).as(simulated.body()).isEqualTo(200);
    }
    String csv =
        ConsoleClient.firstAdmin(server, d.companyId())
            .get("/console/funnel.csv" + range(day, today(), test))
            .body();
    assertThat(csv)
        .contains("funnel,Created,1,0,")
        .contains("funnel,Consented,0,")
        .contains("ended,completed,0,")
        .contains("ended,cancelled,0,")
        .contains("ended,expired,0,")
        .contains("ended,open,1,")
        .doesNotContain("time_to_complete,all,,,,,,1,");
  }

  /**
   * The funnel CSV of one day of {@code d}'s Production, read by a newly signed-in Admin: the clock
   * moves by days here, past a sign-in's idle limit.
   */
  private String csv(Deployment d, LocalDate day) {
    return ConsoleClient.firstAdmin(server, d.companyId())
        .get("/console/funnel.csv" + range(day, day, d.productionIntegrationId()))
        .body();
  }

  private static String sealedFigures(Database db, String integrationId, LocalDate day) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT figures FROM funnel_days WHERE integration_id = ? AND utc_day = ?")
                    .bind(0, integrationId)
                    .bind(1, day)
                    .mapTo(String.class)
                    .findOne()
                    .orElse(null));
  }

  private static void setSealedFigures(
      Database db, String integrationId, LocalDate day, String figures) {
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE funnel_days SET figures = ? WHERE integration_id = ? AND utc_day = ?")
                    .bind(0, figures)
                    .bind(1, integrationId)
                    .bind(2, day)
                    .execute());
  }

  private Applicant applicant(String uid) {
    return applicant(lender, uid);
  }

  private Applicant applicant(Deployment d, String uid) {
    HttpResponse<String> created =
        server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  private String range(LocalDate from, LocalDate to) {
    return range(from, to, production);
  }

  private static String range(LocalDate from, LocalDate to, String integrationId) {
    return "?integration=" + integrationId + "&from=" + from + "&to=" + to;
  }

  private LocalDate today() {
    return LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC);
  }
}
