package dev.credence.server.http;

import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/openapi.json against the real server: it is what {@code GET /openapi.json} serves; every
 * documented operation exists and answers each of its documented statuses that a test can provoke,
 * with the documented media type and required fields; every public route is documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DOCUMENT = Path.of("..", "docs", "openapi.json");

  /** Routes that are not the public API: the operator's, the applicant's pages, static files. */
  /**
   * Routes for operators and browsers, not lenders: documented elsewhere (metrics:
   * docs/configuration.md).
   */
  private static final List<String> NOT_PUBLIC =
      List.of(
          "/v1/admin/", "/console", "/assets", "/health/", "/metrics", "/favicon.ico", "/{token}");

  /** Statuses only an outage or a bug gives: the database down, an unexpected failure. */
  private static final Set<String> NOT_PROVOKED = Set.of("500", "503");

  private RunningServer server;
  private JsonNode document;
  private SchemaCheck schemas;
  private final Map<String, Set<String>> provoked = new TreeMap<>();

  @BeforeAll
  void start() throws IOException {
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    document = JSON.readTree(Files.readAllBytes(DOCUMENT));
    schemas = new SchemaCheck(document);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theServerServesTheDocumentKeptInDocs() throws IOException {
    HttpResponse<String> served = server.get("/openapi.json");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(served.body())
        .isEqualTo(new String(Files.readAllBytes(DOCUMENT), StandardCharsets.UTF_8));
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void swaggerParserReadsTheDocumentWithoutAMessage() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);

    SwaggerParseResult parsed =
        new OpenAPIV3Parser().readLocation(DOCUMENT.toUri().toString(), null, options);

    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getInfo().getLicense())
        .as("info.license")
        .isNotNull()
        .extracting(License::getIdentifier)
        .isEqualTo("Apache-2.0");
  }

  /**
   * Code generators write one API class a tag, webhook events included: a tag shared by an
   * operation and a webhook event makes them write two classes into one file.
   */
  @Test
  void noTagNamesBothAnOperationAndAWebhookEvent() {
    Set<String> operationTags = tagsOf(document.get("paths"));
    Set<String> eventTags = tagsOf(document.get("webhooks"));

    assertThat(eventTags).isNotEmpty().doesNotContainAnyElementsOf(operationTags);
    Set<String> declared = new TreeSet<>();
    document.get("tags").forEach(t -> declared.add(t.get("name").asText()));
    assertThat(declared).containsAll(operationTags).containsAll(eventTags);
  }

  /**
   * Code generators name a schema written inline in a response after the operation and status
   * ({@code CreateSession403Response}) or not at all ({@code InlineObject}): every JSON error body
   * is a named component instead (docs/decisions/0028-openapi-for-generators.md).
   */
  @Test
  void everyJsonErrorBodyIsANamedComponent() {
    Map<String, String> errorSchemas = new TreeMap<>();
    for (String operation : documentedOperations()) {
      responses(operation)
          .fields()
          .forEachRemaining(
              r -> {
                JsonNode json = resolve(r.getValue()).at("/content/application~1json");
                if (r.getKey().matches("[45]\\d\\d") && !json.isMissingNode()) {
                  errorSchemas.put(
                      operation + " " + r.getKey(), json.path("schema").path("$ref").asText());
                }
              });
    }

    assertThat(errorSchemas).isNotEmpty();
    assertThat(errorSchemas)
        .allSatisfy(
            (response, ref) -> {
              assertThat(ref).as(response).startsWith("#/components/schemas/");
              assertThat(resolve(JSON.createObjectNode().put("$ref", ref)).isMissingNode())
                  .as("%s names %s, which is not in the document", response, ref)
                  .isFalse();
            });
  }

  @Test
  void everyPublicRouteOfTheServerIsDocumentedAndEveryDocumentedOneExists() {
    Set<String> routes =
        server.routes().stream()
            .filter(r -> r.matches("(GET|POST|PUT|PATCH|DELETE) /.*"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = documentedOperations();

    Set<String> publicRoutes =
        routes.stream()
            .filter(
                r ->
                    NOT_PUBLIC.stream()
                        .noneMatch(p -> r.substring(r.indexOf(' ') + 1).startsWith(p)))
            .map(OpenApiDocumentTest::shape)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(publicRoutes).isNotEmpty();
    assertThat(documented.stream().map(OpenApiDocumentTest::shape).toList())
        .containsAll(publicRoutes);
    assertThat(routes.stream().map(OpenApiDocumentTest::shape).toList())
        .containsAll(documented.stream().map(OpenApiDocumentTest::shape).toList());
  }

  @Test
  void everyDocumentedStatusThatCanBeProvokedIsAnsweredAsDocumented() {
    Deployment d = server.newDeployment();
    String tokens = "/v1/sessions-management/tokens";
    String key = d.testKey();
    String integration = d.testIntegrationId();

    JsonNode created = json(probe("POST", tokens, sessionBody("CUST-00000001", integration), key));
    String token = created.get("access_token").asText();
    probe("POST", tokens, sessionBody("CUST-00000002", integration), null);
    probe("POST", tokens, sessionBody("CUST-00000003", integration), d.productionKey());
    probe("POST", tokens, sessionBody("jane@example.com", integration), key);
    probe("POST", tokens, "{\"uid\":\"" + "A".repeat(70_000) + "\"}", key);
    String declined =
        json(server.createSession(key, sessionBody("CUST-00000004", integration)))
            .get("access_token")
            .asText();
    new Applicant(server, declined).decline();
    probe("POST", tokens, sessionBody("CUST-00000004", integration), key);
    Deployment limited = server.newDeployment();
    server.patchIntegration(limited.testIntegrationId(), "{\"rate_limit_per_minute\": 1}");
    for (String uid : List.of("CUST-00000005", "CUST-00000006")) {
      probe("POST", tokens, sessionBody(uid, limited.testIntegrationId()), limited.testKey());
    }

    simulations(d);

    probe("GET", "/v1/results/CUST-00000001", null, key);
    probe("GET", "/v1/results/CUST-99999999", null, key);
    server.createSession(key, sessionBody("CUST-00000007", integration));
    server.operator(
        "DELETE", "/v1/admin/integrations/" + integration + "/sessions/CUST-00000007", null);
    probe("GET", "/v1/results/CUST-00000007", null, key); // erased
    probe("POST", tokens, sessionBody("CUST-00000007", integration), key);
    probe("GET", "/v1/results/CUST-00000001", null, null);
    probe("GET", "/v1/results?limit=10", null, key);
    probe("GET", "/v1/results?limit=0", null, key);
    probe("GET", "/v1/results", null, "crd_test_wrong");

    String test = "/v1/webhooks-management/test";
    probe("POST", test, null, null);
    probe("POST", test, null, "crd_test_wrong");
    probe("POST", test, null, key);
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(integration, "{\"webhook_url\": \"" + receiver.url() + "\"}");
      probe("POST", test, null, key);
      receiver.answer(500);
      probe("POST", test, null, key);
    }
    probe("POST", test, null, key); // the receiver is gone
    for (int call = 4; call <= 11; call++) {
      probe("POST", test, null, key); // the 11th test call in a minute is over the limit
    }

    String events = "/v1/webhooks-management/events";
    probe("GET", events + "?status=LOST", null, key);
    probe("GET", events, null, "crd_test_wrong");
    String cancelled =
        json(probe("GET", events + "?type=application.cancelled", null, key))
            .at("/events/0/id")
            .asText();
    probe("POST", events + "/" + cancelled + "/redeliver", null, key);
    probe("POST", events + "/000000000000000000000000/redeliver", null, key);
    probe("POST", events + "/" + cancelled + "/redeliver", null, null);
    probe("POST", events + "/" + sentErasureNotice(key) + "/redeliver", null, key);
    String replay = "/v1/webhooks-management/redeliver";
    probe("POST", replay, "{\"status\": \"NO_WEBHOOK\", \"since\": 0}", key);
    probe("POST", replay, "{\"status\": \"NO_WEBHOOK\"}", key);
    probe("POST", replay, "{}", null);

    probe("GET", "/health/live", null, null);
    probe("GET", "/health/ready", null, null);
    probe("GET", "/openapi.json", null, null);

    applicantLinks(d);

    Map<String, Set<String>> expected = new TreeMap<>();
    for (String operation : documentedOperations()) {
      Set<String> statuses = new TreeSet<>();
      responses(operation).fieldNames().forEachRemaining(statuses::add);
      statuses.removeAll(NOT_PROVOKED);
      if (operation.equals("POST /v1/webhooks-management/test")) {
        statuses.add("503"); // here it is the receiver, not the database: provoked above
      }
      expected.put(operation, statuses);
    }
    assertThat(provoked).isEqualTo(expected);
  }

  @Test
  void everyKindOfWebhookDeliveryHasTheDocumentedShape() {
    try {
      Set<String> types = new TreeSet<>();
      for (WebhookReceiver.Received delivery : EveryWebhook.provoke(server)) {
        JsonNode body = JSON.readTree(delivery.body());
        String type = body.at("/event/type").asText();
        types.add(type);
        JsonNode schema =
            document
                .at("/webhooks")
                .path(type)
                .at("/post/requestBody/content/application~1json/schema");
        assertThat(schema.isMissingNode()).as("webhook %s is not documented", type).isFalse();
        assertThat(schemas.problems(body, schema)).as(delivery.text()).isEmpty();
      }
      assertThat(types)
          .containsExactlyInAnyOrderElementsOf(() -> document.get("webhooks").fieldNames());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A simulation: made, each refusal, and the rate limit it shares with creating sessions. */
  private void simulations(Deployment d) {
    String simulate = "/v1/sessions-management/simulate";
    String key = d.testKey();
    String body = simulation("SIM-00000001", d.testIntegrationId(), "completed");
    probe("POST", simulate, body, key);
    probe("POST", simulate, body, key); // the uid is used now
    probe("POST", simulate, body, null);
    probe(
        "POST",
        simulate,
        simulation("SIM-00000002", d.productionIntegrationId(), "completed"),
        d.productionKey());
    probe("POST", simulate, simulation("SIM-00000003", d.testIntegrationId(), "approved"), key);
    probe("POST", simulate, "{\"uid\":\"" + "A".repeat(70_000) + "\"}", key);
    Deployment limited = server.newDeployment();
    server.patchIntegration(limited.testIntegrationId(), "{\"rate_limit_per_minute\": 1}");
    for (String uid : List.of("SIM-00000004", "SIM-00000005")) {
      probe(
          "POST",
          simulate,
          simulation(uid, limited.testIntegrationId(), "expired"),
          limited.testKey());
    }
  }

  private static String simulation(String uid, String integration, String scenario) {
    return "{\"uid\":\""
        + uid
        + "\",\"integration_id\":\""
        + integration
        + "\",\"scenario\":\""
        + scenario
        + "\"}";
  }

  /** The applicant's link: open, not valid, expired without and with an Expired URL, completed. */
  private void applicantLinks(Deployment d) {
    String integration = d.productionIntegrationId();
    String key = d.productionKey();
    server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
    server.patchIntegration(
        integration,
        "{\"session_expiry_hours\": 1, \"show_completion_page\": false,"
            + " \"complete_url\": \"https://lender.example.com/done\"}");
    String open = token(key, integration, "LINK-00000001");
    String toExpire = token(key, integration, "LINK-00000002");
    String toRedirect = token(key, integration, "LINK-00000003");
    probe("GET", "/" + open, null, null);
    probe("GET", "/not-a-token", null, null);
    Applicant finishing = new Applicant(server, open);
    finishing.consent();
    finishing.playThrough();
    probe("GET", "/" + open, null, null);
    server.clock().advance(Duration.ofHours(2));
    probe("GET", "/" + toExpire, null, null);
    server.patchIntegration(integration, "{\"expired_url\": \"https://lender.example.com/late\"}");
    probe("GET", "/" + toRedirect, null, null);
  }

  private String token(String key, String integration, String uid) {
    return json(server.createSession(key, sessionBody(uid, integration)))
        .get("access_token")
        .asText();
  }

  /** Sends a request, records its status against the documented operation, checks the answer. */
  /** The id of the erasure notice of CUST-00000007 once it is sent (no URL: NO_WEBHOOK). */
  private String sentErasureNotice(String key) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode page =
          json(
              server.send(
                  "GET",
                  "/v1/webhooks-management/events?type=session.erased&status=NO_WEBHOOK",
                  null,
                  "api-key",
                  key));
      if (page.at("/events/0/id").isTextual()) {
        return page.at("/events/0/id").asText();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the erasure notice of CUST-00000007 was never sent");
  }

  private HttpResponse<String> probe(String method, String path, String body, String apiKey) {
    HttpResponse<String> response =
        apiKey == null
            ? server.send(method, path, body, "Content-Type", "application/json")
            : server.send(
                method, path, body, "Content-Type", "application/json", "api-key", apiKey);
    String operation = operationOf(method, path.replaceFirst("\\?.*", ""));
    String status = String.valueOf(response.statusCode());
    provoked.computeIfAbsent(operation, o -> new TreeSet<>()).add(status);
    JsonNode documented = resolve(responses(operation).path(status));
    assertThat(documented.isMissingNode())
        .as("%s answered %s, which is not documented: %s", operation, status, response.body())
        .isFalse();
    checkBody(operation, status, documented.path("content"), response);
    return response;
  }

  private void checkBody(
      String operation, String status, JsonNode content, HttpResponse<String> r) {
    String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    assertThat(content.has(type))
        .as("%s %s answered %s; documented: %s", operation, status, type, content)
        .isTrue();
    if (type.equals("application/json")) {
      assertThat(schemas.problems(json(r), content.get(type).path("schema")))
          .as("%s %s answered %s", operation, status, r.body())
          .isEmpty();
    }
  }

  private JsonNode resolve(JsonNode node) {
    return schemas.resolve(node);
  }

  private Set<String> documentedOperations() {
    Set<String> operations = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (m.matches("get|post|put|patch|delete")) {
                  operations.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
              });
    }
    return operations;
  }

  private JsonNode responses(String operation) {
    String[] parts = operation.split(" ", 2);
    return document
        .at("/paths")
        .get(parts[1])
        .get(parts[0].toLowerCase(Locale.ROOT))
        .get("responses");
  }

  /** The documented operation a concrete request falls under. */
  private String operationOf(String method, String path) {
    Map<String, String> byPattern = new LinkedHashMap<>();
    for (String operation : documentedOperations()) {
      String template = operation.substring(operation.indexOf(' ') + 1);
      byPattern.put(operation, template.replaceAll("\\{[^}]+}", "[^/]+"));
    }
    // Literal paths first, so /openapi.json is not taken for an access token.
    return byPattern.entrySet().stream()
        .sorted(
            (a, b) ->
                Boolean.compare(a.getValue().contains("[^/]+"), b.getValue().contains("[^/]+")))
        .filter(e -> e.getKey().startsWith(method + " "))
        .filter(e -> path.matches(e.getValue()))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no documented operation for " + method + " " + path));
  }

  /** The tags of the operations of {@code pathItems} (the document's paths or webhooks). */
  private static Set<String> tagsOf(JsonNode pathItems) {
    Set<String> tags = new TreeSet<>();
    pathItems.forEach(
        item -> item.forEach(op -> op.path("tags").forEach(t -> tags.add(t.asText()))));
    return tags;
  }

  /** {@code GET /v1/results/{uid}} as {@code GET /v1/results/{}}: parameter names aside. */
  private static String shape(String operation) {
    return operation.replaceAll("\\{[^}]+}", "{}");
  }

  private static JsonNode json(HttpResponse<String> response) {
    return RunningServer.json(response);
  }
}
