package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasing an applicant's data from the results screen, over real HTTP: an Admin erases with the
 * confirmation ticked and is shown the erased session; without the tick, twice, as a Viewer or as
 * another company nothing changes. An erased session is shown without data everywhere: its page,
 * the list, the CSV export, its events and the audit log. Each test erases sessions of its own.
 */
abstract class ErasurePagesContract extends ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern ERASED_PATH =
      Pattern.compile("^/console/results/([^/]+)/erased/([0-9a-f]{24})(\\?done=erased)?$");

  private WebhookReceiver receiver;
  private Deployment acme;
  private Deployment other;
  private ConsoleClient admin;
  private ConsoleClient viewer;
  private ConsoleClient otherAdmin;
  private final Map<String, JsonNode> calculated = new HashMap<>();

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        RunningServer.QUICK_WORKERS,
        Map.of("CREDENCE_WEBHOOK_RETRY_BASE_MS", "100"),
        RunningServer.LOOPBACK_WEBHOOKS);
  }

  @BeforeAll
  void makeSessions() {
    receiver = WebhookReceiver.start();
    Lender lender = new Lender(server);
    acme = lender.deployment(receiver);
    other = server.newDeployment();
    for (String uid :
        List.of(
            "ER-done-01",
            "ER-done-02",
            "ER-done-03",
            "ER-done-04",
            "ER-viewer-01",
            "ER-other-01",
            "ER-other-02")) {
      lender.applicant(acme.productionKey(), acme.productionIntegrationId(), uid).finish(4);
      calculated.put(uid, pulled(uid));
    }
    lender.applicant(acme.productionKey(), acme.productionIntegrationId(), "ER-open-01").consent();
    admin = ConsoleClient.firstAdmin(server, acme.companyId());
    viewer = admin.invite("VIEWER");
    otherAdmin = ConsoleClient.firstAdmin(server, other.companyId());
  }

  @AfterAll
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void anAdminErasesWithTheConfirmationAndIsShownTheErasedSession() {
    String uid = "ER-done-01";
    HttpResponse<String> page = admin.get(resultPath(uid));
    assertThat(page.body())
        .contains("Erase this applicant's data", "I understand this cannot be undone")
        .contains("action=\"" + resultPath(uid) + "/erase\"");

    HttpResponse<String> erased = admin.post(resultPath(uid) + "/erase", Map.of("confirm", "yes"));
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(302);
    String location = erased.headers().firstValue("Location").orElseThrow();
    Matcher path = ERASED_PATH.matcher(location);
    assertThat(path.matches()).as(location).isTrue();
    assertThat(path.group(1)).isEqualTo(acme.productionIntegrationId());
    assertThat(path.group(3)).isNotNull();
    String sessionId = path.group(2);

    HttpResponse<String> tombstone = admin.get(location);
    assertThat(tombstone.statusCode()).as(tombstone.body()).isEqualTo(200);
    assertThat(tombstone.body())
        .contains("role=\"status\">Erased: ", "<span class=\"status erased\">erased</span>")
        .contains(sessionId, admin.email(), "session.erased");
    assertNoData(tombstone.body(), uid);
    assertThat(tombstone.body()).doesNotContain("Redeliver", "/erase\"");

    // The uid's address leads to its tombstone; the uid itself is not written there.
    HttpResponse<String> byUid = admin.get(resultPath(uid));
    assertThat(byUid.statusCode()).isEqualTo(302);
    assertThat(byUid.headers().firstValue("Location")).hasValue(erasedPath(sessionId));

    // The API agrees: the uid is erased.
    HttpResponse<String> api =
        server.send("GET", "/v1/results/" + uid, null, "api-key", acme.productionKey());
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(json(api).get("code").asText()).isEqualTo("erased");

    AuditPage audit = AuditPage.read(admin);
    AuditPage.Row entry = audit.only("session.erased");
    assertThat(entry.who()).isEqualTo(admin.email());
    assertThat(entry.target())
        .isEqualTo("session " + sessionId + " on " + acme.productionIntegrationId());
    assertThat(entry.before().get("status").asText()).isEqualTo("completed");
    assertThat(entry.after().get("erased_by").asText()).isEqualTo(admin.email());
    assertThat(audit.text()).doesNotContain(uid);
  }

  @Test
  void anErasedSessionIsListedExportedAndShownWithoutData() {
    String uid = "ER-done-02";
    String sessionId = eraseAsAdmin(uid);

    HttpResponse<String> list = admin.get("/console/results");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.body())
        .contains("href=\"" + erasedPath(sessionId) + "\"")
        .contains("<span class=\"badge erased\">Erased</span>")
        .contains("by " + admin.email());
    assertNoData(list.body(), uid);

    HttpResponse<String> onlyErased = admin.get("/console/results?status=erased");
    assertThat(onlyErased.statusCode()).isEqualTo(200);
    assertThat(onlyErased.body())
        .contains("<option value=\"erased\" selected>erased</option>")
        .contains(erasedPath(sessionId))
        .doesNotContain("ER-done-03", "ER-open-01", "<svg class=\"histogram\"");
    assertThat(admin.get("/console/results?status=completed").body())
        .contains("ER-done-03")
        .doesNotContain(erasedPath(sessionId));

    HttpResponse<String> csv = admin.get("/console/results/export.csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "uid,deployment,environment,created_at,finished_at,status,score,risk_band,"
                + "score_confidence,review_required,flags,erased_at,erased_by,"
                + "Neuroticism,Extraversion,Openness,Agreeableness,Conscientiousness,"
                + "Risk taking,Balloons burst,Patience,Impatience,Memory span");
    List<String> erasedLines = lines.stream().filter(l -> l.contains(",erased,")).toList();
    assertThat(erasedLines).isNotEmpty().allMatch(l -> l.startsWith(",Loans,PRODUCTION,"));
    assertThat(erasedLines)
        .anyMatch(
            l ->
                l.matches(
                    ",Loans,PRODUCTION,[^,]+,[^,]+,erased,,,,,,[0-9TZ:-]+,"
                        + "\\Q"
                        + admin.email()
                        + "\\E,,,,,,,,,,"));
    assertThat(csv.body()).doesNotContain(uid);
    assertThat(admin.get("/console/results/export.csv?status=erased").body().lines())
        .hasSize(erasedLines.size() + 1);

    // Viewers see the erased session as Admins do, without the forms.
    HttpResponse<String> seen = viewer.get(erasedPath(sessionId));
    assertThat(seen.statusCode()).isEqualTo(200);
    assertThat(seen.body()).contains("status erased").doesNotContain("<form method=\"post\"");
  }

  @Test
  void theErasedEventIsDeliveredAndItsPageStillReads() {
    String uid = "ER-open-01"; // open, under way: erased all the same
    String sessionId = eraseAsAdmin(uid);
    JsonNode event = awaitErasedEvent(uid);

    // Once delivered, the event keeps neither uid nor body; its log is still shown.
    HttpResponse<String> page = awaitDelivered(sessionId);
    assertThat(page.body()).contains("session.erased", "HTTP 200", "status erased");
    assertNoData(page.body(), uid);
    assertThat(admin.get("/console/results?status=erased").statusCode()).isEqualTo(200);
    assertThat(admin.get("/console/results/export.csv").statusCode()).isEqualTo(200);
    assertThat(AuditPage.read(admin).text()).doesNotContain(uid);
  }

  @Test
  void withoutTheConfirmationOrTwiceNothingChanges() {
    String uid = "ER-done-03";
    String score = "<strong class=\"score\">" + calculated.get(uid).get("score").asInt();
    int erasures = AuditPage.read(admin).of("session.erased").size();
    admin.get(resultPath(uid));
    for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("confirm", "no"))) {
      HttpResponse<String> refused = admin.post(resultPath(uid) + "/erase", form);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(refused.body())
          .contains("Tick \"I understand this cannot be undone\" to erase")
          .contains("Nothing was changed.")
          .contains(score);
    }
    HttpResponse<String> forged =
        admin.postRaw(resultPath(uid) + "/erase", Map.of("confirm", "yes")); // no CSRF token
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(admin.get(resultPath(uid)).body()).contains(score, "status completed");
    assertThat(AuditPage.read(admin).of("session.erased")).hasSize(erasures);

    String sessionId = eraseAsAdmin(uid);
    HttpResponse<String> again = admin.post(resultPath(uid) + "/erase", Map.of("confirm", "yes"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(again.body())
        .contains("This applicant's data was erased already")
        .contains("by " + admin.email() + ". Nothing was changed.")
        .contains(sessionId);
    long entries =
        AuditPage.read(admin).of("session.erased").stream()
            .filter(r -> r.target().contains(sessionId))
            .count();
    assertThat(entries).isEqualTo(1);

    // Erased by the operator: the dashboard names them.
    String byOperator = "ER-done-04";
    HttpResponse<String> operator =
        server.operator(
            "DELETE",
            "/v1/admin/integrations/" + acme.productionIntegrationId() + "/sessions/" + byOperator,
            null);
    assertThat(operator.statusCode()).as(operator.body()).isEqualTo(200);
    HttpResponse<String> redirected = admin.get(resultPath(byOperator));
    assertThat(redirected.statusCode()).isEqualTo(302);
    String tombstone = admin.get(redirected.headers().firstValue("Location").orElseThrow()).body();
    assertThat(tombstone).contains("<dt>Erased by</dt><dd>operator</dd>");
    HttpResponse<String> late =
        admin.post(resultPath(byOperator) + "/erase", Map.of("confirm", "yes"));
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.body()).contains("by operator. Nothing was changed.");
  }

  @Test
  void aViewerIsNotShownTheActionAndIsRefused() {
    String uid = "ER-viewer-01";
    HttpResponse<String> page = viewer.get(resultPath(uid));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("Erase this applicant", "/erase\"");
    HttpResponse<String> refused =
        viewer.post(resultPath(uid) + "/erase", Map.of("confirm", "yes"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Only an Admin can change this");
    assertThat(admin.get(resultPath(uid)).body()).contains("status completed", "class=\"score\"");
    assertThat(AuditPage.read(admin).text()).doesNotContain("by " + viewer.email());
  }

  @Test
  void anotherCompanyCannotEraseNorReadAnErasedSession() {
    String uid = "ER-other-01";
    otherAdmin.get("/console/results");
    HttpResponse<String> refused =
        otherAdmin.post(resultPath(uid) + "/erase", Map.of("confirm", "yes"));
    assertThat(refused.statusCode()).isEqualTo(404);
    assertThat(admin.get(resultPath(uid)).body()).contains("status completed");

    String sessionId = eraseAsAdmin("ER-other-02");
    assertThat(otherAdmin.get(erasedPath(sessionId)).statusCode()).isEqualTo(404);
    String otherIntegration = other.productionIntegrationId();
    assertThat(
            otherAdmin
                .get("/console/results/" + otherIntegration + "/erased/" + sessionId)
                .statusCode())
        .isEqualTo(404);
    admin.get("/console/results");
    HttpResponse<String> unknown =
        admin.post(resultPath("ER-nobody-01") + "/erase", Map.of("confirm", "yes"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("There is no such session");
    assertThat(
            admin
                .get("/console/results/" + acme.productionIntegrationId() + "/erased/0123")
                .statusCode())
        .isEqualTo(404);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Erases {@code uid}'s session as the Admin; returns its session id. */
  private String eraseAsAdmin(String uid) {
    admin.get(resultPath(uid));
    HttpResponse<String> erased = admin.post(resultPath(uid) + "/erase", Map.of("confirm", "yes"));
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(302);
    Matcher path = ERASED_PATH.matcher(erased.headers().firstValue("Location").orElseThrow());
    assertThat(path.matches()).isTrue();
    return path.group(2);
  }

  /** The {@code session.erased} of {@code uid}, once the receiver has it. */
  private JsonNode awaitErasedEvent(String uid) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (WebhookReceiver.Received r : receiver.received()) {
        JsonNode body = parse(r.text());
        if (body.at("/event/type").asText().equals("session.erased")
            && body.get("uid").asText().equals(uid)) {
          return body;
        }
      }
      assertThat(System.nanoTime()).as("session.erased of %s delivered", uid).isLessThan(deadline);
      Lender.sleep(50);
    }
  }

  private HttpResponse<String> awaitDelivered(String sessionId) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> page = admin.get(erasedPath(sessionId));
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      if (page.body().contains("DELIVERED")) {
        return page;
      }
      assertThat(System.nanoTime()).as("session.erased delivered").isLessThan(deadline);
      Lender.sleep(50);
    }
  }

  /** Nothing of the applicant's data: no uid, score, band, traits or result facts. */
  private void assertNoData(String html, String uid) {
    assertThat(html)
        .doesNotContain(uid)
        .doesNotContain("class=\"score\"", "svg class=\"meter\"", "<dt>Risk band</dt>")
        .doesNotContain("<dt>Model</dt>", "psychometric_score.complete");
  }

  private String resultPath(String uid) {
    return "/console/results/" + acme.productionIntegrationId() + "/" + uid;
  }

  private String erasedPath(String sessionId) {
    return "/console/results/" + acme.productionIntegrationId() + "/erased/" + sessionId;
  }

  private JsonNode pulled(String uid) {
    HttpResponse<String> result =
        server.send("GET", "/v1/results/" + uid, null, "api-key", acme.productionKey());
    return json(result).at("/details/calculated");
  }

  private static JsonNode parse(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(text, e);
    }
  }
}
