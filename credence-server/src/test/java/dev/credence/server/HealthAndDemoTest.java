package dev.credence.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.config.Config;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health probes, the JSON 404, and the demo a first start on the embedded default prints. */
class HealthAndDemoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @TempDir Path dataDir;

  // ---------------------------------------------------------------- health and 404

  @Test
  void healthProbesAnswerJson() {
    try (RunningServer server = RunningServer.start(TestDatabase.H2)) {
      HttpResponse<String> live = server.get("/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertJson(live);
      assertThat(RunningServer.json(live).get("status").asText()).isEqualTo("UP");

      HttpResponse<String> ready = server.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertJson(ready);
      assertThat(RunningServer.json(ready).get("status").asText()).isEqualTo("UP");
      assertThat(RunningServer.json(ready).get("database").asText()).isEqualTo("UP");

      // Probes need no credentials.
      assertThat(live.request().headers().firstValue("Authorization")).isEmpty();
    }
  }

  @Test
  void anUnknownApiPathIsAJson404() {
    try (RunningServer server = RunningServer.start(TestDatabase.H2)) {
      for (String[] call :
          List.of(
              new String[] {"GET", "/v1/nope"},
              new String[] {"POST", "/v1/nope"},
              new String[] {"GET", "/v1/sessions-management/nope"},
              new String[] {"GET", "/health/nope"})) {
        HttpResponse<String> response =
            server.send(call[0], call[1], call[0].equals("POST") ? "{}" : null);
        assertThat(response.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(404);
        assertJson(response);
        JsonNode body = RunningServer.json(response);
        assertThat(body.get("code").asText()).isEqualTo("not_found");
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
      }
      // A known path with the wrong method says so, in JSON too.
      HttpResponse<String> wrongMethod = server.get("/v1/sessions-management/tokens");
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertJson(wrongMethod);
      assertThat(RunningServer.json(wrongMethod).get("code").asText())
          .isEqualTo("method_not_allowed");
    }
  }

  // ---------------------------------------------------------------- the demo

  @Test
  void aFirstStartOnTheEmbeddedDefaultPrintsAWorkingDemoOnce() throws Exception {
    Map<String, String> env =
        Map.of(
            "CREDENCE_DATA_DIR", dataDir.toString(),
            "CREDENCE_PORT", String.valueOf(RunningServer.freePort()));
    Config config = Config.fromEnvironment(env);
    assertThat(config.demoOnFirstStart()).isTrue();

    String printed;
    try (Application app = Application.start(config, Clock.systemUTC())) {
      printed = demo(config, app);
      assertThat(printed).isNotBlank();
      Matcher integration =
          Pattern.compile("Test integration id: +([0-9a-f]{24})").matcher(printed);
      assertThat(integration.find()).as(printed).isTrue();
      Matcher key = Pattern.compile("Test API key: +(crd_test_[0-9A-Za-z]{40})").matcher(printed);
      assertThat(key.find()).as(printed).isTrue();
      assertThat(printed).contains("curl").contains(config.publicUrl());

      // The printed curl, sent as printed, creates a session.
      Curl curl = Curl.parse(printed);
      assertThat(curl.method()).isEqualTo("POST");
      assertThat(curl.url()).isEqualTo(config.publicUrl() + "/v1/sessions-management/tokens");
      assertThat(curl.headers()).contains("api-key: " + key.group(1));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(curl.url())).timeout(Duration.ofSeconds(10));
      for (String header : curl.headers()) {
        int colon = header.indexOf(':');
        request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
      }
      request.method(curl.method(), HttpRequest.BodyPublishers.ofString(curl.data()));
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode session = JSON.readTree(response.body());
      String token = session.get("access_token").asText();
      assertThat(token).isNotBlank();
      assertThat(session.get("url").asText()).isEqualTo(config.publicUrl());

      // ... and its link opens.
      HttpResponse<String> page =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(config.publicUrl() + "/" + token)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);

      // The demo company is a real company, seen by the operator API.
      HttpResponse<String> companies =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(config.publicUrl() + "/v1/admin/companies"))
                  .header("Authorization", "Bearer " + config.operatorToken().value())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(companies.body()).get("companies")).hasSize(1);

      // The printed dashboard invitation opens the page where the demo Admin picks a password.
      Matcher invitation =
          Pattern.compile("(" + Pattern.quote(config.publicUrl()) + "/console/invitations/\\S+)")
              .matcher(printed);
      assertThat(invitation.find()).as(printed).isTrue();
      HttpResponse<String> join =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(invitation.group(1))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(join.statusCode()).isEqualTo(200);
      assertThat(join.body()).contains("Join Demo company").contains(DemoSetup.DEMO_ADMIN);

      // Called again in the same run: nothing.
      assertThat(demo(config, app)).isEmpty();
    }

    // The second start on the same data directory prints nothing and adds nothing.
    Config again = Config.fromEnvironment(env);
    try (Application app = Application.start(again, Clock.systemUTC())) {
      assertThat(demo(again, app)).isEmpty();
      assertThat(app.deployments().listCompanies()).hasSize(1);
    }
  }

  @Test
  void noDemoWhenSwitchedOff() {
    Map<String, String> env =
        Map.of(
            "CREDENCE_DATA_DIR", dataDir.toString(),
            "CREDENCE_PORT", String.valueOf(RunningServer.freePort()),
            "CREDENCE_DEMO", "false");
    Config config = Config.fromEnvironment(env);
    try (Application app = Application.start(config, Clock.systemUTC())) {
      assertThat(demo(config, app)).isEmpty();
      assertThat(app.deployments().hasAnyCompany()).isFalse();
    }
  }

  @Test
  void noDemoOnAStoreThatAlreadyHasACompany() {
    Map<String, String> env =
        Map.of(
            "CREDENCE_DATA_DIR", dataDir.toString(),
            "CREDENCE_PORT", String.valueOf(RunningServer.freePort()));
    Config config = Config.fromEnvironment(env);
    try (Application app = Application.start(config, Clock.systemUTC())) {
      app.deployments().createCompany("Existing lender");
      assertThat(demo(config, app)).isEmpty();
      assertThat(app.deployments().listCompanies()).hasSize(1);
    }
  }

  private static String demo(Config config, Application app) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      DemoSetup.runIfFirstStart(config, app.deployments(), app.accounts(), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void assertJson(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
  }

  /** The curl command in printed text, read the way a POSIX shell reads it. */
  record Curl(String method, String url, List<String> headers, String data) {
    static Curl parse(String text) {
      int start = text.indexOf("curl ");
      assertThat(start).as("a curl command in: %s", text).isGreaterThanOrEqualTo(0);
      List<String> words = shellWords(text.substring(start));
      String method = "GET";
      String url = null;
      String data = null;
      List<String> headers = new ArrayList<>();
      for (int i = 1; i < words.size(); i++) {
        String w = words.get(i);
        switch (w) {
          case "-s", "--silent" -> {}
          case "-X", "--request" -> method = words.get(++i);
          case "-H", "--header" -> headers.add(words.get(++i));
          case "-d", "--data" -> {
            data = words.get(++i);
            if (method.equals("GET")) {
              method = "POST";
            }
          }
          default -> {
            assertThat(w).as("unexpected curl word").doesNotStartWith("-");
            assertThat(url).as("a second URL: " + w).isNull();
            url = w;
          }
        }
      }
      return new Curl(method, url, headers, data);
    }

    /** Words of one command: single quotes, backslash-newline continuations, ends at a newline. */
    private static List<String> shellWords(String text) {
      List<String> words = new ArrayList<>();
      StringBuilder word = null;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
          continue;
        }
        if (c == '\n') {
          break;
        }
        if (c == '\'') {
          int end = text.indexOf('\'', i + 1);
          assertThat(end).as("unclosed quote").isPositive();
          if (word == null) {
            word = new StringBuilder();
          }
          word.append(text, i + 1, end);
          i = end;
        } else if (Character.isWhitespace(c)) {
          if (word != null) {
            words.add(word.toString());
            word = null;
          }
        } else {
          if (word == null) {
            word = new StringBuilder();
          }
          word.append(c);
        }
      }
      if (word != null) {
        words.add(word.toString());
      }
      return words;
    }
  }
}
