package dev.credence.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RawSocket;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every answer carries the security headers, and Strict-Transport-Security when the public URL is
 * https (unless CREDENCE_HSTS=false): routes, errors, static files, dashboard pages, and the
 * answers Jetty writes itself for requests it cannot parse.
 */
class SecurityHeadersTest {
  private static final String HTTPS = "https://credence.lender.example";

  @Test
  void hstsOnEveryAnswerWhenThePublicUrlIsHttps() {
    try (RunningServer server = RunningServer.start(TestDatabase.H2, publicUrl(HTTPS))) {
      for (HttpResponse<String> answer : answers(server)) {
        assertThat(answer.headers().firstValue(SecurityHeaders.HSTS))
            .as("%s %s", answer.request().uri(), answer.statusCode())
            .contains("max-age=31536000");
      }
      for (RawSocket.Answer answer : jettyAnswers(server)) {
        assertThat(answer.header(SecurityHeaders.HSTS)).isEqualTo("max-age=31536000");
      }
    }
  }

  @Test
  void noHstsWhenSwitchedOff() {
    Map<String, String> env = Map.of("CREDENCE_PUBLIC_URL", HTTPS, "CREDENCE_HSTS", "false");
    try (RunningServer server = RunningServer.start(TestDatabase.H2, env)) {
      assertNoHsts(server);
    }
  }

  @Test
  void noHstsWhenThePublicUrlIsHttp() {
    Map<String, String> env = publicUrl("http://credence.lender.example");
    try (RunningServer server = RunningServer.start(TestDatabase.H2, env)) {
      assertNoHsts(server);
    }
  }

  @Test
  void jettysOwnErrorAnswersCarryTheSecurityHeadersAndOurBody() {
    try (RunningServer server = RunningServer.start(TestDatabase.H2)) {
      List<RawSocket.Answer> answers = jettyAnswers(server);
      assertThat(answers).extracting(RawSocket.Answer::status).containsExactly(400, 431);
      for (RawSocket.Answer answer : answers) {
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(answer.header(HttpEdge.REQUEST_ID)).matches("[0-9a-f]{16}");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.parseObject(answer.body().getBytes());
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.get("code").asText())
            .isEqualTo(answer.status() == 400 ? "bad_request" : "headers_too_large");
      }
    }
  }

  private static void assertNoHsts(RunningServer server) {
    for (HttpResponse<String> answer : answers(server)) {
      assertThat(answer.headers().firstValue(SecurityHeaders.HSTS))
          .as("%s %s", answer.request().uri(), answer.statusCode())
          .isEqualTo(Optional.empty());
      // the other headers are there: the answers checked are the ones that carry headers at all
      assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    for (RawSocket.Answer answer : jettyAnswers(server)) {
      assertThat(answer.header(SecurityHeaders.HSTS)).isNull();
      assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }

  /** An API answer, an API error, a wrong method, a static file and a dashboard page. */
  private static List<HttpResponse<String>> answers(RunningServer server) {
    List<HttpResponse<String>> answers =
        List.of(
            server.get("/health/live"),
            server.get("/v1/no-such-endpoint"),
            server.send("DELETE", "/health/live", null),
            server.get("/assets/console.css"),
            new ConsoleClient(server).get("/console/login"));
    assertThat(answers)
        .extracting(HttpResponse::statusCode)
        .containsExactly(200, 404, 405, 200, 200);
    return answers;
  }

  /** Requests Jetty refuses before any route runs: a garbage request line, huge headers. */
  private static List<RawSocket.Answer> jettyAnswers(RunningServer server) {
    int port = server.config().port();
    try (RawSocket garbage = RawSocket.open("127.0.0.1", port);
        RawSocket huge = RawSocket.open("127.0.0.1", port)) {
      garbage.send("THIS IS NOT HTTP\r\n\r\n");
      huge.send(
          "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Huge: "
              + "x".repeat(64 * 1024)
              + "\r\n\r\n");
      return List.of(garbage.read(), huge.read());
    }
  }

  private static Map<String, String> publicUrl(String url) {
    return Map.of("CREDENCE_PUBLIC_URL", url);
  }
}
