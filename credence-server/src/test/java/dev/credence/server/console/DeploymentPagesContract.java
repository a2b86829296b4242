package dev.credence.server.console;

import static dev.credence.server.testing.AuditPage.unescaped;
import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment centre over real HTTP: deployments, API keys revealed and rotated, settings (the
 * retention period with its confirmation included), the test webhook, what Viewers may do, company
 * isolation, and the audit log.
 */
abstract class DeploymentPagesContract extends ServerContract {
  private static final Pattern TEST_KEY = Pattern.compile("crd_test_[0-9A-Za-z]{40}");
  private static final Pattern CREATED =
      Pattern.compile("/console/deployments/([0-9a-f]{24})\\?env=test&done=created");
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** What the Test settings form sends for a new environment's defaults. */
  static final Map<String, String> DEFAULT_TEST_FORM =
      orderedMap(
          "session_expiry_hours", "24",
          "complete_url", "",
          "cancelled_url", "",
          "expired_url", "",
          "show_completion_page", "true",
          "webhook_url", "",
          "privacy_policy_url", "",
          "lender_contact", "",
          "brand_logo_url", "",
          "brand_primary_color", "",
          "rate_limit_per_minute", "60",
          "max_open_sessions", "100",
          "assessment", "",
          "scoring_model", "",
          "norms_minimum", "200",
          "retention_days", "");

  private static final String RETENTION_REFUSED =
      "<p class=\"field-error\">retention_days must be a whole number of days from 1 to 3650, or"
          + " null to keep finished sessions for ever";
  private static final String RETENTION_UNCONFIRMED =
      "Tick \"Finished sessions older than this are erased for good\" to set or lower"
          + " retention_days.";

  @Override
  protected Map<String, String> environment() {
    return RunningServer.LOOPBACK_WEBHOOKS;
  }

  @Test
  void anAdminCreatesADeploymentAndLandsOnItsPage() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    HttpResponse<String> list = admin.get("/console/deployments");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body())
        .contains("Loans", d.testIntegrationId(), d.productionIntegrationId())
        .contains("Create deployment");

    HttpResponse<String> created = admin.post("/console/deployments", Map.of("name", " Cards "));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
    Matcher location = CREATED.matcher(created.headers().firstValue("Location").orElseThrow());
    assertThat(location.matches()).isTrue();
    String id = location.group(1);

    JsonNode listed = deploymentsOf(d.companyId());
    assertThat(listed).hasSize(2);
    JsonNode cards = null;
    for (JsonNode deployment : listed) {
      if (deployment.get("deployment_id").asText().equals(id)) {
        cards = deployment;
      }
    }
    assertThat(cards).isNotNull();
    assertThat(cards.get("name").asText()).isEqualTo("Cards");

    HttpResponse<String> page = admin.get("/console/deployments/" + id + "?env=test&done=created");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<h1>Cards</h1>", "Deployment created")
        .contains(cards.at("/test/integration_id").asText())
        .contains("aria-current=\"page\">Test</a>")
        .doesNotContainPattern(TEST_KEY);
    HttpResponse<String> production = admin.get("/console/deployments/" + id + "?env=production");
    assertThat(production.body())
        .contains(cards.at("/production/integration_id").asText())
        .contains("aria-current=\"page\">Production</a>");
    assertThat(admin.get("/console/deployments").body()).contains("Cards");
    assertThat(AuditPage.read(admin).text())
        .contains("deployment.created", "\"name\":\"Cards\"", id);
  }

  @Test
  void aDeploymentNeedsAName() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    admin.get("/console/deployments");
    for (String name : List.of("", "   ", "x".repeat(201))) {
      HttpResponse<String> refused = admin.post("/console/deployments", Map.of("name", name));
      assertThat(refused.statusCode()).isEqualTo(422);
      assertThat(refused.body()).contains("name must be 1 to 200 characters");
    }
    assertThat(deploymentsOf(d.companyId())).hasSize(1);
  }

  @Test
  void onlyAnAdminRevealsTheKeyAndTheAuditLogNeverHoldsIt() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String page = page(d);
    String before = admin.get(page).body();
    assertThat(before).doesNotContain(d.testKey()).contains("Reveal API key");
    // Reveal sits with the key; rotation follows in the order it is done: when, confirm, rotate.
    assertThat(before)
        .containsSubsequence(
            "/test/reveal-key",
            "Rotate the API key",
            "name=\"overlap_hours\"",
            "name=\"confirm\"",
            "Rotate API key</button>");

    HttpResponse<String> revealed = admin.post(page + "/test/reveal-key", Map.of());
    assertThat(revealed.statusCode()).isEqualTo(200);
    assertThat(revealed.body()).contains("value=\"" + d.testKey() + "\"");
    // Revealed: the page offers no second Reveal.
    assertThat(revealed.body()).doesNotContain("Reveal API key", "/reveal-key");
    assertThat(revealed.body()).doesNotContain(d.productionKey());
    assertThat(revealed.headers().firstValue("Cache-Control")).hasValue("no-store");
    HttpResponse<String> live = admin.post(page + "/production/reveal-key", Map.of());
    assertThat(live.body()).contains(d.productionKey()).doesNotContain(d.testKey());

    ConsoleClient viewer = admin.invite("VIEWER");
    HttpResponse<String> seen = viewer.get(page);
    assertThat(seen.statusCode()).isEqualTo(200);
    assertThat(seen.body())
        .contains(d.testIntegrationId())
        .doesNotContain(d.testKey())
        .doesNotContain("Reveal API key");
    HttpResponse<String> refused = viewer.post(page + "/test/reveal-key", Map.of());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain(d.testKey());

    String audit = AuditPage.read(admin).text();
    assertThat(audit)
        .contains("environment.key_revealed", "Loans · Test", "Loans · Production")
        .contains("\"integration_id\":\"" + d.testIntegrationId() + "\"");
    assertNoKeyIn(audit, d.testKey(), d.productionKey());
  }

  @Test
  void rotatingNeedsAConfirmationAndEndsTheOldKeyAtOnce() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String rotate = page(d) + "/test/rotate-key";

    HttpResponse<String> unconfirmed = admin.post(rotate, Map.of());
    assertThat(unconfirmed.statusCode()).isEqualTo(422);
    assertThat(unconfirmed.body()).contains("Nothing was changed").doesNotContainPattern(TEST_KEY);
    assertThat(createSession(d.testKey(), d.testIntegrationId()).statusCode()).isEqualTo(200);

    HttpResponse<String> rotated = admin.post(rotate, Map.of("confirm", "yes"));
    assertThat(rotated.statusCode()).isEqualTo(200);
    Matcher shown = TEST_KEY.matcher(rotated.body());
    assertThat(shown.find()).as(rotated.body()).isTrue();
    String newKey = shown.group();
    assertThat(newKey).isNotEqualTo(d.testKey());
    assertThat(rotated.body()).contains("The old key stopped working");

    HttpResponse<String> old = createSession(d.testKey(), d.testIntegrationId());
    assertThat(old.statusCode()).as(old.body()).isEqualTo(401);
    assertThat(json(old).get("code").asText()).isEqualTo("api_key_invalid");
    assertThat(createSession(newKey, d.testIntegrationId()).statusCode()).isEqualTo(200);
    assertThat(createSession(d.productionKey(), d.productionIntegrationId()).statusCode())
        .isEqualTo(200);

    String audit = AuditPage.read(admin).text();
    assertThat(audit).contains("environment.key_rotated", "api_key_issued_at");
    assertNoKeyIn(audit, d.testKey(), newKey);
  }

  @Test
  void rotatingWithAnOverlapShowsWhenTheOldKeyStopsAndAnAdminCanEndItEarly() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String oldHint = integration(d.testIntegrationId()).get("api_key_hint").asText();
    String until = WHEN.format(server.clock().instant().plus(Duration.ofHours(24)));

    // The form preselects 24 hours.
    assertThat(admin.get(page(d) + "?env=test").body())
        .contains("<option value=\"24\" selected>after 24 hours</option>");
    HttpResponse<String> rotated =
        admin.post(page(d) + "/test/rotate-key", Map.of("confirm", "yes", "overlap_hours", "24"));
    assertThat(rotated.statusCode()).isEqualTo(200);
    Matcher shown = TEST_KEY.matcher(rotated.body());
    assertThat(shown.find()).as(rotated.body()).isTrue();
    String newKey = shown.group();
    assertThat(rotated.body())
        .contains("The old key works until " + until)
        .contains("Old API key", oldHint, "End the overlap now");
    assertThat(createSession(d.testKey(), d.testIntegrationId()).statusCode()).isEqualTo(200);
    assertThat(createSession(newKey, d.testIntegrationId()).statusCode()).isEqualTo(200);
    HttpResponse<String> later = admin.get(page(d) + "?env=test");
    assertThat(later.body())
        .contains("Old API key", oldHint, "works until <strong id=\"old-key-until\">" + until)
        .doesNotContain(newKey);

    // A Viewer sees when the old key stops, and may not end the overlap.
    ConsoleClient viewer = viewerInvitedBy(admin);
    assertThat(viewer.get(page(d) + "?env=test").body())
        .contains("Old API key", until)
        .doesNotContain("/end-key-overlap");
    HttpResponse<String> notAllowed =
        viewer.post(page(d) + "/test/end-key-overlap", Map.of("confirm", "yes"));
    assertThat(notAllowed.statusCode()).isEqualTo(403);

    // Ending it needs the box ticked.
    admin.get(page(d) + "?env=test");
    HttpResponse<String> unconfirmed = admin.post(page(d) + "/test/end-key-overlap", Map.of());
    assertThat(unconfirmed.statusCode()).isEqualTo(422);
    assertThat(unconfirmed.body()).contains("Nothing was changed");
    assertThat(createSession(d.testKey(), d.testIntegrationId()).statusCode()).isEqualTo(200);

    HttpResponse<String> ended =
        admin.post(page(d) + "/test/end-key-overlap", Map.of("confirm", "yes"));
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(302);
    assertThat(ended.headers().firstValue("Location"))
        .hasValue(page(d) + "?env=test&done=overlap-ended");
    HttpResponse<String> old = createSession(d.testKey(), d.testIntegrationId());
    assertThat(old.statusCode()).as(old.body()).isEqualTo(401);
    assertThat(createSession(newKey, d.testIntegrationId()).statusCode()).isEqualTo(200);
    HttpResponse<String> after = admin.get(page(d) + "?env=test&done=overlap-ended");
    assertThat(after.body())
        .contains("The old API key stopped working just now.")
        .doesNotContain("Old API key", "End the overlap now");

    HttpResponse<String> again =
        admin.post(page(d) + "/test/end-key-overlap", Map.of("confirm", "yes"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("nothing to end");

    String audit = AuditPage.read(admin).text();
    assertThat(audit)
        .contains("environment.key_rotated", "previous_api_key_expires_at")
        .contains("environment.key_overlap_ended");
    assertNoKeyIn(audit, d.testKey(), newKey);
  }

  @Test
  void aBadOverlapIsRefusedAndChangesNothing() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    JsonNode before = integration(d.testIntegrationId());
    for (String bad : List.of("169", "-1", "1.5", "a day", "")) {
      admin.get(page(d) + "?env=test");
      HttpResponse<String> refused =
          admin.post(page(d) + "/test/rotate-key", Map.of("confirm", "yes", "overlap_hours", bad));
      assertThat(refused.statusCode()).as(bad).isEqualTo(422);
      assertThat(refused.body())
          .contains("overlap_hours must be a whole number of hours from 0 to 168")
          .contains("Nothing was changed")
          .doesNotContainPattern(TEST_KEY);
    }
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
    assertThat(createSession(d.testKey(), d.testIntegrationId()).statusCode()).isEqualTo(200);
  }

  @Test
  void settingsAreSavedAndSeenByTheOperatorApi() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String page = page(d);
    Map<String, String> form = new LinkedHashMap<>(DEFAULT_TEST_FORM);
    form.put("session_expiry_hours", "48");
    form.put("complete_url", "https://lender.example.com/done");
    form.put("brand_primary_color", "#1A73E8");
    form.put("rate_limit_per_minute", "");
    form.put("show_completion_page", "false"); // the hidden field of an unticked box
    form.put("scoring_model", customModel("custom-7"));
    form.put("lender_contact", "Call <b>Ana</b> & Co: 0800 123");
    HttpResponse<String> saved = admin.post(page + "/test/settings", form);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
    assertThat(saved.headers().firstValue("Location")).hasValue(page + "?env=test&done=settings");
    assertThat(admin.get(page + "?env=test&done=settings").body())
        .contains("Settings saved")
        .contains("value=\"Call &lt;b>Ana&lt;/b> &amp; Co: 0800 123\"");

    JsonNode test = integration(d.testIntegrationId());
    assertThat(test.get("session_expiry_hours").asInt()).isEqualTo(48);
    assertThat(test.get("complete_url").asText()).isEqualTo("https://lender.example.com/done");
    assertThat(test.get("brand_primary_color").asText()).isEqualTo("#1A73E8");
    assertThat(test.get("lender_contact").asText()).isEqualTo("Call <b>Ana</b> & Co: 0800 123");
    assertThat(test.get("rate_limit_per_minute").isNull()).isTrue();
    assertThat(test.get("show_completion_page").asBoolean()).isFalse();
    assertThat(test.at("/scoring_model/version").asText()).isEqualTo("custom-7");
    assertThat(test.get("max_open_sessions").asInt()).isEqualTo(100);
    assertThat(test.get("hmac_required").asBoolean()).isFalse();
    assertThat(integration(d.productionIntegrationId()).get("session_expiry_hours").asInt())
        .isEqualTo(24);

    String audit = AuditPage.read(admin).text();
    assertThat(audit)
        .contains("environment.settings_changed")
        .contains("\"session_expiry_hours\":24", "\"session_expiry_hours\":48")
        .contains("\"rate_limit_per_minute\":60", "\"rate_limit_per_minute\":null")
        .contains("\"show_completion_page\":true", "\"show_completion_page\":false")
        .contains("\"version\":\"custom-7\"")
        .doesNotContain("norms_minimum", "max_open_sessions", "expired_url");

    // The same values again change nothing and write nothing.
    Map<String, String> again = new LinkedHashMap<>(form);
    HttpResponse<String> unchanged = admin.post(page + "/test/settings", again);
    assertThat(unchanged.headers().firstValue("Location"))
        .hasValue(page + "?env=test&done=unchanged");
    assertThat(AuditPage.read(admin).of("environment.settings_changed")).hasSize(1);

    // Empty JSON restores the default model, as null does in the operator API.
    Map<String, String> reset = new LinkedHashMap<>(form);
    reset.put("scoring_model", "");
    assertThat(admin.post(page + "/test/settings", reset).statusCode()).isEqualTo(302);
    assertThat(integration(d.testIntegrationId()).at("/scoring_model/version").asText())
        .isEqualTo("default-2026.1");

    // A form that leaves settings out changes only those it sends.
    HttpResponse<String> one =
        admin.post(page + "/test/settings", Map.of("session_expiry_hours", "36"));
    assertThat(one.statusCode()).as(one.body()).isEqualTo(302);
    JsonNode after = integration(d.testIntegrationId());
    assertThat(after.get("session_expiry_hours").asInt()).isEqualTo(36);
    assertThat(after.get("complete_url").asText()).isEqualTo("https://lender.example.com/done");
    assertThat(after.get("show_completion_page").asBoolean()).isFalse();
    assertThat(after.get("norms_minimum").asInt()).isEqualTo(200);
  }

  @Test
  void invalidSettingsAreRefusedWithTheirMessagesAndNothingChanges() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String page = page(d);
    JsonNode before = integration(d.testIntegrationId());
    Map<String, String> form = new LinkedHashMap<>(DEFAULT_TEST_FORM);
    form.put("privacy_policy_url", "https://lender.example.com/privacy"); // valid, not saved
    form.put("session_expiry_hours", "0");
    form.put("complete_url", "ftp://x");
    form.put("brand_primary_color", "blue");
    form.put("max_open_sessions", "many");
    form.put("assessment", "{\"modules\": [");
    form.put("scoring_model", "{\"version\": \"v\"}");
    form.put("norms_minimum", "");
    HttpResponse<String> refused = admin.post(page + "/test/settings", form);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(unescaped(refused.body()))
        .contains("Nothing was saved")
        .contains("session_expiry_hours must be from 1 to 10000 (got 0)")
        .contains("complete_url must be an absolute http:// or https:// URL (got 'ftp://x')")
        .contains("brand_primary_color must be a colour like #1a73e8")
        .contains("max_open_sessions must be a whole number, or null for no limit")
        .contains("assessment is not valid JSON")
        .contains("scoring_model: ")
        .contains("norms_minimum must be a whole number")
        // what was typed stays in the form
        .contains("value=\"blue\"", "value=\"https://lender.example.com/privacy\"");
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);

    for (Map.Entry<String, String> bad :
        Map.of(
                "session_expiry_hours", "10001",
                "webhook_url", "lender.example.com/hooks",
                "brand_primary_color", "#12345",
                "scoring_model", "[1, 2]",
                "rate_limit_per_minute", "0",
                "lender_contact", "x".repeat(201))
            .entrySet()) {
      Map<String, String> one = new LinkedHashMap<>(DEFAULT_TEST_FORM);
      one.put(bad.getKey(), bad.getValue());
      HttpResponse<String> each = admin.post(page + "/test/settings", one);
      assertThat(each.statusCode()).as(bad.getKey()).isEqualTo(422);
      assertThat(each.body()).contains("<p class=\"field-error\">" + bad.getKey());
    }
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
    assertThat(admin.get("/console/audit").body()).doesNotContain("environment.settings_changed");
  }

  @Test
  void aWebhookUrlOnARefusedAddressIsRefusedBesideItsField() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    JsonNode before = integration(d.testIntegrationId());
    Map<String, String> form = new LinkedHashMap<>(DEFAULT_TEST_FORM);
    form.put("session_expiry_hours", "48");
    // Loopback is allowed on this server, for its receivers; the metadata address is not.
    form.put("webhook_url", "http://169.254.169.254/latest/meta-data/");

    HttpResponse<String> refused = admin.post(page(d) + "/test/settings", form);

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body())
        .contains("Nothing was saved")
        .contains("<p class=\"field-error\">webhook_url: address refused: link-local</p>")
        .contains("value=\"http://169.254.169.254/latest/meta-data/\"");
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
  }

  @Test
  void anAdminSetsTheRetentionPeriodOnceConfirmedAndClearsIt() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String page = page(d);
    String settings = page + "/production/settings";
    assertThat(unescaped(admin.get(page + "?env=production").body()))
        .contains("id=\"f-retention_days\"", "data-was=\"\"")
        .contains("Finished sessions older than this are erased for good, at most an hour after")
        .contains("name=\"retention_days_confirm\"");

    // Setting a period erases data: without the box ticked, nothing is saved.
    HttpResponse<String> unconfirmed = admin.post(settings, retention("30", false));
    assertThat(unconfirmed.statusCode()).isEqualTo(422);
    assertThat(unescaped(unconfirmed.body()))
        .contains("Nothing was saved", RETENTION_UNCONFIRMED)
        .contains("value=\"30\"");
    assertThat(retentionOf(d.productionIntegrationId()).isNull()).isTrue();

    assertSaved(admin.post(settings, retention("30", true)), page + "?env=production");
    assertThat(retentionOf(d.productionIntegrationId()).asInt()).isEqualTo(30);
    assertThat(admin.get(page + "?env=production").body())
        .contains("value=\"30\"", "data-was=\"30\"");
    assertThat(retentionOf(d.testIntegrationId()).isNull()).isTrue();

    // A longer period keeps more: no box needed. A shorter one needs it again.
    assertSaved(admin.post(settings, retention("60", false)), page + "?env=production");
    assertThat(retentionOf(d.productionIntegrationId()).asInt()).isEqualTo(60);
    HttpResponse<String> shorter = admin.post(settings, retention("7", false));
    assertThat(shorter.statusCode()).isEqualTo(422);
    assertThat(unescaped(shorter.body())).contains(RETENTION_UNCONFIRMED);
    assertThat(retentionOf(d.productionIntegrationId()).asInt()).isEqualTo(60);

    // Empty keeps finished sessions for ever: nothing is erased, so no box is needed.
    assertSaved(admin.post(settings, retention("", false)), page + "?env=production");
    assertThat(retentionOf(d.productionIntegrationId()).isNull()).isTrue();

    List<AuditPage.Row> changes = AuditPage.read(admin).of("environment.settings_changed");
    assertThat(changes).hasSize(3);
    for (AuditPage.Row change : changes) {
      assertThat(change.who()).isEqualTo(admin.email());
      assertThat(change.target()).isEqualTo("Loans · Production");
    }
    assertThat(changes.get(2).before()).isEqualTo(retentionJson("null"));
    assertThat(changes.get(2).after()).isEqualTo(retentionJson("30"));
    assertThat(changes.get(1).before()).isEqualTo(retentionJson("30"));
    assertThat(changes.get(1).after()).isEqualTo(retentionJson("60"));
    assertThat(changes.get(0).before()).isEqualTo(retentionJson("60"));
    assertThat(changes.get(0).after()).isEqualTo(retentionJson("null"));
  }

  @Test
  void anInvalidRetentionPeriodIsRefusedBesideItsFieldAndNothingChanges() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    server.patchIntegration(d.productionIntegrationId(), "{\"retention_days\": 90}");
    JsonNode before = integration(d.productionIntegrationId());
    List<AuditPage.Row> auditBefore = AuditPage.read(admin).rows();

    for (String days : List.of("0", "3651", "abc", "-5", "2.5")) {
      Map<String, String> form = retention(days, true);
      form.put("session_expiry_hours", "48"); // valid, not saved
      HttpResponse<String> refused = admin.post(page(d) + "/production/settings", form);
      assertThat(refused.statusCode()).as(days).isEqualTo(422);
      assertThat(unescaped(refused.body()))
          .as(days)
          .contains("Nothing was saved", RETENTION_REFUSED)
          .contains("value=\"" + days + "\"")
          .doesNotContain(RETENTION_UNCONFIRMED);
    }
    assertThat(integration(d.productionIntegrationId())).isEqualTo(before);
    assertThat(AuditPage.read(admin).rows()).isEqualTo(auditBefore);
  }

  @Test
  void aViewerSeesTheRetentionPeriodAndCannotChangeIt() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    ConsoleClient viewer = viewerInvitedBy(admin);
    server.patchIntegration(d.productionIntegrationId(), "{\"retention_days\": 30}");
    JsonNode before = integration(d.productionIntegrationId());
    List<AuditPage.Row> auditBefore = AuditPage.read(admin).rows();

    String production = viewer.get(page(d) + "?env=production").body();
    assertThat(production)
        .containsPattern("<dt>Retention \\(days\\)</dt>\\s*<dd>\\s*30\\s*</dd>")
        .doesNotContain("f-retention_days", "retention_days_confirm");
    assertThat(viewer.get(page(d) + "?env=test").body())
        .containsPattern("<dt>Retention \\(days\\)</dt>\\s*<dd>\\s*kept for ever\\s*</dd>");

    for (String days : List.of("", "7")) {
      HttpResponse<String> refused =
          viewer.post(page(d) + "/production/settings", retention(days, true));
      assertThat(refused.statusCode()).as(days).isEqualTo(403);
      assertThat(refused.body()).contains("Only an Admin can change this");
    }
    assertThat(integration(d.productionIntegrationId())).isEqualTo(before);
    assertThat(AuditPage.read(admin).rows()).isEqualTo(auditBefore);
  }

  @Test
  void theTestWebhookButtonSharesTheTestCallsLimitOfTenAMinute() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(
          d.productionIntegrationId(), "{\"webhook_url\":\"" + receiver.url() + "\"}");
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> call =
            server.send("POST", "/v1/webhooks-management/test", null, "api-key", d.productionKey());
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
      }

      HttpResponse<String> limited = admin.post(page(d) + "/production/test-webhook", Map.of());

      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertThat(limited.body())
          .contains("This environment may send 10 test webhooks a minute; retry after ");
      assertThat(receiver.received()).hasSize(10);
    }
  }

  @Test
  void aViewerSeesNoFormsAndEveryChangeIsRefused() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    ConsoleClient viewer = viewerInvitedBy(admin);
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(
          d.testIntegrationId(), "{\"webhook_url\":\"" + receiver.url() + "\"}");
      JsonNode before = integration(d.testIntegrationId());
      List<AuditPage.Row> auditBefore = AuditPage.read(admin).rows();
      String page = page(d);

      HttpResponse<String> seen = viewer.get(page);
      assertThat(seen.statusCode()).isEqualTo(200);
      assertThat(seen.body())
          .contains(d.testIntegrationId(), receiver.url(), "Only an Admin can change settings")
          .doesNotContain("/reveal-key", "/rotate-key", "/settings\"", "/test-webhook")
          .doesNotContain(d.testKey());
      assertThat(viewer.get("/console/deployments").body())
          .contains("Loans")
          .doesNotContain("Create deployment");

      Map<String, String> settings = new LinkedHashMap<>(DEFAULT_TEST_FORM);
      settings.put("session_expiry_hours", "72");
      Map<String, Map<String, String>> posts =
          orderedMap(
              "/console/deployments",
              Map.of("name", "Viewer's"),
              page + "/test/reveal-key",
              Map.of(),
              page + "/test/rotate-key",
              Map.of("confirm", "yes"),
              page + "/test/settings",
              settings,
              page + "/test/test-webhook",
              Map.of());
      for (Map.Entry<String, Map<String, String>> post : posts.entrySet()) {
        HttpResponse<String> refused = viewer.post(post.getKey(), post.getValue());
        assertThat(refused.statusCode()).as(post.getKey()).isEqualTo(403);
        assertThat(refused.body()).contains("Only an Admin can change this");
      }
      assertThat(deploymentsOf(d.companyId())).hasSize(1);
      assertThat(integration(d.testIntegrationId())).isEqualTo(before);
      assertThat(createSession(d.testKey(), d.testIntegrationId()).statusCode()).isEqualTo(200);
      assertThat(receiver.received()).isEmpty();
      assertThat(AuditPage.read(admin).rows()).isEqualTo(auditBefore);
    }
  }

  @Test
  void anotherCompanysDeploymentIsNotFoundOnEveryPageAndAction() {
    RunningServer.Deployment ours = server.newDeployment();
    RunningServer.Deployment theirs = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, ours.companyId());
    JsonNode before = integration(theirs.testIntegrationId());
    assertThat(admin.get("/console/deployments").body())
        .contains(ours.testIntegrationId())
        .doesNotContain(theirs.testIntegrationId());

    String other = "/console/deployments/" + theirs.deploymentId();
    String unknown = "/console/deployments/000000000000000000000000";
    String ourPage = "/console/deployments/" + ours.deploymentId();
    for (String path :
        List.of(
            other,
            other + "?env=production",
            unknown,
            ourPage + "?env=staging",
            "/console/deployments/" + theirs.testIntegrationId())) {
      HttpResponse<String> page = admin.get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(404);
      assertThat(page.body()).contains("There is no such deployment.");
    }
    Map<String, String> settings = new LinkedHashMap<>(DEFAULT_TEST_FORM);
    settings.put("session_expiry_hours", "72");
    for (String target : List.of(other + "/test", other + "/production", ourPage + "/staging")) {
      for (String action : List.of("/reveal-key", "/test-webhook")) {
        assertNotFound(admin.post(target + action, Map.of()), target + action);
      }
      assertNotFound(admin.post(target + "/rotate-key", Map.of("confirm", "yes")), target);
      assertNotFound(admin.post(target + "/settings", settings), target);
    }
    assertThat(integration(theirs.testIntegrationId())).isEqualTo(before);
    assertThat(createSession(theirs.testKey(), theirs.testIntegrationId()).statusCode())
        .isEqualTo(200);
    assertThat(admin.get("/console/audit").body()).doesNotContain("environment.");
  }

  @Test
  void theTestWebhookShowsTheReceiversAnswer() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = adminOnItsPage(d);
    String send = page(d) + "/production/test-webhook";

    HttpResponse<String> noUrl = admin.post(send, Map.of());
    assertThat(noUrl.statusCode()).isEqualTo(409);
    assertThat(noUrl.body()).contains("No webhook URL is set for this environment");

    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(
          d.productionIntegrationId(), "{\"webhook_url\":\"" + receiver.url() + "\"}");
      HttpResponse<String> ok = admin.post(send, Map.of());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("Test event delivered", "answered 200");
      WebhookReceiver.Received event = receiver.await(1, java.time.Duration.ofSeconds(5)).get(0);
      JsonNode body = parse(event.text());
      assertThat(body.at("/event/type").asText()).isEqualTo("webhook.test");
      assertThat(body.get("integration_id").asText()).isEqualTo(d.productionIntegrationId());
      assertThat(event.header("X-Signature")).isNotBlank();

      receiver.answer(500);
      HttpResponse<String> refused = admin.post(send, Map.of());
      assertThat(refused.statusCode()).isEqualTo(200);
      assertThat(refused.body())
          .contains("Not delivered", "answered 500", "Only 200 counts")
          .contains("<pre class=\"snippet\">answered 500</pre>");
    }
    try (WebhookReceiver down = WebhookReceiver.down()) {
      server.patchIntegration(
          d.productionIntegrationId(), "{\"webhook_url\":\"" + down.url() + "\"}");
      HttpResponse<String> unreachable = admin.post(send, Map.of());
      assertThat(unreachable.statusCode()).isEqualTo(200);
      assertThat(unreachable.body()).contains("Not delivered: connection refused");
    }

    String audit = AuditPage.read(admin).text();
    assertThat(AuditPage.read(admin).of("webhook.test_sent")).hasSize(3);
    assertThat(audit).contains("\"status\":200", "\"status\":500", "\"status\":null");
    assertNoKeyIn(audit, d.productionKey());
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static String page(RunningServer.Deployment d) {
    return "/console/deployments/" + d.deploymentId();
  }

  /** The company's first Admin, having read the deployment's page (so holding a form token). */
  private ConsoleClient adminOnItsPage(RunningServer.Deployment d) {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    admin.get(page(d));
    return admin;
  }

  /** The defaults' form with {@code days} of retention, and its box ticked or not. */
  private static Map<String, String> retention(String days, boolean confirmed) {
    Map<String, String> form = new LinkedHashMap<>(DEFAULT_TEST_FORM);
    form.put("rate_limit_per_minute", ""); // Production's defaults
    form.put("max_open_sessions", "");
    form.put("retention_days", days);
    if (confirmed) {
      form.put("retention_days_confirm", "yes");
    }
    return form;
  }

  private JsonNode retentionOf(String integrationId) {
    return integration(integrationId).get("retention_days");
  }

  private static JsonNode retentionJson(String days) {
    return parse("{\"retention_days\": " + days + "}");
  }

  private static void assertSaved(HttpResponse<String> saved, String page) {
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
    assertThat(saved.headers().firstValue("Location")).hasValue(page + "&done=settings");
  }

  /** A Viewer that {@code admin} invited from the Users page. */
  private static ConsoleClient viewerInvitedBy(ConsoleClient admin) {
    admin.get("/console/users");
    return admin.invite("VIEWER");
  }

  private HttpResponse<String> createSession(String key, String integrationId) {
    return server.createSession(
        key, sessionBody("CENTRE-" + UIDS.incrementAndGet(), integrationId));
  }

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response);
  }

  private JsonNode deploymentsOf(String companyId) {
    return json(server.operator("GET", "/v1/admin/deployments?company_id=" + companyId, null))
        .get("deployments");
  }

  private static void assertNotFound(HttpResponse<String> response, String what) {
    assertThat(response.statusCode()).as(what).isEqualTo(404);
    assertThat(response.body()).contains("There is no such deployment.");
  }

  /** Neither a key nor the part of it that the hint shows appears. */
  private static void assertNoKeyIn(String text, String... keys) {
    for (String key : keys) {
      assertThat(text).doesNotContain(key).doesNotContain(key.substring(0, 13));
    }
  }

  private static String customModel(String version) {
    return "{\"version\": \""
        + version
        + "\", \"calibrated\": false, \"intercept\": -2.0,"
        + " \"weights\": {\"domain.C\": -0.5}, \"cutoffs\": [0.05, 0.1, 0.2, 0.35]}";
  }

  private static JsonNode parse(String text) {
    try {
      return dev.credence.server.http.Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(text, e);
    }
  }

  private static <V> Map<String, V> orderedMap(Object... pairs) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      V value = (V) pairs[i + 1];
      map.put((String) pairs[i], value);
    }
    return map;
  }
}
