package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * A lender's page on another site frames the assessment (docs/embedding.md): the host page is
 * served from {@code http://127.0.0.1:PORT}, the assessment from {@code http://localhost:PORT}, so
 * the frame is cross-site, as a lender's app and Credence are. The applicant takes or declines the
 * assessment inside the frame, a refused answer shows its message there (its cookie survives the
 * frame), and the host page receives {@code credence:finished} with the status and nothing else.
 * Without the setting, or with another origin in it, the browser refuses the frame. axe-core finds
 * nothing wrong with the framed pages, on a laptop (1366 by 768) and a phone (390 by 844).
 * Screenshots under {@code target/screenshots/EmbeddingBrowserTest/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DECLINE = By.cssSelector("button[name=decision][value=decline]");
  private static final By CONFIRM =
      By.cssSelector("button[name=decision][value=decline_confirmed]");

  private RunningServer server;
  private HttpServer host;
  private volatile String framed;
  private Path screenshots;

  @BeforeAll
  void start() throws IOException {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host.createContext(
        "/",
        exchange -> {
          byte[] page = hostPage(framed).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(
              exchange.getRequestURI().getPath().equals("/") ? 200 : 404, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    host.start();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "EmbeddingBrowserTest"));
  }

  @AfterAll
  void stop() {
    if (host != null) {
      host.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void onALaptopTheApplicantCompletesInTheFrameAndTheHostIsTold() {
    try (Browser browser = Browser.desktop("en-GB,en", 1366, 768)) {
      String link = newSession(List.of(hostOrigin()));
      openHost(browser, link);
      assertThat(browser.driver().findElements(ACCEPT)).as("consent, in the frame").hasSize(1);
      assertThat(browser.axeViolations()).as("axe-core: consent in a frame").isEmpty();
      browser.clickAndWait(browser.driver().findElement(ACCEPT));

      // Sent with nothing answered (past the browser's own check, as an older browser sends it):
      // the server's refusal shows in the frame, after the redirect, through its cookie.
      browser.js("document.querySelector('form[action$=\"/questionnaire\"]').noValidate = true");
      browser.clickAndWait(browser.find("form[action$=\"/questionnaire\"] button[type=submit]"));
      assertThat(browser.find("[role=alert]").getText()).isNotBlank();
      shot(browser, "01-laptop-refused-in-frame");
      browser.driver().switchTo().frame("credence");
      assertThat(browser.axeViolations()).as("axe-core: a refused page in a frame").isEmpty();

      browser.js(
          "document.querySelectorAll('input[type=radio][value=\"4\"]').forEach(r => r.click())");
      browser.clickAndWait(browser.find("form[action$=\"/questionnaire\"] button[type=submit]"));
      assertThat(browser.find("h1").getText()).isEqualTo("Thank you!");
      assertThat(browser.axeViolations()).as("axe-core: the thank-you page in a frame").isEmpty();

      browser.driver().switchTo().defaultContent();
      assertThat(messages(browser)).containsExactly(finished("completed"));
      shot(browser, "02-laptop-completed-host");
      assertThat(quiet(browser)).as("the browser's console").isEmpty();
    }
  }

  @Test
  void onAPhoneTheApplicantDeclinesInTheFrameAndTheHostIsTold() {
    try (Browser browser = Browser.phone("en-GB,en", 390, 844)) {
      String link = newSession(List.of("https://app.lender.example", hostOrigin()));
      openHost(browser, link);
      browser.clickAndWait(browser.driver().findElement(DECLINE));
      assertThat(browser.driver().findElements(CONFIRM)).hasSize(1);
      shot(browser, "03-phone-decline-in-frame");
      browser.driver().switchTo().frame("credence");
      assertThat(browser.axeViolations()).as("axe-core: decline in a frame").isEmpty();
      browser.clickAndWait(browser.driver().findElement(CONFIRM));
      assertThat(browser.find("h1").getText()).isEqualTo("Assessment stopped");
      assertThat(browser.axeViolations()).as("axe-core: the stopped page in a frame").isEmpty();

      browser.driver().switchTo().defaultContent();
      // Posted to the parent's origin only, of the two the environment names.
      assertThat(messages(browser)).containsExactly(finished("cancelled"));
      shot(browser, "04-phone-cancelled-host");
      assertThat(quiet(browser)).as("the browser's console").isEmpty();
    }
  }

  @Test
  void withoutTheSettingOrWithAnotherOriginTheBrowserRefusesTheFrame() {
    try (Browser browser = Browser.desktop("en-GB,en", 1366, 768)) {
      for (List<String> origins :
          List.of(List.<String>of(), List.of("https://app.lender.example"))) {
        String link = newSession(origins);
        openHost(browser, link);
        assertThat(browser.driver().findElements(ACCEPT))
            .as("%s: nothing in the frame", origins)
            .isEmpty();
        browser.driver().switchTo().defaultContent();
        List<String> console = quiet(browser);
        assertThat(console)
            .as("%s", origins)
            .anyMatch(
                line ->
                    line.contains("Framing '" + server.baseUrl() + "/' violates")
                        && line.contains(
                            "frame-ancestors " + (origins.isEmpty() ? "'none'" : origins.get(0))));
        assertThat(messages(browser)).isEmpty();
      }
      shot(browser, "05-refused-frame-host");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private String hostOrigin() {
    return "http://127.0.0.1:" + host.getAddress().getPort();
  }

  /** A session of a new deployment framed by {@code origins}: its link. */
  private String newSession(List<String> origins) {
    String list =
        origins.stream().map(o -> "\"" + o + "\"").reduce((a, b) -> a + "," + b).orElse("");
    return server
        .newSession(
            "{\"frame_ancestors\": ["
                + list
                + "], \"assessment\": "
                + Applicant.QUESTIONNAIRE_ONLY
                + "}",
            "EMB-B-" + UIDS.incrementAndGet())
        .get("redirect_url")
        .asText();
  }

  /** The host page framing {@code link}, with the driver inside the frame. */
  private void openHost(Browser browser, String link) {
    assertThat(link).startsWith("http://localhost:");
    framed = link;
    browser.open(hostOrigin() + "/");
    assertThat(browser.driver().getTitle()).isEqualTo("Lender app");
    browser.driver().switchTo().frame("credence");
    browser.waitForPage();
  }

  /** What the host page received, as origin and data, once at least one came or after a wait. */
  private List<Object> messages(Browser browser) {
    try {
      browser
          .wait(Duration.ofSeconds(3))
          .until(d -> ((Number) browser.js("return window.received.length")).intValue() > 0);
    } catch (org.openqa.selenium.TimeoutException none) {
      // none came: the caller says whether that is right
    }
    return new java.util.ArrayList<>((List<?>) browser.js("return window.received"));
  }

  private Object finished(String status) {
    return Map.of(
        "origin", server.baseUrl(), "data", Map.of("type", "credence:finished", "status", status));
  }

  /** The console's problems but the favicon the host page and the server do not have. */
  private static List<String> quiet(Browser browser) {
    return browser.consoleProblems().stream()
        .filter(line -> !(line.contains("/favicon.ico") && line.contains("404")))
        .toList();
  }

  private void shot(Browser browser, String name) {
    browser.driver().switchTo().defaultContent();
    browser.screenshot(screenshots.resolve(name + ".png"));
  }

  /**
   * A lender's page: the assessment in a frame, and every message the frame posts, kept as it came
   * (origin and data), only from Credence's origin as a host should.
   */
  private String hostPage(String link) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>Lender app</title>"
        + "<style>body{margin:0}iframe{border:0;width:100%;height:100vh;display:block}</style>"
        + "</head><body><main>"
        + "<iframe id=\"credence\" name=\"credence\" title=\"Credit assessment\" src=\""
        + link
        + "\"></iframe></main><script>"
        + "window.received = [];"
        + "window.addEventListener('message', function (e) {"
        + " if (e.origin !== '"
        + server.baseUrl()
        + "') { return; }"
        + " window.received.push({origin: e.origin, data: e.data}); });"
        + "</script></body></html>";
  }
}
