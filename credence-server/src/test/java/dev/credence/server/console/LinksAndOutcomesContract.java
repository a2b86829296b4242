package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.outcomes.OutcomeCsv;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The link generator and the outcome upload over real HTTP: batches made through the session API's
 * own rules, their CSV of working links, the row-by-row upload report, roles, CSRF on file uploads,
 * and company isolation.
 */
abstract class LinksAndOutcomesContract extends ServerContract {
  private static final Pattern DONE = Pattern.compile("/console/links\\?done=([0-9a-f]+)");
  private static final Pattern CSV_LINK = Pattern.compile("/console/links/([0-9a-f]+)/links\\.csv");
  private static final Pattern TAGS = Pattern.compile("<[^>]+>");

  // --- the link generator ---------------------------------------------------------------------

  @Test
  void aBatchMakesThatManySessionsWhoseLinksOpenTheAssessment() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    assertThat(admin.get("/console/links").statusCode()).isEqualTo(200);

    HttpResponse<String> made = generate(admin, d.productionIntegrationId(), "spring", "5");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
    String location = made.headers().firstValue("Location").orElseThrow();
    Matcher done = DONE.matcher(location);
    assertThat(done.matches()).as(location).isTrue();
    HttpResponse<String> page = admin.get(location);
    assertThat(page.body())
        .contains("Made 5 links in Loans · Production")
        .contains("spring-0001")
        .contains("spring-0005");

    List<String[]> rows = csv(admin.get("/console/links/" + done.group(1) + "/links.csv"));
    assertThat(rows).hasSize(5);
    for (int i = 0; i < 5; i++) {
      String uid = "spring-000" + (i + 1);
      assertThat(rows.get(i)[0]).isEqualTo(uid);
      String token = URI.create(rows.get(i)[1]).getPath().substring(1);
      assertThat(rows.get(i)[1]).isEqualTo(server.config().publicUrl() + "/" + token);
      HttpResponse<String> consent = server.get("/" + token);
      assertThat(consent.statusCode()).isEqualTo(200);
      assertThat(consent.body()).contains("action=\"/" + token + "/consent\"");
      // the session API knows the uid: its idempotent retry hands back the very same token
      HttpResponse<String> retry =
          server.createSession(
              d.productionKey(), RunningServer.sessionBody(uid, d.productionIntegrationId()));
      assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
      assertThat(RunningServer.json(retry).get("access_token").asText()).isEqualTo(token);
    }
    // the CSV can be downloaded again later, with the same links
    assertThat(
            csv(admin.get("/console/links/" + done.group(1) + "/links.csv")).stream()
                .map(r -> r[1])
                .toList())
        .isEqualTo(rows.stream().map(r -> r[1]).toList());

    String audit = AuditPage.read(admin).text();
    assertThat(audit).contains("links.generated").contains("spring");
    assertThat(audit).doesNotContain(rows.get(0)[1].substring(rows.get(0)[1].lastIndexOf('/') + 1));
  }

  @Test
  void batchesAndUploadsChooseProductionUnlessTestIsChosen() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String production = "<option value=\"" + d.productionIntegrationId() + "\" selected>";
    String test = "<option value=\"" + d.testIntegrationId() + "\"";
    for (String path : List.of("/console/links", "/console/outcomes")) {
      String page = admin.get(path).body();
      assertThat(page).as(path).contains(production).contains(test + ">");
      assertThat(page).as(path).doesNotContain(test + " selected>");
    }
    // Test chosen stays chosen when the page comes back with a refusal.
    HttpResponse<String> refused = generate(admin, d.testIntegrationId(), "-bad", "3");
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains(test + " selected>").doesNotContain(production);
  }

  @Test
  void aBatchNameIsTakenOncePerEnvironment() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    assertThat(generate(admin, d.productionIntegrationId(), "june", "2").statusCode())
        .isEqualTo(302);

    HttpResponse<String> again = generate(admin, d.productionIntegrationId(), "june", "3");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("A batch named 'june' already exists in Loans · Production");
    assertThat(batchRows(admin)).hasSize(1);

    assertThat(generate(admin, d.testIntegrationId(), "june", "1").statusCode()).isEqualTo(302);
    assertThat(batchRows(admin)).hasSize(2);
  }

  @Test
  void aBatchWhoseUidsAreTakenIsRefused() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    server.createSession(
        d.productionKey(), RunningServer.sessionBody("taken-0002", d.productionIntegrationId()));

    HttpResponse<String> refused = generate(admin, d.productionIntegrationId(), "taken", "3");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("uid 'taken-0002' already has a session");
    assertThat(batchRows(admin)).isEmpty();
    assertThat(
            server
                .createSession(
                    d.productionKey(),
                    RunningServer.sessionBody("taken-0001", d.productionIntegrationId()))
                .statusCode())
        .as("taken-0001 was not made by the refused batch")
        .isEqualTo(200);
  }

  @Test
  void aBadNameOrCountIsRefusedAndMakesNothing() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String id = d.productionIntegrationId();
    Map<String, String> refusals =
        Map.of(
            "",
            "The batch name must be 1 to 40 characters",
            "has space",
            "The batch name must be 1 to 40 characters",
            "x".repeat(41),
            "The batch name must be 1 to 40 characters",
            "büro",
            "The batch name must be 1 to 40 characters",
            "-lead",
            "starting with a letter or digit",
            "123-45",
            "uid looks like a national identity number",
            "123-456",
            "uid looks like a phone number");
    refusals.forEach(
        (name, reason) -> {
          HttpResponse<String> page = generate(admin, id, name, "3");
          assertThat(page.statusCode()).as(name).isEqualTo(422);
          assertThat(page.body()).as(name).contains(reason);
        });
    for (String count : List.of("0", "-1", "1001", "abc", "", "2.5")) {
      HttpResponse<String> page = generate(admin, id, "fine", count);
      assertThat(page.statusCode()).as(count).isEqualTo(422);
      assertThat(page.body()).contains("The number of links must be a whole number from 1 to 1000");
    }
    assertThat(batchRows(admin)).isEmpty();
    assertThat(AuditPage.read(admin).text()).doesNotContain("links.generated");
    assertThat(
            server
                .createSession(d.productionKey(), RunningServer.sessionBody("fine-0001", id))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void testsOpenSessionCapStopsABatchAndTheReportSaysExactlyHowManyWereMade() {
    Deployment d = server.newDeployment(); // Test holds 100 open sessions by default
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    // the form tells each environment's cap: Test's default, and a Production one set later
    server.patchIntegration(d.productionIntegrationId(), "{\"max_open_sessions\": 2500}");
    assertThat(admin.get("/console/links").body())
        .contains(">Loans · Test (at most 100 open)</option>")
        .contains(">Loans · Production (at most 2500 open)</option>");
    server.patchIntegration(d.productionIntegrationId(), "{\"max_open_sessions\": null}");
    assertThat(admin.get("/console/links").body()).contains(">Loans · Production</option>");
    assertThat(generate(admin, d.testIntegrationId(), "first", "95").statusCode()).isEqualTo(302);

    HttpResponse<String> partial = generate(admin, d.testIntegrationId(), "second", "10");
    assertThat(partial.statusCode()).isEqualTo(409);
    assertThat(partial.body())
        .contains("Made 5 of the 10 links asked for in Loans · Test")
        .contains("second-0005")
        .contains("already has 100 open sessions");
    Matcher link = CSV_LINK.matcher(partial.body());
    assertThat(link.find()).isTrue();
    List<String[]> rows = csv(admin.get(link.group()));
    assertThat(rows)
        .extracting(r -> r[0])
        .containsExactly("second-0001", "second-0002", "second-0003", "second-0004", "second-0005");
    assertThat(AuditPage.read(admin).text()).contains("\"requested\":10");

    HttpResponse<String> none = generate(admin, d.testIntegrationId(), "third", "3");
    assertThat(none.statusCode()).isEqualTo(409);
    assertThat(none.body()).contains("No links were made: This integration already has 100");
    assertThat(batchRows(admin)).hasSize(2);
    // a batch that made nothing gives its name back: asking again meets the cap, not the name
    assertThat(generate(admin, d.testIntegrationId(), "third", "3").body())
        .contains("No links were made");
  }

  // --- the outcome upload ---------------------------------------------------------------------

  @Test
  void anUploadStoresGoodRowsListsEveryRefusedRowAndIsIdempotent() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String prod = d.productionIntegrationId();
    for (String uid : List.of("LOAN-0001", "LOAN-0002", "LOAN-0003", "LOAN-0004", "LOAN-0005")) {
      server.createSession(d.productionKey(), RunningServer.sessionBody(uid, prod));
    }
    server.createSession(
        d.testKey(), RunningServer.sessionBody("TESTONLY-1", d.testIntegrationId()));
    Deployment other = server.newDeployment();
    server.createSession(
        other.productionKey(),
        RunningServer.sessionBody("OTHER-0001", other.productionIntegrationId()));
    String future =
        LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).plusDays(2).toString();
    String file =
        String.join(
            "\n",
            "uid,outcome,date",
            "LOAN-0001,repaid,2026-01-31",
            "LOAN-0002,dpd30,2026-02-01",
            "\"LOAN-0003\",\"default\",\"2026-03-01\"",
            "LOAN-0002,dpd60,2026-03-01",
            "NOPE-0001,repaid,2026-01-01",
            "TESTONLY-1,repaid,2026-01-01",
            "OTHER-0001,repaid,2026-01-01",
            "LOAN-0004,paid,2026-01-01",
            "LOAN-0004,repaid,2026-02-30",
            "LOAN-0004,repaid," + future,
            "LOAN-0001,repaid,2026-01-31",
            "LOAN-0005,repaid",
            "U".repeat(61) + ",repaid,2026-01-01",
            "LOAN-0005,repaid,2026-01-01,extra",
            "\"LOAN-0005,repaid,2026-01-01",
            "# a comment",
            "",
            "LOAN-0005,Repaid,2026-01-05,,",
            "");
    HttpResponse<String> dbg = admin.get("/console/outcomes");
    System.err.println(
        "DEBUG status "
            + dbg.statusCode()
            + " csrf "
            + admin.csrf()
            + " len "
            + dbg.body().length());
    HttpResponse<String> report = upload(admin, prod, file);
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(report.body())
        .contains("Accepted: 5</strong> rows (5 new, 0 with a new date, 0 already stored)")
        .contains("Refused: 11</strong>");
    assertThat(refusals(report.body()))
        .containsExactly(
            "6 unknown uid in Loans · Production",
            "7 unknown uid in Loans · Production",
            "8 unknown uid in Loans · Production",
            "9 outcome 'paid' is not one of repaid, dpd30, dpd60, dpd90, default",
            "10 date '2026-02-30' is not a real date written YYYY-MM-DD",
            "11 date " + future + " is in the future",
            "12 duplicate of line 2 (same uid and outcome)",
            "13 missing columns: expected uid,outcome,date",
            "14 uid is longer than 60 characters",
            "15 too many columns: expected uid,outcome,date",
            "16 a quoted field is not closed properly");
    assertThat(storedRow(admin, "Production")).isEqualTo("2 1 1 0 1 5");
    assertThat(storedRow(admin, "Test")).isEqualTo("0 0 0 0 0 0");

    HttpResponse<String> again = upload(admin, prod, file);
    assertThat(again.body())
        .contains("Accepted: 5</strong> rows (0 new, 0 with a new date, 5 already stored)");
    assertThat(storedRow(admin, "Production")).isEqualTo("2 1 1 0 1 5");

    HttpResponse<String> redated =
        upload(admin, prod, "uid,outcome,date\r\nLOAN-0001,repaid,2026-02-01\r\n");
    assertThat(redated.body())
        .contains("Accepted: 1</strong> rows (0 new, 1 with a new date, 0 already stored)");
    assertThat(storedRow(admin, "Production")).isEqualTo("2 1 1 0 1 5");

    String audit = AuditPage.read(admin).text();
    assertThat(audit).contains("outcomes.uploaded").contains("\"refused\":11");
  }

  @Test
  void aFileThatIsNotAnOutcomeCsvIsRefusedWhole() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    admin.get("/console/outcomes");
    String prod = d.productionIntegrationId();
    server.createSession(d.productionKey(), RunningServer.sessionBody("WHOLE-0001", prod));
    byte[] latin1 =
        "uid,outcome,date\nWHOLE-0001,repaid,2026-01-01,caf\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    assertRefused(admin, prod, latin1, 422, "not UTF-8");
    byte[] utf16 = "uid,outcome,date\n".getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[utf16.length + 2];
    withBom[0] = (byte) 0xFF;
    withBom[1] = (byte) 0xFE;
    System.arraycopy(utf16, 0, withBom, 2, utf16.length);
    assertRefused(admin, prod, withBom, 422, "UTF-16");
    assertRefused(
        admin,
        prod,
        bytes("WHOLE-0001,repaid,2026-01-01\n"),
        422,
        "The first line must be the header uid,outcome,date");
    assertRefused(
        admin,
        prod,
        bytes("uid;outcome;date\nWHOLE-0001;repaid;2026-01-01\n"),
        422,
        "separated by ';'");
    assertRefused(admin, prod, bytes("uid,outcome,date\n# nothing\n"), 422, "no rows");
    assertRefused(admin, prod, new byte[0], 422, "Choose a CSV file");
    byte[] big = new byte[OutcomeCsv.MAX_BYTES + 1];
    Arrays.fill(big, (byte) 'a');
    assertRefused(admin, prod, big, 422, "larger than 5 MB");
    StringBuilder many = new StringBuilder("uid,outcome,date\n");
    for (int i = 0; i <= OutcomeCsv.MAX_ROWS; i++) {
      many.append("WHOLE-0001,repaid,2026-01-01\n");
    }
    assertRefused(admin, prod, bytes(many.toString()), 422, "more than 100,000 rows");
    assertThat(storedRow(admin, "Production")).isEqualTo("0 0 0 0 0 0");
  }

  /**
   * A browser sends the whole file before it reads the answer. The refusal of a file over the limit
   * must reach it every time, not a reset connection, and the next form must still go through:
   * announced with a length (refused before it is read), or sent in chunks (Jetty stops reading at
   * the limit and closes the connection, which the answer says).
   */
  @Test
  void anUploadOverTheLimitIsAnsweredEveryTime() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    admin.get("/console/outcomes");
    String prod = d.productionIntegrationId();
    byte[] huge = new byte[OutcomeCsv.MAX_BYTES + 200 * 1024];
    Arrays.fill(huge, (byte) 'a');
    for (int i = 0; i < 30; i++) {
      assertRefused(admin, prod, huge, 413, "larger than 5 MB");
      ConsoleClient.Multipart chunked =
          ConsoleClient.multipart(
              Map.of("csrf", admin.csrf(), "integration", prod), "file", "o.csv", huge);
      HttpResponse<String> streamed =
          admin.send(
              HttpRequest.newBuilder(admin.uri("/console/outcomes"))
                  .header("Content-Type", chunked.contentType())
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(chunked.body()))));
      assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
      assertThat(streamed.body()).contains("larger than 5 MB");
      assertThat(streamed.headers().firstValue("Connection")).hasValue("close");
    }
    server.createSession(d.productionKey(), RunningServer.sessionBody("LIMIT-0001", prod));
    HttpResponse<String> good =
        upload(admin, prod, "uid,outcome,date\nLIMIT-0001,repaid,2026-01-01\n");
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    assertThat(storedRow(admin, "Production")).isEqualTo("1 0 0 0 0 1");
  }

  @Test
  void aFileUploadWithoutTheFormsTokenIsRefused() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String prod = d.productionIntegrationId();
    server.createSession(d.productionKey(), RunningServer.sessionBody("CSRF-0001", prod));
    admin.get("/console/outcomes");
    byte[] file = bytes("uid,outcome,date\nCSRF-0001,repaid,2026-01-01\n");
    HttpResponse<String> missing =
        admin.uploadRaw("/console/outcomes", Map.of("integration", prod), "file", "o.csv", file);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("This form was not sent from a current dashboard page");
    HttpResponse<String> wrong =
        admin.uploadRaw(
            "/console/outcomes",
            Map.of("integration", prod, "csrf", "x".repeat(43)),
            "file",
            "o.csv",
            file);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(storedRow(admin, "Production")).isEqualTo("0 0 0 0 0 0");
    assertThat(upload(admin, prod, new String(file, StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(200);
    assertThat(storedRow(admin, "Production")).isEqualTo("1 0 0 0 0 1");
  }

  @Test
  void theTemplateIsTheHeaderWithACommentedExample() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    HttpResponse<String> template = admin.get("/console/outcomes/template.csv");
    assertThat(template.statusCode()).isEqualTo(200);
    assertThat(template.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(template.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"loan-outcomes.csv\"");
    assertThat(template.body()).startsWith("uid,outcome,date\r\n# ");
    // the template as downloaded is a valid upload: a header and nothing but comments
    server.createSession(
        d.productionKey(), RunningServer.sessionBody("CUST-00123456", d.productionIntegrationId()));
    admin.get("/console/outcomes");
    String filled = template.body() + "CUST-00123456,repaid,2026-01-31\r\n";
    assertThat(upload(admin, d.productionIntegrationId(), filled).body())
        .contains("Accepted: 1</strong>");
  }

  // --- roles and companies --------------------------------------------------------------------

  @Test
  void aViewerSeesBothPagesButChangesNothing() {
    Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String prod = d.productionIntegrationId();
    String batch = batchId(generate(admin, prod, "viewed", "2"));
    server.createSession(d.productionKey(), RunningServer.sessionBody("VIEW-0001", prod));
    ConsoleClient viewer = admin.invite("VIEWER");

    HttpResponse<String> links = viewer.get("/console/links");
    assertThat(links.statusCode()).isEqualTo(200);
    assertThat(links.body())
        .contains("viewed")
        .doesNotContain("Generate links")
        .doesNotContain("links.csv");
    assertThat(
            viewer
                .post("/console/links", Map.of("integration", prod, "name", "mine", "count", "2"))
                .statusCode())
        .isEqualTo(403);
    assertThat(viewer.get("/console/links/" + batch + "/links.csv").statusCode()).isEqualTo(403);
    assertThat(batchRows(admin)).hasSize(1);

    HttpResponse<String> outcomes = viewer.get("/console/outcomes");
    assertThat(outcomes.statusCode()).isEqualTo(200);
    assertThat(outcomes.body()).contains("Stored outcomes").doesNotContain("multipart/form-data");
    assertThat(viewer.get("/console/outcomes/template.csv").statusCode()).isEqualTo(200);
    HttpResponse<String> upload =
        viewer.upload(
            "/console/outcomes",
            Map.of("integration", prod),
            "file",
            "o.csv",
            bytes("uid,outcome,date\nVIEW-0001,repaid,2026-01-01\n"));
    assertThat(upload.statusCode()).isEqualTo(403);
    assertThat(storedRow(admin, "Production")).isEqualTo("0 0 0 0 0 0");
  }

  @Test
  void anotherCompanysEnvironmentOrBatchIsUnknown() {
    Deployment mine = server.newDeployment();
    Deployment theirs = server.newDeployment();
    ConsoleClient me = ConsoleClient.firstAdmin(server, mine.companyId());
    ConsoleClient them = ConsoleClient.firstAdmin(server, theirs.companyId());
    String theirBatch = batchId(generate(them, theirs.productionIntegrationId(), "secret", "2"));
    server.createSession(
        theirs.productionKey(),
        RunningServer.sessionBody("THEIRS-001", theirs.productionIntegrationId()));

    assertThat(me.get("/console/links/" + theirBatch + "/links.csv").statusCode()).isEqualTo(404);
    assertThat(me.get("/console/links?done=" + theirBatch).statusCode()).isEqualTo(404);
    assertThat(me.get("/console/links").body()).doesNotContain("secret");
    assertThat(generate(me, theirs.productionIntegrationId(), "intruder", "2").statusCode())
        .isEqualTo(404);
    assertThat(generate(me, "nosuchintegration", "intruder", "2").statusCode()).isEqualTo(404);
    me.get("/console/outcomes");
    assertThat(
            upload(
                    me,
                    theirs.productionIntegrationId(),
                    "uid,outcome,date\nTHEIRS-001,repaid,2026-01-01\n")
                .statusCode())
        .isEqualTo(404);
    assertThat(me.get("/console/outcomes").body()).doesNotContain(theirs.productionIntegrationId());

    assertThat(batchRows(them)).hasSize(1);
    assertThat(storedRow(them, "Production")).isEqualTo("0 0 0 0 0 0");
    assertThat(csv(them.get("/console/links/" + theirBatch + "/links.csv"))).hasSize(2);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static HttpResponse<String> generate(
      ConsoleClient admin, String integrationId, String name, String count) {
    admin.get("/console/links");
    return admin.post(
        "/console/links", Map.of("integration", integrationId, "name", name, "count", count));
  }

  private static String batchId(HttpResponse<String> made) {
    assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
    Matcher done = DONE.matcher(made.headers().firstValue("Location").orElseThrow());
    assertThat(done.matches()).isTrue();
    return done.group(1);
  }

  private static HttpResponse<String> upload(
      ConsoleClient admin, String integrationId, String file) {
    return admin.upload(
        "/console/outcomes",
        Map.of("integration", integrationId),
        "file",
        "outcomes.csv",
        bytes(file));
  }

  private static void assertRefused(
      ConsoleClient admin, String integrationId, byte[] file, int status, String reason) {
    HttpResponse<String> page =
        admin.upload(
            "/console/outcomes", Map.of("integration", integrationId), "file", "o.csv", file);
    assertThat(page.statusCode()).as(reason).isEqualTo(status);
    assertThat(page.body()).as(reason).contains(reason);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The rows of a CSV download: uid and link. */
  private static List<String[]> csv(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("attachment; filename=\"links-"));
    List<String> lines = response.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("uid,link");
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
  }

  /** The rows of the batches table, as text. */
  private static List<String> batchRows(ConsoleClient client) {
    String body = client.get("/console/links").body();
    int start = body.indexOf("<h2>Batches</h2>");
    return rowsText(body.substring(start));
  }

  /** An environment's stored outcomes as "repaid dpd30 dpd60 dpd90 default total". */
  private static String storedRow(ConsoleClient client, String environment) {
    String body = client.get("/console/outcomes").body();
    String table = body.substring(body.indexOf("<h2>Stored outcomes</h2>"));
    for (String row : rowsText(table)) {
      if (row.startsWith("Loans " + environment + " ")) {
        String[] cells = row.substring(("Loans " + environment + " ").length()).split(" ");
        return String.join(" ", Arrays.copyOf(cells, 6));
      }
    }
    throw new AssertionError("no row for " + environment + " in " + table);
  }

  /** The refused rows of an upload report as "line reason", the reason unescaped. */
  private static List<String> refusals(String body) {
    int start = body.indexOf("<table class=\"refusals cards\">");
    assertThat(start).as(body).isPositive();
    return rowsText(body.substring(start, body.indexOf("</table>", start)));
  }

  private static List<String> rowsText(String html) {
    int start = html.indexOf("<tbody>");
    if (start < 0) {
      return List.of();
    }
    String tbody = html.substring(start, html.indexOf("</tbody>", start));
    return Arrays.stream(tbody.split("<tr>"))
        .map(r -> TAGS.matcher(r).replaceAll(" "))
        .map(r -> r.replace("&quot;", "\"").replace("&amp;", "&"))
        .map(r -> r.strip().replaceAll("\\s+", " "))
        .filter(r -> !r.isEmpty())
        .toList();
  }
}
