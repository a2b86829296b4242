package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.ConsoleCrawl;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two companies on one server. Every page and every form the dashboard shows company B's Admin,
 * found by following links from the menu, is tried by company A's Admin: a page naming B's things
 * is not found, a page without ids shows none of B's things, and every one of B's forms is refused
 * and changes nothing. Every form A's own pages show is refused without its CSRF token.
 */
abstract class ConsoleIsolationContract extends ServerContract {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{24}|[0-9a-f]{64}");
  private static final String UID = "bravo-applicant-0001";

  private RunningServer.Deployment alpha;
  private RunningServer.Deployment bravo;
  private ConsoleClient alphaAdmin;
  private ConsoleClient bravoAdmin;
  private ConsoleCrawl bravoCrawl;
  private final List<String> bravoMarkers = new ArrayList<>();

  @BeforeAll
  void twoCompanies() {
    alpha = server.newDeployment();
    bravo = server.newDeployment();
    // B has a scored result in Production and two sessions in Test ...
    server.patchIntegration(bravo.productionIntegrationId(), Applicant.SMALL_ASSESSMENT);
    var created =
        server.createSession(
            bravo.productionKey(), RunningServer.sessionBody(UID, bravo.productionIntegrationId()));
    assertThat(created.statusCode()).isEqualTo(200);
    new Applicant(server, RunningServer.json(created).get("access_token").asText()).finish();
    // ... whose events (ended without a webhook) its page offers to send again once Production
    // has a webhook URL ...
    String events =
        "/v1/admin/integrations/"
            + bravo.productionIntegrationId()
            + "/sessions/"
            + UID
            + "/events";
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (RunningServer.json(server.operator("GET", events, null))
            .get("events")
            .findValuesAsText("status")
            .contains("PENDING")
        && System.nanoTime() < deadline) {
      Lender.sleep(50);
    }
    server.patchIntegration(
        bravo.productionIntegrationId(),
        "{\"webhook_url\": \"https://hooks.bravo.invalid/credence\"}");
    server.createSession(
        bravo.testKey(), RunningServer.sessionBody("bravo-test-0001", bravo.testIntegrationId()));
    // ... one of them opened after its time limit (expired: its page offers to re-open) ...
    var late =
        server.createSession(
            bravo.testKey(),
            RunningServer.sessionBody("bravo-late-0001", bravo.testIntegrationId()));
    server.clock().advance(java.time.Duration.ofHours(25));
    new Applicant(server, RunningServer.json(late).get("access_token").asText()).page();
    // (Signed in after the clock moved on: a day idle would have ended their sessions.)
    alphaAdmin = ConsoleClient.firstAdmin(server, alpha.companyId());
    bravoAdmin = ConsoleClient.firstAdmin(server, bravo.companyId());
    bravoAdmin.invite("VIEWER");
    bravoAdmin.get("/console/users");
    bravoAdmin.post(
        "/console/users/invite", Map.of("email", "pending@bravo.example", "role", "VIEWER"));

    // ... and a batch of links.
    bravoAdmin.generateLinks("bravo-batch", 2);

    bravoCrawl = ConsoleCrawl.of(bravoAdmin, ConsoleCrawl.MENU);
    bravoMarkers.addAll(
        List.of(
            bravo.deploymentId(),
            bravo.testIntegrationId(),
            bravo.productionIntegrationId(),
            UID,
            "bravo-test-0001",
            "bravo-late-0001",
            "bravo-batch",
            "pending@bravo.example"));
  }

  @Test
  void theCrawlReachesTheWholeDashboard() {
    assertThat(bravoCrawl.pages())
        .as("pages of B's dashboard")
        .anyMatch(
            p -> p.contains(bravo.productionIntegrationId()) || p.contains(bravo.deploymentId()))
        .anyMatch(p -> p.contains(UID));
    assertThat(bravoCrawl.forms()).as("forms of B's dashboard").hasSizeGreaterThan(5);
    assertThat(bravoCrawl.pages())
        .anyMatch(p -> p.startsWith("/console/links/") && p.endsWith(".csv"))
        .anyMatch(p -> p.startsWith("/console/funnel.csv?integration="))
        .anyMatch(p -> p.contains("export"));
    assertThat(bravoCrawl.forms().stream().map(ConsoleCrawl.Form::action))
        .anyMatch(a -> a.endsWith("/rotate-key"))
        .anyMatch(a -> a.endsWith("/test/simulate"))
        .anyMatch(a -> a.endsWith("/settings"))
        .anyMatch(a -> a.endsWith("/redeliver"))
        .anyMatch(a -> a.endsWith("/reopen"))
        .anyMatch(a -> a.endsWith("/withdraw"));
  }

  @Test
  void aUserOfAnotherCompanyFindsNoneOfItsPages() {
    for (String page : bravoCrawl.pages()) {
      HttpResponse<String> seen = alphaAdmin.get(page);
      if (namesBravo(page)) {
        // Exactly as if the ids did not exist at all.
        int unknown = alphaAdmin.get(unknownVariant(page)).statusCode();
        assertThat(seen.statusCode()).as("A opening B's page " + page).isBetween(400, 499);
        assertThat(seen.statusCode())
            .as("A opening B's page " + page + " vs unknown ids")
            .isEqualTo(unknown);
      } else {
        assertThat(seen.statusCode()).as(page).isLessThan(500);
      }
      for (String marker : bravoMarkers) {
        assertThat(seen.body()).as("A's view of " + page).doesNotContain(marker);
      }
    }
  }

  @Test
  void aUserOfAnotherCompanyChangesNothingOfIt() {
    String bravoAuditBefore = auditRows(bravoAdmin);
    String bravoUsersBefore = bravoAdmin.get("/console/users").body();
    for (ConsoleCrawl.Form form : bravoCrawl.forms()) {
      alphaAdmin.get("/console/users"); // A's own token, as A's browser would send it
      Map<String, String> fields = new LinkedHashMap<>(form.fields());
      fields.remove("csrf");
      HttpResponse<String> answer = alphaAdmin.post(form.action(), fields);
      assertThat(answer.statusCode())
          .as("A posting B's form " + form.action() + " from " + form.page())
          .isBetween(400, 499);
      for (String marker : bravoMarkers) {
        assertThat(answer.body()).as(form.action()).doesNotContain(marker);
      }
    }
    assertThat(auditRows(bravoAdmin)).isEqualTo(bravoAuditBefore);
    assertThat(stripTokens(bravoAdmin.get("/console/users").body()))
        .isEqualTo(stripTokens(bravoUsersBefore));
    // B's keys were neither rotated nor revealed to A.
    assertThat(
            server
                .createSession(
                    bravo.productionKey(),
                    RunningServer.sessionBody("bravo-after", bravo.productionIntegrationId()))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void everyFormRefusesAMissingOrWrongToken() {
    ConsoleCrawl own = ConsoleCrawl.of(alphaAdmin, ConsoleCrawl.MENU);
    assertThat(own.forms()).hasSizeGreaterThan(5);
    String auditBefore = auditRows(alphaAdmin);
    for (ConsoleCrawl.Form form : own.forms()) {
      Map<String, String> fields = new LinkedHashMap<>(form.fields());
      fields.remove("csrf");
      HttpResponse<String> missing = alphaAdmin.postRaw(form.action(), fields);
      assertThat(missing.statusCode()).as("no token: " + form.action()).isEqualTo(403);
      assertThat(missing.body()).as(form.action()).contains("csrf_invalid");
      fields.put("csrf", "x".repeat(43));
      HttpResponse<String> wrong = alphaAdmin.postRaw(form.action(), fields);
      assertThat(wrong.statusCode()).as("wrong token: " + form.action()).isEqualTo(403);
    }
    assertThat(auditRows(alphaAdmin)).isEqualTo(auditBefore);
  }

  private boolean namesBravo(String page) {
    Matcher id = ID.matcher(page);
    while (id.find()) {
      if (!id.group().equals(alpha.companyId())) {
        return true;
      }
    }
    return page.contains(UID) || page.contains("bravo-test-0001") || page.contains("bravo-late");
  }

  private String unknownVariant(String page) {
    String variant =
        page.replace(UID, "nobody-0001")
            .replace("bravo-test-0001", "nobody-0002")
            .replace("bravo-late-0001", "nobody-0003");
    Matcher id = ID.matcher(variant);
    StringBuilder out = new StringBuilder();
    while (id.find()) {
      id.appendReplacement(out, "0".repeat(id.group().length()));
    }
    id.appendTail(out);
    return out.toString();
  }

  private static String auditRows(ConsoleClient admin) {
    String body = admin.get("/console/audit").body();
    int start = body.indexOf("<main");
    return stripTokens(start < 0 ? body : body.substring(start));
  }

  private static String stripTokens(String html) {
    return html.replaceAll("name=\"csrf\" value=\"[^\"]*\"", "");
  }
}
