package dev.credence.server.assessment;

import static dev.credence.server.testing.AuditPage.unescaped;
import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * In-app embedding (docs/embedding.md, decision 0031): an environment's {@code frame_ancestors},
 * set through the operator API or the dashboard, checked and audited as every setting; the
 * assessment pages of that environment's sessions name those origins in {@code frame-ancestors} and
 * send no {@code X-Frame-Options}; every other page still refuses every frame; and the end pages
 * carry what tells the host that the assessment ended.
 */
abstract class EmbeddingContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final String ORIGINS =
      "[\"https://App.Lender.example:443\", \"https://m.lender.example:8443\","
          + " \"https://app.lender.example\", \"http://localhost:3000\"]";
  private static final List<String> NORMAL =
      List.of(
          "https://app.lender.example", "https://m.lender.example:8443", "http://localhost:3000");
  private static final String FRAMED =
      "frame-ancestors https://app.lender.example https://m.lender.example:8443"
          + " http://localhost:3000";

  @Test
  void byDefaultNoPageOfASessionMayBeFramed() {
    RunningServer.Deployment d = server.newDeployment();
    assertThat(integration(d.productionIntegrationId()).get("frame_ancestors").isArray()).isTrue();
    assertThat(integration(d.productionIntegrationId()).get("frame_ancestors")).isEmpty();
    Applicant applicant = applicantOf(d.productionKey(), d.productionIntegrationId());

    assertRefusesFrames(applicant.page(), "consent");
    HttpResponse<String> cancelled = cancelledPage(applicant);
    assertRefusesFrames(cancelled, "cancelled");
    // The end page still tells a native app's bridge, if there is one; no frame origin is named.
    assertThat(cancelled.body())
        .contains(
            "<script src=\"/assets/finished.js\" data-status=\"cancelled\" data-origins=\"\">");
  }

  @Test
  void theSessionPagesOfAnEnvironmentWithFrameOriginsNameThemAndSendNoFrameOptions() {
    RunningServer.Deployment d = server.newDeployment();
    JsonNode patched =
        server.patchIntegration(
            d.productionIntegrationId(),
            "{\"frame_ancestors\": "
                + ORIGINS
                + ", \"assessment\": "
                + Applicant.QUESTIONNAIRE_ONLY
                + "}");
    assertThat(strings(patched.get("frame_ancestors")))
        .as("in normal form, once")
        .isEqualTo(NORMAL);
    assertThat(strings(integration(d.productionIntegrationId()).get("frame_ancestors")))
        .isEqualTo(NORMAL);

    Applicant completing = applicantOf(d.productionKey(), d.productionIntegrationId());
    assertFramedBy(completing.page(), "consent");
    assertFramedBy(completing.page("Accept-Language", "fr"), "consent, another language");
    assertThat(completing.post("consent", "decision", "decline").statusCode()).isEqualTo(303);
    assertFramedBy(
        server.get("/" + completing.token() + "?confirm=decline"), "decline confirmation");
    completing.consent();
    assertFramedBy(completing.page(), "questionnaire");

    // A refused answer waits for its page in a cookie that a cross-site frame keeps.
    HttpResponse<String> refused = completing.post("questionnaire", "page", "1");
    Applicant.assertRedirectsToLink(refused, completing.token());
    String cookie = refusedCookie(refused);
    assertThat(cookie)
        .contains("; HttpOnly; SameSite=None; Secure; Partitioned")
        .doesNotContain("Strict");
    HttpResponse<String> shown =
        completing.page("Cookie", cookie.substring(0, cookie.indexOf(';')));
    assertThat(shown.body()).contains("role=\"alert\"");
    assertFramedBy(shown, "questionnaire with its refusal");

    List<String> ids = Applicant.items(completing.page().body());
    Applicant.assertRedirectsToLink(
        completing.post("questionnaire", Applicant.answers(ids, "1", 4)), completing.token());
    HttpResponse<String> done = completing.page();
    assertFramedBy(done, "thank-you page");
    assertEnded(done, "completed");
    HttpResponse<String> finished = completing.page();
    assertFramedBy(finished, "already finished");
    assertEnded(finished, "completed");

    Applicant declining = applicantOf(d.productionKey(), d.productionIntegrationId());
    HttpResponse<String> cancelled = cancelledPage(declining);
    assertFramedBy(cancelled, "cancelled");
    assertEnded(cancelled, "cancelled");

    Applicant late = applicantOf(d.productionKey(), d.productionIntegrationId());
    server.clock().advance(Duration.ofHours(25));
    HttpResponse<String> expired = late.page();
    assertThat(expired.statusCode()).isEqualTo(410);
    assertFramedBy(expired, "expired");
    assertEnded(expired, "expired");

    // The other environment of the deployment keeps its own setting: none.
    assertRefusesFrames(applicantOf(d.testKey(), d.testIntegrationId()).page(), "Test consent");
  }

  @Test
  void everyOtherPageStillRefusesEveryFrame() {
    RunningServer.Deployment d = server.newDeployment();
    server.patchIntegration(d.productionIntegrationId(), "{\"frame_ancestors\": " + ORIGINS + "}");
    server.patchIntegration(d.testIntegrationId(), "{\"frame_ancestors\": " + ORIGINS + "}");
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());

    HttpResponse<String> invalid = server.get("/not-a-token");
    assertThat(invalid.statusCode()).isEqualTo(404);
    assertRefusesFrames(invalid, "a link that does not work");
    for (String path :
        List.of(
            "/console/deployments/" + d.deploymentId(),
            "/console/deployments/" + d.deploymentId() + "?env=production",
            "/console/audit")) {
      HttpResponse<String> page = admin.get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertRefusesFrames(page, path);
    }
    assertRefusesFrames(new ConsoleClient(server).get("/console/login"), "sign-in");
    for (String path : List.of("/health/live", "/v1/results", "/assets/credence.css")) {
      assertThat(server.get(path).headers().firstValue("X-Frame-Options"))
          .as(path)
          .hasValue("DENY");
    }
  }

  Stream<Arguments> refusedOrigins() {
    String eleven =
        Stream.iterate(1, i -> i + 1)
            .limit(11)
            .map(i -> "\"https://app" + i + ".lender.example\"")
            .reduce((a, b) -> a + "," + b)
            .orElseThrow();
    return Stream.of(
        Arguments.of("[\"http://app.lender.example\"]", "not 'http://app.lender.example'"),
        Arguments.of("[\"https://app.lender.example/\"]", "not 'https://app.lender.example/'"),
        Arguments.of("[\"https://app.lender.example/embed\"]", "no path"),
        Arguments.of("[\"https://app.lender.example?x=1\"]", "not 'https://app.lender.example?x"),
        Arguments.of("[\"https://app.lender.example#top\"]", "not 'https://app.lender.example#t"),
        Arguments.of("[\"https://*.lender.example\"]", "not 'https://*.lender.example'"),
        Arguments.of("[\"*\"]", "not '*'"),
        Arguments.of("[\"'self'\"]", "not ''self''"),
        Arguments.of("[\"https:\"]", "not 'https:'"),
        Arguments.of("[\"app.lender.example\"]", "not 'app.lender.example'"),
        Arguments.of("[\"https://user@app.lender.example\"]", "no path, query, user or wildcard"),
        Arguments.of("[\"https://app.lender.example:0\"]", "not 'https://app.lender.example:0'"),
        Arguments.of("[\"https://app.lender.example:70000\"]", "not 'https://app.lender.exa"),
        Arguments.of("[\"https://app.lender.example:\"]", "not 'https://app.lender.example:'"),
        Arguments.of(
            "[\"https://app.lender.example; script-src *\"]",
            "not 'https://app.lender.example; script-src *'"),
        Arguments.of("[\"https://app.lender.example https://b.example\"]", "not 'https://app"),
        Arguments.of("[\"http://192.168.1.20:8080\"]", "not 'http://192.168.1.20:8080'"),
        Arguments.of("[\"https://" + "a".repeat(200) + ".example\"]", "not 'https://aaaa"),
        Arguments.of("[" + eleven + "]", "frame_ancestors: at most 10 origins (got 11)"),
        Arguments.of("\"https://app.lender.example\"", "frame_ancestors must be a list of origins"),
        Arguments.of("[1]", "frame_ancestors must be a list of origins"),
        Arguments.of("{\"origin\": \"https://a.example\"}", "must be a list of origins"));
  }

  /** One deployment for every refused value: each must leave it as it was. */
  private RunningServer.Deployment refusing;

  private ConsoleClient refusingAdmin;

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedOrigins")
  void aBadOriginIsRefusedAndNothingChanges(String value, String expected) {
    if (refusing == null) {
      refusing = server.newDeployment();
      server.patchIntegration(
          refusing.productionIntegrationId(),
          "{\"frame_ancestors\": [\"https://kept.lender.example\"]}");
      refusingAdmin = ConsoleClient.firstAdmin(server, refusing.companyId());
    }
    String id = refusing.productionIntegrationId();
    ConsoleClient admin = refusingAdmin;
    JsonNode before = integration(id);
    int logged = AuditPage.read(admin).rows().size();

    HttpResponse<String> refused =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + id,
            "{\"session_expiry_hours\": 48, \"frame_ancestors\": " + value + "}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    JsonNode body = json(refused);
    assertThat(body.get("code").asText()).isEqualTo("invalid_settings");
    assertThat(body.get("detail").asText()).startsWith("frame_ancestors").contains(expected);
    assertThat(integration(id)).isEqualTo(before);
    assertThat(AuditPage.read(admin).rows()).hasSize(logged);
  }

  @Test
  void loopbackOriginsOverHttpAreForADevelopersOwnMachine() {
    RunningServer.Deployment d = server.newDeployment();
    JsonNode patched =
        server.patchIntegration(
            d.testIntegrationId(),
            "{\"frame_ancestors\": [\"http://localhost:5173\", \"http://127.0.0.1:8081\","
                + " \"http://[::1]:3000\", \"http://LOCALHOST:80\", \"https://localhost:8443\"]}");
    assertThat(strings(patched.get("frame_ancestors")))
        .containsExactly(
            "http://localhost:5173",
            "http://127.0.0.1:8081",
            "http://[::1]:3000",
            "http://localhost",
            "https://localhost:8443");
    // [] and null both mean none again.
    assertThat(
            server
                .patchIntegration(d.testIntegrationId(), "{\"frame_ancestors\": null}")
                .get("frame_ancestors"))
        .isEmpty();
  }

  @Test
  void theDashboardFormSetsTheOriginsAndTheChangeIsAudited() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String page = "/console/deployments/" + d.deploymentId();
    assertThat(admin.get(page).body())
        .contains("name=\"frame_ancestors\" type=\"text\" value=\"\"");

    HttpResponse<String> saved =
        admin.post(
            page + "/test/settings",
            Map.of(
                "frame_ancestors",
                " https://app.lender.example,https://M.lender.example:8443\nhttp://localhost:3000 "));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
    assertThat(strings(integration(d.testIntegrationId()).get("frame_ancestors")))
        .isEqualTo(NORMAL);
    assertThat(admin.get(page).body())
        .contains(
            "name=\"frame_ancestors\" type=\"text\" value=\"https://app.lender.example"
                + " https://m.lender.example:8443 http://localhost:3000\"");
    AuditPage.Row change = AuditPage.read(admin).only("environment.settings_changed");
    assertThat(change.target()).isEqualTo("Loans · Test");
    assertThat(change.before().toString()).isEqualTo("{\"frame_ancestors\":[]}");
    assertThat(strings(change.after().get("frame_ancestors"))).isEqualTo(NORMAL);
    assertThat(change.after().size()).isEqualTo(1);

    // A bad origin is refused beside its field, what was typed stays, and nothing changes.
    JsonNode before = integration(d.testIntegrationId());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("session_expiry_hours", "48");
    form.put("frame_ancestors", "https://app.lender.example/embed");
    HttpResponse<String> refused = admin.post(page + "/test/settings", form);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(unescaped(refused.body()))
        .contains("Nothing was saved")
        .contains("<p class=\"field-error\">frame_ancestors: each must be an origin like")
        .contains("value=\"https://app.lender.example/embed\"");
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
    assertThat(AuditPage.read(admin).of("environment.settings_changed")).hasSize(1);

    // Empty means none again.
    HttpResponse<String> cleared =
        admin.post(page + "/test/settings", Map.of("frame_ancestors", ""));
    assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(302);
    assertThat(integration(d.testIntegrationId()).get("frame_ancestors")).isEmpty();
  }

  @Test
  void aChangeReachesAnotherNodesPagesAtOnce() {
    RunningServer.Deployment d = server.newDeployment();
    Applicant applicant = applicantOf(d.productionKey(), d.productionIntegrationId());
    try (RunningServer second = server.secondNode()) {
      Applicant onSecond = new Applicant(second, applicant.token());
      assertRefusesFrames(onSecond.page(), "second node, before");
      server.patchIntegration(
          d.productionIntegrationId(), "{\"frame_ancestors\": " + ORIGINS + "}");
      // Each page reads its environment's settings as it is rendered: no cache to wait for.
      assertFramedBy(onSecond.page(), "second node, after");
      server.patchIntegration(d.productionIntegrationId(), "{\"frame_ancestors\": []}");
      assertRefusesFrames(onSecond.page(), "second node, cleared");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Applicant applicantOf(String key, String integrationId) {
    HttpResponse<String> created =
        server.createSession(
            key, RunningServer.sessionBody("EMB-" + UIDS.incrementAndGet(), integrationId));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  /** Declines consent and confirms it; the page the link then shows. */
  private static HttpResponse<String> cancelledPage(Applicant applicant) {
    Applicant.assertRedirectsToLink(applicant.decline(), applicant.token());
    HttpResponse<String> page = applicant.page();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Assessment stopped");
    return page;
  }

  private static void assertRefusesFrames(HttpResponse<String> page, String what) {
    assertThat(page.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .as(what)
        .endsWith("frame-ancestors 'none'");
  }

  private static void assertFramedBy(HttpResponse<String> page, String what) {
    assertThat(page.headers().allValues("X-Frame-Options")).as(what).isEmpty();
    assertThat(page.headers().allValues("Content-Security-Policy")).as(what).hasSize(1);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .as(what)
        .endsWith(FRAMED)
        .doesNotContain("'none'; base-uri 'none'; frame-ancestors 'none'");
  }

  /** The end page tells the host the status, and names the origins to tell, nothing more. */
  private static void assertEnded(HttpResponse<String> page, String status) {
    assertThat(page.body())
        .contains(
            "<script src=\"/assets/finished.js\" data-status=\""
                + status
                + "\" data-origins=\""
                + String.join(" ", NORMAL)
                + "\"></script>");
  }

  private static String refusedCookie(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("credence_refused="))
        .findFirst()
        .orElseThrow();
  }

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response);
  }

  private static List<String> strings(JsonNode list) {
    assertThat(list.isArray()).as(String.valueOf(list)).isTrue();
    List<String> strings = new java.util.ArrayList<>();
    list.forEach(origin -> strings.add(origin.asText()));
    return strings;
  }
}
