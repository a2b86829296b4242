package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.http.Json;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's changes through the operator API, read in the company's audit log by its Admin:
 * each with the actor {@code operator}, the entry the dashboard writes for the same change, no key
 * or link, and only in that company's log.
 */
abstract class OperatorAuditContract extends ServerContract {
  private static final String DONE = "https://lender.example.com/done";

  @Override
  protected Map<String, String> environment() {
    return RunningServer.QUICK_WORKERS;
  }

  @Test
  void theCompanyItsDeploymentAndItsFirstAdminAreInItsLog() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    HttpResponse<String> invited =
        server.operator(
            "POST",
            "/v1/admin/companies/" + d.companyId() + "/admins",
            "{\"email\":\"second.admin@example.com\"}");
    assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
    String link = json(invited).get("invitation_url").asText();

    AuditPage audit = AuditPage.read(admin);
    assertThat(audit.rows())
        .extracting(AuditPage.Row::action)
        .containsExactly(
            "user.invited",
            "invitation.accepted",
            "user.invited",
            "deployment.created",
            "company.created");
    assertThat(audit.rows())
        .extracting(AuditPage.Row::who)
        .containsExactly("operator", admin.email(), "operator", "operator", "operator");

    AuditPage.Row company = audit.only("company.created");
    assertThat(company.target()).isEqualTo("Acme Lending");
    assertThat(company.before()).isNull();
    assertThat(company.after())
        .isEqualTo(object("company_id", d.companyId(), "name", "Acme Lending"));

    AuditPage.Row deployment = audit.only("deployment.created");
    assertThat(deployment.target()).isEqualTo("Loans");
    assertThat(deployment.before()).isNull();
    assertThat(deployment.after())
        .isEqualTo(
            object(
                "deployment_id", d.deploymentId(),
                "name", "Loans",
                "test_integration_id", d.testIntegrationId(),
                "production_integration_id", d.productionIntegrationId()));

    List<AuditPage.Row> invitations = audit.of("user.invited");
    assertThat(invitations)
        .extracting(AuditPage.Row::target)
        .containsExactly("second.admin@example.com", admin.email());
    assertThat(invitations.get(0).before()).isNull();
    assertThat(invitations.get(0).after())
        .isEqualTo(object("email", "second.admin@example.com", "role", "ADMIN"));

    assertThat(audit.text()).doesNotContain(URI.create(link).getPath());
    assertNoKeyIn(audit.text(), d);
  }

  @Test
  void aSettingsChangeIsLoggedAsTheDashboardLogsTheSameChange() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());

    // The Admin changes Test in the dashboard, the operator makes the same change to Production.
    String page = "/console/deployments/" + d.deploymentId();
    admin.get(page);
    Map<String, String> form = new LinkedHashMap<>(DeploymentPagesContract.DEFAULT_TEST_FORM);
    form.put("session_expiry_hours", "48");
    form.put("complete_url", DONE);
    HttpResponse<String> saved = admin.post(page + "/test/settings", form);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
    patch(
        d.productionIntegrationId(),
        "{\"session_expiry_hours\":48,\"complete_url\":\"" + DONE + "\",\"norms_minimum\":200}");

    AuditPage audit = AuditPage.read(admin);
    List<AuditPage.Row> changes = audit.of("environment.settings_changed");
    assertThat(changes).hasSize(2);
    AuditPage.Row operator = changes.get(0);
    AuditPage.Row dashboard = changes.get(1);
    assertThat(operator.who()).isEqualTo("operator");
    assertThat(operator.target()).isEqualTo("Loans · Production");
    assertThat(dashboard.who()).isEqualTo(admin.email());
    assertThat(dashboard.target()).isEqualTo("Loans · Test");
    // Only what changed: norms_minimum was sent with the value it had.
    assertThat(operator.before())
        .isEqualTo(object("session_expiry_hours", 24, "complete_url", null))
        .isEqualTo(dashboard.before());
    assertThat(operator.after())
        .isEqualTo(object("session_expiry_hours", 48, "complete_url", DONE))
        .isEqualTo(dashboard.after());
    assertNoKeyIn(audit.text(), d);
  }

  @Test
  void onlyAPatchThatChangesAValueIsLogged() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    String id = d.testIntegrationId();
    List<AuditPage.Row> before = AuditPage.read(admin).rows();

    patch(id, "{\"session_expiry_hours\":24,\"max_open_sessions\":100}"); // the values it has
    HttpResponse<String> refused =
        server.operator(
            "PATCH",
            "/v1/admin/integrations/" + id,
            "{\"session_expiry_hours\":48,\"complete_url\":\"ftp://x\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(AuditPage.read(admin).rows()).isEqualTo(before);

    // Only the operator changes HMAC; a long value is logged by its size, as in the dashboard.
    String logo = "https://lender.example.com/" + "a".repeat(2000) + ".png";
    patch(id, "{\"hmac_required\":true,\"brand_logo_url\":\"" + logo + "\"}");
    AuditPage.Row change = AuditPage.read(admin).only("environment.settings_changed");
    assertThat(change.who()).isEqualTo("operator");
    assertThat(change.before()).isEqualTo(object("hmac_required", false, "brand_logo_url", null));
    assertThat(change.after())
        .isEqualTo(
            object(
                "hmac_required",
                true,
                "brand_logo_url",
                "(" + (logo.length() + 2) + " characters, not shown here)"));
  }

  @Test
  void aKeyRotationIsLoggedWithoutAnyKey() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    long issuedBefore = integration(d.testIntegrationId()).get("api_key_rotated_at").asLong();
    server.clock().advance(Duration.ofSeconds(5));

    HttpResponse<String> rotated =
        server.operator(
            "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String newKey = json(rotated).get("api_key").asText();
    long issuedAfter = integration(d.testIntegrationId()).get("api_key_rotated_at").asLong();

    AuditPage audit = AuditPage.read(admin);
    AuditPage.Row rotation = audit.only("environment.key_rotated");
    assertThat(rotation.who()).isEqualTo("operator");
    assertThat(rotation.target()).isEqualTo("Loans · Test");
    assertThat(rotation.before().fieldNames()).toIterable().containsExactly("api_key_issued_at");
    assertThat(issuedAt(rotation.before())).isEqualTo(issuedBefore);
    assertThat(rotation.after().fieldNames())
        .toIterable()
        .containsExactly("deployment_id", "integration_id", "environment", "api_key_issued_at");
    assertThat(rotation.after().get("integration_id").asText()).isEqualTo(d.testIntegrationId());
    assertThat(rotation.after().get("environment").asText()).isEqualTo("TEST");
    assertThat(issuedAt(rotation.after())).isEqualTo(issuedAfter).isGreaterThan(issuedBefore);
    assertNoKeyIn(audit.text(), d);
    assertThat(audit.text()).doesNotContain(newKey).doesNotContain(newKey.substring(0, 13));
  }

  @Test
  void aReopenAndARedeliveryAreLoggedWithoutTheApplicantsLink() {
    RunningServer.Deployment d = server.newDeployment();
    String uid = "AUDIT-REOPEN-01";
    String integration = d.testIntegrationId();
    HttpResponse<String> created = server.createSession(d.testKey(), sessionBody(uid, integration));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String firstToken = json(created).get("access_token").asText();
    server.clock().advance(Duration.ofHours(25));

    String session = "/v1/admin/integrations/" + integration + "/sessions/" + uid;
    HttpResponse<String> reopened = server.operator("POST", session + "/reopen", null);
    assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
    JsonNode answer = json(reopened);
    JsonNode expired = settledEvent(session);
    HttpResponse<String> redelivered =
        server.operator(
            "POST", "/v1/admin/events/" + expired.get("id").asText() + "/redeliver", null);
    assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(202);

    // Signed in after the clock moved, so within the dashboard's idle limit.
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    AuditPage audit = AuditPage.read(admin);
    AuditPage.Row reopen = audit.only("session.reopened");
    assertThat(reopen.who()).isEqualTo("operator");
    assertThat(reopen.target()).isEqualTo("uid " + uid + " on " + integration);
    assertThat(reopen.before().get("status").asText()).isEqualTo("expired");
    assertThat(reopen.after().get("status").asText()).isEqualTo(answer.get("status").asText());
    assertThat(Instant.parse(reopen.after().get("expires_at").asText()).getEpochSecond())
        .isEqualTo(answer.get("expires_at").asLong());
    assertThat(Instant.parse(reopen.before().get("expires_at").asText()))
        .isBefore(Instant.parse(reopen.after().get("expires_at").asText()));

    AuditPage.Row redelivery = audit.only("event.redelivered");
    assertThat(redelivery.who()).isEqualTo("operator");
    assertThat(redelivery.target()).isEqualTo("uid " + uid + " on " + integration);
    assertThat(redelivery.before()).isEqualTo(event(expired, expired.get("status").asText()));
    assertThat(redelivery.after()).isEqualTo(event(expired, "PENDING"));

    assertThat(audit.text())
        .doesNotContain(answer.get("access_token").asText())
        .doesNotContain(URI.create(answer.get("url").asText()).getPath())
        .doesNotContain(firstToken);
  }

  @Test
  void anotherCompanysLogShowsNoneOfIt() {
    RunningServer.Deployment ours = server.newDeployment();
    RunningServer.Deployment theirs = server.newDeployment();
    ConsoleClient ourAdmin = ConsoleClient.firstAdmin(server, ours.companyId());
    ConsoleClient theirAdmin = ConsoleClient.firstAdmin(server, theirs.companyId());
    List<AuditPage.Row> theirsBefore = AuditPage.read(theirAdmin).rows();

    patch(ours.testIntegrationId(), "{\"session_expiry_hours\":72}");
    assertThat(
            server
                .operator(
                    "POST",
                    "/v1/admin/integrations/" + ours.testIntegrationId() + "/rotate-key",
                    null)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .operator(
                    "POST",
                    "/v1/admin/deployments",
                    "{\"company_id\":\"" + ours.companyId() + "\",\"name\":\"Cards\"}")
                .statusCode())
        .isEqualTo(201);

    assertThat(AuditPage.read(ourAdmin).rows())
        .extracting(AuditPage.Row::action)
        .startsWith(
            "deployment.created", "environment.key_rotated", "environment.settings_changed");
    AuditPage their = AuditPage.read(theirAdmin);
    assertThat(their.rows()).isEqualTo(theirsBefore);
    assertThat(their.rows())
        .extracting(AuditPage.Row::action)
        .containsExactly(
            "invitation.accepted", "user.invited", "deployment.created", "company.created");
    assertThat(their.text())
        .doesNotContain(ours.companyId(), ours.deploymentId(), ours.testIntegrationId())
        .doesNotContain(ourAdmin.email());
  }

  // --- helpers ----------------------------------------------------------------------------------

  private void patch(String integrationId, String body) {
    HttpResponse<String> patched =
        server.operator("PATCH", "/v1/admin/integrations/" + integrationId, body);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
  }

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response);
  }

  /**
   * The session's one event once its sending has ended (no webhook URL is set), so that its status
   * before the redelivery is known.
   */
  private JsonNode settledEvent(String session) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode events = null;
    while (System.nanoTime() < deadline) {
      events = json(server.operator("GET", session + "/events", null)).get("events");
      if (events.size() == 1 && !events.get(0).get("status").asText().equals("PENDING")) {
        return events.get(0);
      }
      Lender.sleep(50);
    }
    throw new AssertionError("the event did not settle: " + events);
  }

  /** An event's values in the log, with {@code status}. */
  private static JsonNode event(JsonNode listed, String status) {
    return object(
        "event_id",
        listed.get("id").asText(),
        "type",
        "application.expired",
        "status",
        status,
        "attempts",
        listed.get("attempts").asInt());
  }

  private static long issuedAt(JsonNode values) {
    return Instant.parse(values.get("api_key_issued_at").asText()).getEpochSecond();
  }

  private static JsonNode object(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return Json.MAPPER.valueToTree(map);
  }

  /** Neither key of the deployment nor the part of it that a hint shows appears. */
  private static void assertNoKeyIn(String text, RunningServer.Deployment d) {
    for (String key : List.of(d.testKey(), d.productionKey())) {
      assertThat(text).doesNotContain(key).doesNotContain(key.substring(0, 13));
    }
  }
}
