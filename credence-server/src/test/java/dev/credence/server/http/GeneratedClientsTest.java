package dev.credence.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.Prerequisites;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.openapitools.codegen.config.GlobalSettings;
import org.slf4j.LoggerFactory;

/**
 * docs/openapi.json as a lender's team uses it with code generators: openapi-generator writes a
 * Python client and a TypeScript (fetch) client, as docs/integration-guide.md#generating-a-client
 * says; the Python one compiles and imports, the TypeScript one compiles with tsc. Each then talks
 * to the real server (creates a session, reads that session's result once the applicant finished,
 * lists results, makes the webhook test call, gets documented errors as errors) and reads every
 * kind of webhook body the server sends with its generated models, losing nothing.
 *
 * <p>It needs node with the npm packages the build installs into target/openapi-tools, and a
 * python3 with the generated client's libraries (pydantic 2, urllib3, python-dateutil,
 * typing-extensions); under {@code CI=true} it fails without them, elsewhere it skips loudly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DOCUMENT =
      Path.of("..", "docs", "openapi.json").toAbsolutePath().normalize();
  private static final Path TOOLS = Path.of("target", "openapi-tools").toAbsolutePath();
  private static final Path CLIENTS = Path.of("target", "generated-clients").toAbsolutePath();
  private static final String TESTS = "Generated-client tests (GeneratedClientsTest)";
  private static final String NODE_HINT =
      "install Node.js and npm (apt-get install -y npm); the build installs typescript and"
          + " @apidevtools/swagger-parser into target/openapi-tools (mvn verify)";
  private static final String PYTHON_CHECK =
      "import pydantic, urllib3, dateutil, typing_extensions;"
          + " assert int(pydantic.VERSION.split('.')[0]) >= 2, 'pydantic ' + pydantic.VERSION";

  /** How long after scoring a result enters GET /v1/results (its description in the document). */
  private static final Duration RESULTS_LISTED_AFTER = Duration.ofSeconds(11);

  private RunningServer server;
  private Path webhooks;
  private ArrayNode webhookBodies;

  @BeforeAll
  void start() throws IOException {
    // The generator tells of every file it writes; its warnings stay.
    ((Logger) LoggerFactory.getLogger("org.openapitools")).setLevel(Level.WARN);
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    everyKindOfWebhook();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theDocumentPassesTheOpenApiSchemaCheckOfSwaggerParserForJavaScript() throws Exception {
    requireNodeTools();
    String validate =
        "require('@apidevtools/swagger-parser').validate(process.argv[1]).then("
            + " () => console.log('valid'),"
            + " (e) => { console.error(e.message); process.exitCode = 1; })";

    assertThat(run(TOOLS, List.of("node", "-e", validate, DOCUMENT.toString())).trim())
        .isEqualTo("valid");
  }

  @Test
  void thePythonClientImportsAndTalksToTheServer() throws Exception {
    String python = pythonWithTheClientLibraries();
    Path client = generate("python", Map.of("packageName", "credence_client"));
    copyScript("check.py", client);

    assertThat(client.resolve("credence_client/api/webhook_events_api.py")).doesNotExist();
    run(client, List.of(python, "-m", "compileall", "-q", "credence_client"));
    JsonNode read = talksToTheServer(client, List.of(python, "check.py"));
    // Each documented error is raised with its body read into the documented model.
    assertThat(read.get("refusals"))
        .extracting(r -> r.get("model").asText())
        .containsExactly(
            "ResultNotFoundError", "SessionRequestInvalidError", "IntegrationForbiddenError");
    assertThat(modelFiles(client.resolve("credence_client/models"), ".py"))
        .as("the generated models")
        .containsAll(
            errorBodySchemas().stream()
                .map(name -> name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT))
                .toList())
        .noneMatch(m -> m.matches("[a-z0-9_]+\\d{3}_response|inline_object\\d*"));
    readsEveryWebhook(client, List.of(python, "check.py"));
  }

  @Test
  void theTypeScriptClientCompilesAndTalksToTheServer() throws Exception {
    requireNodeTools();
    Path client = generate("typescript-fetch", Map.of());
    copyScript("check.ts", client);
    Files.writeString(
        client.resolve("tsconfig.json"),
        """
        {
          "compilerOptions": {
            "target": "ES2020", "module": "commonjs", "lib": ["ES2020", "DOM"],
            "strict": true, "noEmitOnError": true, "skipLibCheck": true, "outDir": "out"
          },
          "include": ["**/*.ts"], "exclude": ["out"]
        }
        """);

    // Webhook events are what Credence sends, not calls
    // (docs/decisions/0028-openapi-for-generators.md).
    assertThat(client.resolve("apis/WebhookEventsApi.ts")).doesNotExist();
    run(client, List.of("node", tsc().toString(), "-p", "."));
    assertThat(modelFiles(client.resolve("models"), ".ts"))
        .as("the generated models")
        .containsAll(errorBodySchemas())
        .noneMatch(m -> m.matches("\\w+\\d{3}Response|InlineObject\\d*"));
    talksToTheServer(client, List.of("node", "out/check.js"));
    readsEveryWebhook(client, List.of("node", "out/check.js"));
  }

  /**
   * The script's create and read steps against a new deployment, the applicant finishing between
   * them; each answer compared with what the server says on the wire. The read step's answer.
   */
  private JsonNode talksToTheServer(Path client, List<String> script) throws Exception {
    Deployment d = server.newDeployment();
    String key = d.productionKey();
    String integration = d.productionIntegrationId();
    String uid = "GEN-00000001";
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
      server.patchIntegration(integration, "{\"webhook_url\": \"" + receiver.url() + "\"}");

      JsonNode made = json(run(client, with(script, "create", base(), key, integration, uid)));
      assertThat(made.get("url").asText()).isNotEmpty();
      assertThat(made.get("redirect_url").asText())
          .isEqualTo(server.baseUrl() + "/" + made.get("access_token").asText());
      new Applicant(server, made.get("access_token").asText()).finish();
      server.clock().advance(RESULTS_LISTED_AFTER);

      JsonNode read =
          json(
              run(
                  client,
                  with(script, "read", base(), key, integration, uid, d.testIntegrationId())));
      assertThat(read.get("result")).isEqualTo(wire("/v1/results/" + uid, key));
      assertThat(read.at("/result/status").asText()).isEqualTo("completed");
      assertThat(read.at("/result/details/calculated/score").isInt()).isTrue();
      assertThat(read.get("page")).isEqualTo(wire("/v1/results?limit=10", key));
      assertThat(read.at("/page/results/0/uid").asText()).isEqualTo(uid);
      assertThat(read.at("/webhook_test/webhook_receiver_status_code").asInt()).isEqualTo(200);
      assertThat(read.at("/webhook_test/detail").asText()).isNotEmpty();
      assertThat(receiver.received())
          .anySatisfy(r -> assertThat(r.text()).contains("\"type\":\"webhook.test\""));
      assertThat(read.get("refusals"))
          .extracting(r -> r.get("status").asInt() + " " + r.get("code").asText())
          .containsExactly("404 uid_not_found", "422 uid_date", "403 integration_forbidden");
      return read;
    }
  }

  /** The script's parse step: every kind of webhook body, read with its model and written back. */
  private void readsEveryWebhook(Path client, List<String> script) throws Exception {
    JsonNode parsed = json(run(client, with(script, "parse", webhooks.toString())));

    assertThat(parsed.size()).isEqualTo(webhookBodies.size());
    for (int i = 0; i < parsed.size(); i++) {
      JsonNode sent = webhookBodies.get(i);
      assertThat(parsed.get(i))
          .as("%s read and written back", sent.get("model").asText())
          .isEqualTo(JSON.readTree(sent.get("body").asText()));
    }
  }

  /**
   * Every kind of webhook the document describes, as the server sent them, with the schema that
   * describes each: a JSON file of {@code {"model", "body"}} for the scripts' parse step.
   */
  private void everyKindOfWebhook() throws IOException {
    JsonNode document = JSON.readTree(DOCUMENT.toFile());
    webhookBodies = JSON.createArrayNode();
    for (WebhookReceiver.Received delivery : EveryWebhook.provoke(server)) {
      String type = JSON.readTree(delivery.body()).at("/event/type").asText();
      String schema =
          document
              .at("/webhooks")
              .path(type)
              .at("/post/requestBody/content/application~1json/schema/$ref")
              .asText();
      assertThat(schema).as("the schema of %s", type).isNotEmpty();
      webhookBodies
          .addObject()
          .put("model", schema.substring(schema.lastIndexOf('/') + 1))
          .put("body", delivery.text());
    }
    Files.createDirectories(CLIENTS);
    webhooks = CLIENTS.resolve("webhooks.json");
    Files.writeString(webhooks, webhookBodies.toString(), StandardCharsets.UTF_8);
  }

  /** A client written by openapi-generator into a fresh target/generated-clients/{generator}. */
  private static Path generate(String generator, Map<String, Object> options) throws IOException {
    Path out = CLIENTS.resolve(generator);
    deleteTree(out);
    CodegenConfigurator configurator =
        new CodegenConfigurator()
            .setGeneratorName(generator)
            .setInputSpec(DOCUMENT.toString())
            .setOutputDir(out.toString())
            .setAdditionalProperties(new HashMap<>(options));
    // As docs/integration-guide.md says: operations, models and the package, no webhook
    // operations (the generators write broken code for them), no docs or tests.
    for (String part : List.of("apis", "models", "supportingFiles")) {
      configurator.addGlobalProperty(part, "");
    }
    for (String part : List.of("apiDocs", "modelDocs", "apiTests", "modelTests")) {
      configurator.addGlobalProperty(part, "false");
    }
    try {
      List<File> written = new DefaultGenerator().opts(configurator.toClientOptInput()).generate();
      assertThat(written).isNotEmpty();
    } finally {
      GlobalSettings.reset();
    }
    return out;
  }

  /**
   * The names of the schemas of the document's JSON error responses (4xx and 5xx), each a component
   * (docs/decisions/0028-openapi-for-generators.md), so a generated client has a model of that name
   * for it.
   */
  private static Set<String> errorBodySchemas() throws IOException {
    JsonNode document = JSON.readTree(DOCUMENT.toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode item : document.get("paths")) {
      for (JsonNode operation : item) {
        operation
            .path("responses")
            .fields()
            .forEachRemaining(
                r -> {
                  JsonNode response = r.getValue();
                  String ref = response.path("$ref").asText();
                  if (!ref.isEmpty()) {
                    response = document.at(ref.substring(1));
                  }
                  String schema = response.at("/content/application~1json/schema/$ref").asText();
                  if (r.getKey().matches("[45]\\d\\d") && !schema.isEmpty()) {
                    names.add(schema.substring(schema.lastIndexOf('/') + 1));
                  }
                });
      }
    }
    assertThat(names).isNotEmpty();
    return names;
  }

  /** The models a generated client has: the names of the files in {@code models}. */
  private static List<String> modelFiles(Path models, String extension) throws IOException {
    try (Stream<Path> files = Files.list(models)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(extension) && !f.startsWith("index.") && !f.startsWith("__"))
          .map(f -> f.substring(0, f.length() - extension.length()))
          .toList();
    }
  }

  private static void copyScript(String name, Path client) throws IOException {
    try (InputStream script =
        GeneratedClientsTest.class.getResourceAsStream("/generated-clients/" + name)) {
      Files.copy(script, client.resolve(name));
    }
  }

  private static void requireNodeTools() throws IOException, InterruptedException {
    if (exitCode(List.of("node", "--version")) != 0) {
      Prerequisites.missing(TESTS, "node is not installed", NODE_HINT);
    }
    for (String tool : List.of("typescript", "@apidevtools/swagger-parser")) {
      if (!Files.isDirectory(TOOLS.resolve("node_modules").resolve(tool))) {
        Prerequisites.missing(TESTS, tool + " is not in " + TOOLS, NODE_HINT);
      }
    }
  }

  private static Path tsc() {
    return TOOLS.resolve("node_modules/typescript/bin/tsc");
  }

  /**
   * A python3 that has the generated client's libraries: the one on the PATH, else Debian's
   * (python3-pydantic and its friends install there).
   */
  private static String pythonWithTheClientLibraries() throws IOException, InterruptedException {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      if (exitCode(List.of(python, "-c", PYTHON_CHECK)) == 0) {
        return python;
      }
    }
    Prerequisites.missing(
        TESTS,
        "no python3 with pydantic 2, urllib3, python-dateutil and typing-extensions",
        "from Debian 13 on: apt-get install -y python3-pydantic python3-urllib3"
            + " python3-dateutil python3-typing-extensions (Debian 12's python3-pydantic is 1.x)");
    throw new AssertionError("unreachable");
  }

  private String base() {
    return server.baseUrl();
  }

  /** The server's own answer to a GET with {@code key}. */
  private JsonNode wire(String path, String key) {
    return RunningServer.json(server.send("GET", path, null, "api-key", key));
  }

  private static List<String> with(List<String> command, String... args) {
    return Stream.concat(command.stream(), Stream.of(args)).toList();
  }

  private static JsonNode json(String output) throws IOException {
    return JSON.readTree(output);
  }

  /** Runs {@code command} in {@code directory}; its standard output. Fails unless it exits 0. */
  private static String run(Path directory, List<String> command)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("generated-client-", ".out");
    Path errors = Files.createTempFile("generated-client-", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      boolean ended = process.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        process.destroyForcibly().waitFor();
      }
      String said =
          Files.readString(output, StandardCharsets.UTF_8)
              + Files.readString(errors, StandardCharsets.UTF_8);
      assertThat(ended).as("%s did not end within 60 s: %s", command, said).isTrue();
      assertThat(process.exitValue()).as("%s said: %s", command, said).isZero();
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(output);
      Files.deleteIfExists(errors);
    }
  }

  private static int exitCode(List<String> command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor();
    } catch (IOException notFound) {
      return -1;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
