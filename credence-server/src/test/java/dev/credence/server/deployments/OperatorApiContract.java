package dev.credence.server.deployments;

import static dev.credence.server.testing.RunningServer.OPERATOR_TOKEN;
import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator API under {@code /v1/admin}, over real HTTP, on each database. */
abstract class OperatorApiContract extends ServerContract {
  private static final Pattern HEX24 = Pattern.compile("[0-9a-f]{24}");
  private static final Pattern TEST_KEY = Pattern.compile("crd_test_[0-9A-Za-z]{40}");
  private static final Pattern LIVE_KEY = Pattern.compile("crd_live_[0-9A-Za-z]{40}");

  // ---------------------------------------------------------------- the operator token

  @Test
  void everyAdminEndpointRefusesACallerWithoutABearerToken() {
    Deployment d = server.newDeployment();
    for (String[] call :
        List.of(
            new String[] {"GET", "/v1/admin/companies", null},
            new String[] {"POST", "/v1/admin/companies", "{\"name\":\"Intruder\"}"},
            new String[] {
              "POST",
              "/v1/admin/deployments",
              "{\"company_id\":\"" + d.companyId() + "\",\"name\":\"x\"}"
            },
            new String[] {"GET", "/v1/admin/deployments?company_id=" + d.companyId(), null},
            new String[] {"GET", "/v1/admin/integrations/" + d.testIntegrationId(), null},
            new String[] {
              "PATCH",
              "/v1/admin/integrations/" + d.testIntegrationId(),
              "{\"session_expiry_hours\":48}"
            },
            new String[] {
              "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null
            },
            new String[] {
              "DELETE",
              "/v1/admin/integrations/" + d.testIntegrationId() + "/sessions/NOAUTH-0001",
              null
            })) {
      HttpResponse<String> response =
          server.send(call[0], call[1], call[2], "Content-Type", "application/json");
      assertThat(response.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(401);
      assertError(response, 401, "operator_token_missing");
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
    // Nothing happened: the key still works and the settings are the defaults.
    assertThat(createSession(d.testKey(), "NOAUTH-0001", d.testIntegrationId()).statusCode())
        .isEqualTo(200);
    assertThat(integration(d.testIntegrationId()).get("session_expiry_hours").asInt())
        .isEqualTo(24);
  }

  @Test
  void aBasicAuthorizationHeaderIsNotABearerToken() {
    HttpResponse<String> response =
        server.send("GET", "/v1/admin/companies", null, "Authorization", "Basic " + OPERATOR_TOKEN);
    assertError(response, 401, "operator_token_missing");
  }

  @Test
  void aWrongBearerTokenIsRefusedAndChangesNothing() {
    Deployment d = server.newDeployment();
    for (String wrong :
        List.of(
            "wrong-token-0123456789abcdefghij",
            OPERATOR_TOKEN + "x",
            OPERATOR_TOKEN.substring(0, OPERATOR_TOKEN.length() - 1),
            OPERATOR_TOKEN.replace('0', 'O'))) {
      HttpResponse<String> get =
          server.send("GET", "/v1/admin/companies", null, "Authorization", "Bearer " + wrong);
      assertError(get, 401, "operator_token_invalid");
      assertThat(get.body()).doesNotContain("Acme");

      HttpResponse<String> patch =
          server.send(
              "PATCH",
              "/v1/admin/integrations/" + d.testIntegrationId(),
              "{\"session_expiry_hours\":48}",
              "Authorization",
              "Bearer " + wrong,
              "Content-Type",
              "application/json");
      assertError(patch, 401, "operator_token_invalid");

      HttpResponse<String> rotate =
          server.send(
              "POST",
              "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key",
              null,
              "Authorization",
              "Bearer " + wrong);
      assertError(rotate, 401, "operator_token_invalid");
      assertThat(rotate.body()).doesNotContain("crd_test_");
    }
    assertThat(integration(d.testIntegrationId()).get("session_expiry_hours").asInt())
        .isEqualTo(24);
    assertThat(createSession(d.testKey(), "WRONGTOKEN-1", d.testIntegrationId()).statusCode())
        .isEqualTo(200);
  }

  /**
   * The operator token is compared byte for byte, also when it comes over a kept-alive connection
   * that carried the real token before (an HTTP header cache that ignores case would let a case
   * variant through, and would lock the real token out after a case variant).
   */
  @Test
  void theOperatorTokenIsCaseSensitiveOnAReusedConnection() throws Exception {
    HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String upper = OPERATOR_TOKEN.toUpperCase(Locale.ROOT);
    String mixed = Character.toUpperCase(OPERATOR_TOKEN.charAt(0)) + OPERATOR_TOKEN.substring(1);
    assertThat(listCompanies(oneConnection, OPERATOR_TOKEN)).isEqualTo(200);
    assertThat(listCompanies(oneConnection, upper))
        .as("upper-cased token after the real one")
        .isEqualTo(401);
    assertThat(listCompanies(oneConnection, mixed)).as("one letter upper-cased").isEqualTo(401);
    assertThat(listCompanies(oneConnection, OPERATOR_TOKEN)).isEqualTo(200);

    HttpClient another = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(listCompanies(another, upper)).isEqualTo(401);
    assertThat(listCompanies(another, OPERATOR_TOKEN))
        .as("real token after an upper-cased one")
        .isEqualTo(200);
  }

  private int listCompanies(HttpClient client, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/admin/companies"))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  // ---------------------------------------------------------------- companies and deployments

  @Test
  void createsACompanyAndADeploymentWithTwoEnvironments() {
    HttpResponse<String> company =
        server.operator("POST", "/v1/admin/companies", "{\"name\":\"  Acme Lending  \"}");
    assertThat(company.statusCode()).isEqualTo(201);
    assertThat(company.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode c = json(company);
    String companyId = c.get("company_id").asText();
    assertThat(companyId).matches(HEX24);
    assertThat(c.get("name").asText()).isEqualTo("Acme Lending");
    assertThat(c.get("created_at").isIntegralNumber()).isTrue();
    assertThat(c.get("created_at").asLong())
        .isBetween(Instant.now().getEpochSecond() - 3600, Instant.now().getEpochSecond() + 3600);

    HttpResponse<String> deployment =
        server.operator(
            "POST",
            "/v1/admin/deployments",
            "{\"company_id\":\"" + companyId + "\",\"name\":\"Personal loans\"}");
    assertThat(deployment.statusCode()).isEqualTo(201);
    JsonNode d = json(deployment);
    assertThat(d.get("deployment_id").asText()).matches(HEX24).isNotEqualTo(companyId);
    assertThat(d.get("company_id").asText()).isEqualTo(companyId);
    assertThat(d.get("name").asText()).isEqualTo("Personal loans");
    String testId = d.at("/test/integration_id").asText();
    String liveId = d.at("/production/integration_id").asText();
    String testKey = d.at("/test/api_key").asText();
    String liveKey = d.at("/production/api_key").asText();
    assertThat(testId).matches(HEX24);
    assertThat(liveId).matches(HEX24).isNotEqualTo(testId);
    assertThat(testKey).matches(TEST_KEY);
    assertThat(liveKey).matches(LIVE_KEY);

    // Each key opens its own environment, and only that one.
    assertThat(createSession(testKey, "CREATE-TEST-1", testId).statusCode()).isEqualTo(200);
    assertThat(createSession(liveKey, "CREATE-LIVE-1", liveId).statusCode()).isEqualTo(200);
    assertError(createSession(testKey, "CREATE-X-0001", liveId), 403, "integration_forbidden");
    assertError(createSession(liveKey, "CREATE-X-0002", testId), 403, "integration_forbidden");
  }

  @Test
  void twoDeploymentsNeverShareIdsOrKeys() {
    Deployment a = server.newDeployment();
    Deployment b = server.newDeployment();
    assertThat(
            List.of(
                a.testIntegrationId(),
                a.productionIntegrationId(),
                b.testIntegrationId(),
                b.productionIntegrationId()))
        .doesNotHaveDuplicates();
    assertThat(List.of(a.testKey(), a.productionKey(), b.testKey(), b.productionKey()))
        .doesNotHaveDuplicates();
    assertError(
        createSession(a.testKey(), "CROSS-DEPL-1", b.testIntegrationId()),
        403,
        "integration_forbidden");
  }

  @Test
  void companyAndDeploymentNamesAreRequired() {
    assertError(server.operator("POST", "/v1/admin/companies", "{}"), 422, "name_missing");
    assertError(
        server.operator("POST", "/v1/admin/companies", "{\"name\":\"   \"}"), 422, "invalid_name");
    assertError(server.operator("POST", "/v1/admin/companies", "{\"name\":42}"), 422, "name_type");
    assertError(
        server.operator("POST", "/v1/admin/companies", "{\"name\":\"" + "x".repeat(201) + "\"}"),
        422,
        "invalid_name");
    Deployment d = server.newDeployment();
    assertError(
        server.operator(
            "POST", "/v1/admin/deployments", "{\"company_id\":\"" + d.companyId() + "\"}"),
        422,
        "name_missing");
    assertError(
        server.operator("POST", "/v1/admin/deployments", "{\"name\":\"Loans\"}"),
        422,
        "company_id_missing");
  }

  @Test
  void unknownCompanyOrIntegrationIs404WithItsOwnCode() {
    String unknown = "0123456789abcdef01234567";
    Deployment d = server.newDeployment();
    List<String> outcomes = new ArrayList<>();
    outcomes.add(
        outcome(
            "POST deployments",
            server.operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\"" + unknown + "\",\"name\":\"Loans\"}")));
    outcomes.add(
        outcome(
            "GET deployments",
            server.operator("GET", "/v1/admin/deployments?company_id=" + unknown, null)));
    outcomes.add(
        outcome(
            "GET integration", server.operator("GET", "/v1/admin/integrations/" + unknown, null)));
    outcomes.add(
        outcome(
            "PATCH integration",
            server.operator(
                "PATCH", "/v1/admin/integrations/" + unknown, "{\"session_expiry_hours\":48}")));
    outcomes.add(
        outcome(
            "POST rotate-key",
            server.operator("POST", "/v1/admin/integrations/" + unknown + "/rotate-key", null)));
    // A deployment id is not an integration id.
    outcomes.add(
        outcome(
            "GET deployment id",
            server.operator("GET", "/v1/admin/integrations/" + d.deploymentId(), null)));
    assertThat(outcomes)
        .containsExactly(
            "POST deployments -> 404 company_not_found",
            "GET deployments -> 404 company_not_found",
            "GET integration -> 404 integration_not_found",
            "PATCH integration -> 404 integration_not_found",
            "POST rotate-key -> 404 integration_not_found",
            "GET deployment id -> 404 integration_not_found");
  }

  private static String outcome(String label, HttpResponse<String> response) {
    JsonNode body = json(response);
    assertThat(body.path("detail").asText()).as(response.body()).isNotBlank();
    return label + " -> " + response.statusCode() + " " + body.path("code").asText();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void newEnvironmentsStartWithTheDefaultSettings() {
    Deployment d = server.newDeployment();
    JsonNode test = integration(d.testIntegrationId());
    assertThat(test.get("integration_id").asText()).isEqualTo(d.testIntegrationId());
    assertThat(test.get("deployment_id").asText()).isEqualTo(d.deploymentId());
    assertThat(test.get("company_id").asText()).isEqualTo(d.companyId());
    assertThat(test.get("environment").asText()).isEqualTo("TEST");
    assertThat(test.get("session_expiry_hours").asInt()).isEqualTo(24);
    assertThat(test.get("show_completion_page").asBoolean()).isTrue();
    assertThat(test.get("show_completion_page").isBoolean()).isTrue();
    assertThat(test.get("hmac_required").isBoolean()).isTrue();
    assertThat(test.get("hmac_required").asBoolean()).isFalse();
    assertThat(test.get("rate_limit_per_minute").asInt()).isEqualTo(60);
    assertThat(test.get("max_open_sessions").asInt()).isEqualTo(100);
    for (String url :
        List.of(
            "complete_url",
            "cancelled_url",
            "expired_url",
            "webhook_url",
            "privacy_policy_url",
            "lender_contact",
            "brand_logo_url",
            "brand_primary_color")) {
      assertThat(test.has(url)).as(url).isTrue();
      assertThat(test.get(url).isNull()).as(url).isTrue();
    }

    JsonNode live = integration(d.productionIntegrationId());
    assertThat(live.get("environment").asText()).isEqualTo("PRODUCTION");
    assertThat(live.get("session_expiry_hours").asInt()).isEqualTo(24);
    assertThat(live.get("show_completion_page").asBoolean()).isTrue();
    assertThat(live.get("hmac_required").asBoolean()).isFalse();
    assertThat(live.has("rate_limit_per_minute")).isTrue();
    assertThat(live.get("rate_limit_per_minute").isNull()).isTrue();
    assertThat(live.has("max_open_sessions")).isTrue();
    assertThat(live.get("max_open_sessions").isNull()).isTrue();
  }

  @Test
  void integrationShowsAKeyHintButNeverTheKey() {
    Deployment d = server.newDeployment();
    HttpResponse<String> test =
        server.operator("GET", "/v1/admin/integrations/" + d.testIntegrationId(), null);
    assertThat(test.statusCode()).isEqualTo(200);
    String hint = json(test).get("api_key_hint").asText();
    assertThat(hint).startsWith("crd_test_").endsWith("...");
    assertThat(d.testKey()).startsWith(hint.substring(0, hint.length() - 3));
    assertThat(hint.length()).isLessThan(20);
    assertThat(json(test).has("api_key")).isFalse();
    assertNoKeyIn(test.body(), d.testKey());

    HttpResponse<String> live =
        server.operator("GET", "/v1/admin/integrations/" + d.productionIntegrationId(), null);
    assertThat(json(live).get("api_key_hint").asText()).startsWith("crd_live_");
    assertNoKeyIn(live.body(), d.productionKey());

    HttpResponse<String> list =
        server.operator("GET", "/v1/admin/deployments?company_id=" + d.companyId(), null);
    assertNoKeyIn(list.body(), d.testKey());
    assertNoKeyIn(list.body(), d.productionKey());
  }

  @Test
  void validSettingsRoundTrip() {
    Deployment d = server.newDeployment();
    String patch =
        "{\"session_expiry_hours\":72,"
            + "\"complete_url\":\"https://lender.example.com/done?x=1\","
            + "\"cancelled_url\":\"https://lender.example.com/cancelled\","
            + "\"expired_url\":\"http://lender.example.com:8080/expired\","
            + "\"show_completion_page\":false,"
            + "\"webhook_url\":\"https://hooks.example.com/credence\","
            + "\"privacy_policy_url\":\"https://lender.example.com/privacy\","
            + "\"lender_contact\":\"  Call 0800 123 456, Monday to Friday  \","
            + "\"brand_logo_url\":\"https://cdn.example.com/logo.png\","
            + "\"brand_primary_color\":\"#1A73e8\","
            + "\"hmac_required\":true,"
            + "\"rate_limit_per_minute\":600,"
            + "\"max_open_sessions\":5000}";
    HttpResponse<String> patched =
        server.operator("PATCH", "/v1/admin/integrations/" + d.testIntegrationId(), patch);
    assertThat(patched.statusCode()).isEqualTo(200);
    JsonNode got = integration(d.testIntegrationId());
    assertThat(json(patched)).isEqualTo(got);
    assertThat(got.get("session_expiry_hours").asInt()).isEqualTo(72);
    assertThat(got.get("complete_url").asText()).isEqualTo("https://lender.example.com/done?x=1");
    assertThat(got.get("cancelled_url").asText()).isEqualTo("https://lender.example.com/cancelled");
    assertThat(got.get("expired_url").asText()).isEqualTo("http://lender.example.com:8080/expired");
    assertThat(got.get("show_completion_page").asBoolean()).isFalse();
    assertThat(got.get("webhook_url").asText()).isEqualTo("https://hooks.example.com/credence");
    assertThat(got.get("privacy_policy_url").asText())
        .isEqualTo("https://lender.example.com/privacy");
    assertThat(got.get("lender_contact").asText())
        .as("trimmed")
        .isEqualTo("Call 0800 123 456, Monday to Friday");
    assertThat(got.get("brand_logo_url").asText()).isEqualTo("https://cdn.example.com/logo.png");
    assertThat(got.get("brand_primary_color").asText()).isEqualTo("#1A73e8");
    assertThat(got.get("hmac_required").asBoolean()).isTrue();
    assertThat(got.get("rate_limit_per_minute").asInt()).isEqualTo(600);
    assertThat(got.get("max_open_sessions").asInt()).isEqualTo(5000);

    // The boundaries of the session time limit are accepted.
    assertThat(patch(d.testIntegrationId(), "{\"session_expiry_hours\":1}").statusCode())
        .isEqualTo(200);
    assertThat(integration(d.testIntegrationId()).get("session_expiry_hours").asInt()).isEqualTo(1);
    assertThat(patch(d.testIntegrationId(), "{\"session_expiry_hours\":10000}").statusCode())
        .isEqualTo(200);
    assertThat(integration(d.testIntegrationId()).get("session_expiry_hours").asInt())
        .isEqualTo(10000);

    // The other environment was not touched.
    JsonNode live = integration(d.productionIntegrationId());
    assertThat(live.get("session_expiry_hours").asInt()).isEqualTo(24);
    assertThat(live.get("complete_url").isNull()).isTrue();
    assertThat(live.get("hmac_required").asBoolean()).isFalse();
  }

  @Test
  void theContactLineIsPlainTextOfAtMost200Characters() {
    Deployment d = server.newDeployment();
    String longest = "é".repeat(200);
    patchOk(d.testIntegrationId(), "{\"lender_contact\":\"" + longest + "\"}");
    assertThat(integration(d.testIntegrationId()).get("lender_contact").asText())
        .isEqualTo(longest);
    // Markup is kept as typed: the pages show it as text, never as HTML.
    patchOk(d.testIntegrationId(), "{\"lender_contact\":\"<b>Ana</b> & Co: 0800\"}");
    assertThat(integration(d.testIntegrationId()).get("lender_contact").asText())
        .isEqualTo("<b>Ana</b> & Co: 0800");
    patchOk(d.testIntegrationId(), "{\"lender_contact\":\"   \"}");
    assertThat(integration(d.testIntegrationId()).get("lender_contact").isNull())
        .as("blank is none")
        .isTrue();
  }

  @Test
  void aPatchIsAMergeThatKeepsTheFieldsItDoesNotName() {
    Deployment d = server.newDeployment();
    patchOk(
        d.testIntegrationId(),
        "{\"complete_url\":\"https://lender.example.com/done\",\"session_expiry_hours\":48}");
    patchOk(d.testIntegrationId(), "{\"webhook_url\":\"https://hooks.example.com/x\"}");
    JsonNode got = integration(d.testIntegrationId());
    assertThat(got.get("complete_url").asText()).isEqualTo("https://lender.example.com/done");
    assertThat(got.get("session_expiry_hours").asInt()).isEqualTo(48);
    assertThat(got.get("webhook_url").asText()).isEqualTo("https://hooks.example.com/x");
    assertThat(got.get("rate_limit_per_minute").asInt()).isEqualTo(60);

    // An empty patch changes nothing.
    assertThat(patch(d.testIntegrationId(), "{}").statusCode()).isEqualTo(200);
    assertThat(integration(d.testIntegrationId()).get("complete_url").asText())
        .isEqualTo("https://lender.example.com/done");
  }

  @Test
  void nullClearsAUrlAndALimit() {
    Deployment d = server.newDeployment();
    patchOk(
        d.testIntegrationId(),
        "{\"complete_url\":\"https://lender.example.com/done\","
            + "\"expired_url\":\"https://lender.example.com/expired\","
            + "\"brand_primary_color\":\"#000000\"}");
    patchOk(
        d.testIntegrationId(),
        "{\"complete_url\":null,\"rate_limit_per_minute\":null,\"max_open_sessions\":null,"
            + "\"brand_primary_color\":null}");
    patchOk(d.testIntegrationId(), "{\"lender_contact\":\"hello@lender.example.com\"}");
    patchOk(d.testIntegrationId(), "{\"lender_contact\":null}");
    JsonNode got = integration(d.testIntegrationId());
    assertThat(got.get("complete_url").isNull()).isTrue();
    assertThat(got.get("rate_limit_per_minute").isNull()).isTrue();
    assertThat(got.get("max_open_sessions").isNull()).isTrue();
    assertThat(got.get("brand_primary_color").isNull()).isTrue();
    assertThat(got.get("lender_contact").isNull()).isTrue();
    assertThat(got.get("expired_url").asText()).isEqualTo("https://lender.example.com/expired");
  }

  @Test
  void theRetentionIsNullByDefaultAndTakesDaysOrNull() {
    Deployment d = server.newDeployment();
    for (String id : List.of(d.testIntegrationId(), d.productionIntegrationId())) {
      assertThat(integration(id).has("retention_days")).isTrue();
      assertThat(integration(id).get("retention_days").isNull()).isTrue();
    }
    for (int days : new int[] {1, 30, 3650}) {
      patchOk(d.productionIntegrationId(), "{\"retention_days\":" + days + "}");
      assertThat(integration(d.productionIntegrationId()).get("retention_days").asInt())
          .isEqualTo(days);
    }
    patchOk(d.productionIntegrationId(), "{\"retention_days\":null}");
    assertThat(integration(d.productionIntegrationId()).get("retention_days").isNull()).isTrue();
  }

  @Test
  void nullCannotClearARequiredSetting() {
    Deployment d = server.newDeployment();
    JsonNode before = integration(d.testIntegrationId());
    for (String patch :
        List.of(
            "{\"session_expiry_hours\":null}",
            "{\"show_completion_page\":null}",
            "{\"hmac_required\":null}")) {
      assertError(patch(d.testIntegrationId(), patch), 422, "invalid_settings");
    }
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
  }

  Stream<Arguments> invalidPatches() {
    return Stream.of(
        Arguments.of("{\"session_expiry_hours\":0}", "session_expiry_hours"),
        Arguments.of("{\"session_expiry_hours\":10001}", "session_expiry_hours"),
        Arguments.of("{\"session_expiry_hours\":-24}", "session_expiry_hours"),
        Arguments.of("{\"session_expiry_hours\":24.5}", "session_expiry_hours"),
        Arguments.of("{\"session_expiry_hours\":\"48\"}", "session_expiry_hours"),
        Arguments.of("{\"session_expiry_hours\":99999999999}", "session_expiry_hours"),
        Arguments.of("{\"complete_url\":\"ftp://x\"}", "complete_url"),
        Arguments.of("{\"expired_url\":\"javascript:alert(1)\"}", "expired_url"),
        Arguments.of("{\"cancelled_url\":\"not a url\"}", "cancelled_url"),
        Arguments.of("{\"webhook_url\":\"hooks.example.com/credence\"}", "webhook_url"),
        Arguments.of("{\"webhook_url\":\"/relative/path\"}", "webhook_url"),
        Arguments.of("{\"privacy_policy_url\":\"data:text/html,<b>hi</b>\"}", "privacy_policy_url"),
        Arguments.of(
            "{\"brand_logo_url\":\"https://user:pw@example.com/logo.png\"}", "brand_logo_url"),
        Arguments.of("{\"complete_url\":123}", "complete_url"),
        Arguments.of("{\"complete_url\":[\"https://example.com\"]}", "complete_url"),
        Arguments.of("{\"show_completion_page\":\"false\"}", "show_completion_page"),
        Arguments.of("{\"hmac_required\":1}", "hmac_required"),
        Arguments.of("{\"rate_limit_per_minute\":\"60\"}", "rate_limit_per_minute"),
        Arguments.of("{\"rate_limit_per_minute\":0}", "rate_limit_per_minute"),
        Arguments.of("{\"max_open_sessions\":-5}", "max_open_sessions"),
        Arguments.of("{\"max_open_sessions\":2.5}", "max_open_sessions"),
        Arguments.of("{\"brand_primary_color\":\"red\"}", "brand_primary_color"),
        Arguments.of("{\"brand_primary_color\":\"#12345\"}", "brand_primary_color"),
        Arguments.of("{\"brand_primary_color\":\"#12345g\"}", "brand_primary_color"),
        Arguments.of(
            "{\"lender_contact\":\"" + "x".repeat(201) + "\"}",
            "lender_contact must be at most 200 characters (got 201)"),
        Arguments.of(
            "{\"lender_contact\":\"Call us\\nor write\"}",
            "lender_contact must be one line of plain text"),
        Arguments.of("{\"lender_contact\":12345}", "lender_contact must be a string or null"),
        Arguments.of("{\"norms_minimum\":19}", "norms_minimum"),
        Arguments.of("{\"norms_minimum\":100001}", "norms_minimum"),
        Arguments.of("{\"norms_minimum\":null}", "norms_minimum"),
        Arguments.of(
            "{\"retention_days\":0}",
            "retention_days must be a whole number of days from 1 to 3650, or null to keep"
                + " finished sessions for ever (got 0)"),
        Arguments.of("{\"retention_days\":3651}", "retention_days must be a whole number"),
        Arguments.of("{\"retention_days\":-1}", "retention_days must be a whole number"),
        Arguments.of("{\"retention_days\":7.5}", "retention_days must be a whole number"),
        Arguments.of("{\"retention_days\":\"30\"}", "retention_days must be a whole number"),
        Arguments.of("{\"retention_days\":99999999999}", "retention_days must be a whole number"),
        Arguments.of("{\"scoring_model\":\"default-2026.1\"}", "scoring_model"),
        Arguments.of("{\"scoring_model\":{\"version\":\"x\"}}", "scoring_model"),
        Arguments.of(
            "{\"scoring_model\":{\"version\":\"x\",\"calibrated\":false,\"intercept\":-2,"
                + "\"weights\":{\"domain.Q\":1},\"cutoffs\":[0.1]}}",
            "domain.Q"),
        Arguments.of(
            "{\"scoring_model\":{\"version\":\"x\",\"calibrated\":false,\"intercept\":-2,"
                + "\"weights\":{\"domain.C\":-0.4},\"cutoffs\":[0.3,0.2]}}",
            "cut-offs"),
        Arguments.of("{\"sesion_expiry_hours\":48}", "sesion_expiry_hours"),
        Arguments.of("{\"api_key\":\"crd_test_stolen\"}", "api_key"),
        Arguments.of("{\"integration_id\":\"0123456789abcdef01234567\"}", "integration_id"),
        // One bad field spoils the whole patch: the valid field beside it is not applied either.
        Arguments.of("{\"session_expiry_hours\":48,\"complete_url\":\"ftp://x\"}", "complete_url"),
        Arguments.of(
            "{\"webhook_url\":\"https://ok.example.com\",\"colour\":\"#000000\"}", "colour"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPatches")
  void anInvalidSettingIs422AndChangesNothing(String patch, String named) {
    Deployment d = server.newDeployment();
    patchOk(d.testIntegrationId(), "{\"complete_url\":\"https://lender.example.com/done\"}");
    JsonNode before = integration(d.testIntegrationId());

    HttpResponse<String> response = patch(d.testIntegrationId(), patch);
    assertError(response, 422, "invalid_settings");
    assertThat(json(response).get("detail").asText()).contains(named);

    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
  }

  @Test
  void everyProblemOfAPatchIsReportedAtOnce() {
    Deployment d = server.newDeployment();
    HttpResponse<String> response =
        patch(
            d.testIntegrationId(),
            "{\"session_expiry_hours\":0,\"webhook_url\":\"ftp://x\",\"nope\":1}");
    assertError(response, 422, "invalid_settings");
    assertThat(json(response).get("detail").asText())
        .contains("session_expiry_hours", "webhook_url", "nope");
  }

  @Test
  void invalidJsonBodiesAre422InvalidJson() {
    Deployment d = server.newDeployment();
    JsonNode before = integration(d.testIntegrationId());
    String path = "/v1/admin/integrations/" + d.testIntegrationId();
    for (String body : List.of("{not json", "", "[]", "\"text\"", "42", "null", "{} {}")) {
      assertError(server.operator("PATCH", path, body), 422, "invalid_json");
      assertError(server.operator("POST", "/v1/admin/companies", body), 422, "invalid_json");
      assertError(server.operator("POST", "/v1/admin/deployments", body), 422, "invalid_json");
    }
    assertThat(integration(d.testIntegrationId())).isEqualTo(before);
  }

  @Test
  void settingsTakeEffectOnTheNextSession() {
    Deployment d = server.newDeployment();
    patchOk(d.productionIntegrationId(), "{\"session_expiry_hours\":48}");
    Instant now = server.clock().instant();
    HttpResponse<String> created =
        createSession(d.productionKey(), "EXPIRY-48H-1", d.productionIntegrationId());
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(json(created).get("expires_at").asLong())
        .isBetween(now.getEpochSecond() + 48 * 3600 - 2, now.getEpochSecond() + 48 * 3600 + 2);

    // HMAC is the operator's switch: once on, an unsigned call is refused.
    patchOk(d.productionIntegrationId(), "{\"hmac_required\":true}");
    assertError(
        createSession(d.productionKey(), "HMAC-ON-0001", d.productionIntegrationId()),
        401,
        "signature_missing");
    patchOk(d.productionIntegrationId(), "{\"hmac_required\":false}");
    assertThat(
            createSession(d.productionKey(), "HMAC-OFF-001", d.productionIntegrationId())
                .statusCode())
        .isEqualTo(200);
  }

  // ---------------------------------------------------------------- key rotation

  @Test
  void rotatingAKeyRetiresTheOldOneAtOnce() {
    Deployment d = server.newDeployment();
    assertThat(createSession(d.testKey(), "ROTATE-BEFORE", d.testIntegrationId()).statusCode())
        .isEqualTo(200);
    String hintBefore = integration(d.testIntegrationId()).get("api_key_hint").asText();

    HttpResponse<String> rotated =
        server.operator(
            "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null);
    assertThat(rotated.statusCode()).isEqualTo(200);
    JsonNode body = json(rotated);
    assertThat(body.get("integration_id").asText()).isEqualTo(d.testIntegrationId());
    String newKey = body.get("api_key").asText();
    assertThat(newKey).matches(TEST_KEY).isNotEqualTo(d.testKey());

    assertError(
        createSession(d.testKey(), "ROTATE-OLDKEY", d.testIntegrationId()), 401, "api_key_invalid");
    assertThat(createSession(newKey, "ROTATE-NEWKEY", d.testIntegrationId()).statusCode())
        .isEqualTo(200);

    JsonNode after = integration(d.testIntegrationId());
    String hintAfter = after.get("api_key_hint").asText();
    assertThat(newKey).startsWith(hintAfter.substring(0, hintAfter.length() - 3));
    assertNoKeyIn(after.toString(), newKey);
    assertThat(hintBefore).startsWith("crd_test_");
  }

  @Test
  void rotatingTheTestKeyLeavesProductionAlone() {
    Deployment d = server.newDeployment();
    JsonNode liveBefore = integration(d.productionIntegrationId());
    String newTestKey =
        json(server.operator(
                "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null))
            .get("api_key")
            .asText();
    assertThat(newTestKey).startsWith("crd_test_");
    assertThat(integration(d.productionIntegrationId())).isEqualTo(liveBefore);
    assertThat(
            createSession(d.productionKey(), "LIVE-STILL-OK", d.productionIntegrationId())
                .statusCode())
        .isEqualTo(200);

    // And the other way round: a rotated Production key starts crd_live_.
    String newLiveKey =
        json(server.operator(
                "POST",
                "/v1/admin/integrations/" + d.productionIntegrationId() + "/rotate-key",
                null))
            .get("api_key")
            .asText();
    assertThat(newLiveKey).matches(LIVE_KEY);
    assertError(
        createSession(d.productionKey(), "LIVE-OLD-KEY", d.productionIntegrationId()),
        401,
        "api_key_invalid");
    assertThat(createSession(newTestKey, "TEST-STILL-OK", d.testIntegrationId()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aRotationCanBeRepeatedAndOnlyTheLatestKeyWorks() {
    Deployment d = server.newDeployment();
    List<String> keys = new ArrayList<>(List.of(d.testKey()));
    for (int i = 0; i < 3; i++) {
      keys.add(
          json(server.operator(
                  "POST", "/v1/admin/integrations/" + d.testIntegrationId() + "/rotate-key", null))
              .get("api_key")
              .asText());
    }
    assertThat(keys).doesNotHaveDuplicates();
    for (int i = 0; i < keys.size() - 1; i++) {
      assertError(
          createSession(keys.get(i), "REPEAT-ROT-" + i, d.testIntegrationId()),
          401,
          "api_key_invalid");
    }
    assertThat(
            createSession(keys.get(keys.size() - 1), "REPEAT-ROT-OK", d.testIntegrationId())
                .statusCode())
        .isEqualTo(200);
  }

  // ---------------------------------------------------------------- lists

  @Test
  void listsCompaniesAndTheirDeployments() {
    String name = "Listed Co " + System.nanoTime();
    String companyId =
        json(server.operator("POST", "/v1/admin/companies", "{\"name\":\"" + name + "\"}"))
            .get("company_id")
            .asText();
    HttpResponse<String> companies = server.operator("GET", "/v1/admin/companies", null);
    assertThat(companies.statusCode()).isEqualTo(200);
    JsonNode found = null;
    for (JsonNode c : json(companies).get("companies")) {
      if (c.get("company_id").asText().equals(companyId)) {
        found = c;
      }
    }
    assertThat(found).as("company %s in %s", companyId, companies.body()).isNotNull();
    assertThat(found.get("name").asText()).isEqualTo(name);

    // A company without deployments lists none.
    JsonNode empty =
        json(server.operator("GET", "/v1/admin/deployments?company_id=" + companyId, null));
    assertThat(empty.get("deployments")).isEmpty();

    JsonNode first =
        json(
            server.operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\"" + companyId + "\",\"name\":\"First\"}"));
    JsonNode second =
        json(
            server.operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\"" + companyId + "\",\"name\":\"Second\"}"));
    // Another company's deployment must not show up.
    Deployment other = server.newDeployment();

    HttpResponse<String> listed =
        server.operator("GET", "/v1/admin/deployments?company_id=" + companyId, null);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode deployments = json(listed).get("deployments");
    assertThat(deployments).hasSize(2);
    List<String> ids = new ArrayList<>();
    for (JsonNode d : deployments) {
      ids.add(d.get("deployment_id").asText());
      assertThat(d.get("company_id").asText()).isEqualTo(companyId);
      assertThat(d.at("/test/environment").asText()).isEqualTo("TEST");
      assertThat(d.at("/production/environment").asText()).isEqualTo("PRODUCTION");
      assertThat(d.at("/test/api_key_hint").asText()).startsWith("crd_test_");
      assertThat(d.at("/test/api_key").isMissingNode()).isTrue();
      assertThat(d.at("/production/api_key").isMissingNode()).isTrue();
    }
    assertThat(ids)
        .containsExactlyInAnyOrder(
            first.get("deployment_id").asText(), second.get("deployment_id").asText())
        .doesNotContain(other.deploymentId());
    JsonNode firstListed =
        deployments.get(0).get("deployment_id").asText().equals(first.get("deployment_id").asText())
            ? deployments.get(0)
            : deployments.get(1);
    assertThat(firstListed.at("/test/integration_id").asText())
        .isEqualTo(first.at("/test/integration_id").asText());
    assertThat(firstListed.at("/production/integration_id").asText())
        .isEqualTo(first.at("/production/integration_id").asText());
    assertThat(firstListed.get("name").asText()).isEqualTo("First");
  }

  @Test
  void listingDeploymentsNeedsACompanyId() {
    assertError(server.operator("GET", "/v1/admin/deployments", null), 422, "company_id_missing");
  }

  // ---------------------------------------------------------------- helpers

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private HttpResponse<String> patch(String integrationId, String patch) {
    return server.operator("PATCH", "/v1/admin/integrations/" + integrationId, patch);
  }

  private void patchOk(String integrationId, String patch) {
    HttpResponse<String> response = patch(integrationId, patch);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private HttpResponse<String> createSession(String key, String uid, String integrationId) {
    return server.createSession(key, sessionBody(uid, integrationId));
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
    assertThat(body.get("detail").isTextual()).as(response.body()).isTrue();
    assertThat(body.get("detail").asText()).isNotBlank();
  }

  private static void assertNoKeyIn(String text, String key) {
    assertThat(text).doesNotContain(key);
    // Not even the random part on its own.
    assertThat(text).doesNotContain(key.substring("crd_test_".length()));
  }
}
