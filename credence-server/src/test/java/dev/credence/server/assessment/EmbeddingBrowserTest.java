package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.DocBlocks;
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
 * A lender's page on another site frames the assessment: the host page of docs/embedding.md, as
 * written but for its two addresses, is served from {@code http://127.0.0.1:PORT}, the assessment
 * from {@code http://localhost:PORT}, so the frame is cross-site, as a lender's app and Credence
 * are. The applicant takes or declines the assessment inside the frame, a refused answer shows its
 * message there (its cookie survives the frame), and the host page receives {@code
 * credence:finished} with the status and nothing else, and goes on to its next step. Without the
 * setting, or with another origin in it, the browser refuses the frame. axe-core finds nothing
 * wrong with the framed pages, on a laptop (1366 by 768) and a phone (390 by 844). Screenshots
 * under {@code target/screenshots/EmbeddingBrowserTest/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DECLINE = By.cssSelector("button[name=decision][value=decline]");
  private static final By CONFIRM =
      By.cssSelector("button[name=decision][value=decline_confirmed]");

  private static final Path GUIDE =
      Path.of(System.getProperty("basedir", "."), "..", "docs", "embedding.md");

  /** Where the guide's host page goes once the assessment ended. */
  private static final String NEXT_PAGE =
      "<!DOCTYPE html><html lang=\"en\"><head><title>Next step</title></head>"
          + "<body><main><h1>Next step</h1></main></body></html>";

  private RunningServer server;
  private HttpServer host;
  private volatile String framed;
  private Path screenshots;

  @BeforeAll
  void start() throws IOException {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String example = DocBlocks.read(GUIDE).get("iframe");
    assertThat(example).as("docs/embedding.md's host page").isNotNull();
    host.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String html =
              path.equals("/")
                  ? hostPage(example, framed)
                  : path.equals("/application/next") ? NEXT_PAGE : "";
          byte[] page = html.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(html.isEmpty() ? 404 : 200, page.length);
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
      browser.driver().switchTo().frame(browser.find("iframe"));
      assertThat(browser.axeViolations()).as("axe-core: a refused page in a frame").isEmpty();

      browser.js(
          "document.querySelectorAll('input[type=radio][value=\"4\"]').forEach(r => r.click())");
      // The thank-you page tells the host, which goes on to its next step at once.
      browser.find("form[action$=\"/questionnaire\"] button[type=submit]").click();
      browser.driver().switchTo().defaultContent();
      assertThat(messages(browser, "completed")).containsExactly(finished("completed"));
      shot(browser, "02-laptop-host-went-on");
      assertThat(quiet(browser)).as("the browser's console").isEmpty();

      browser.open(link);
      assertThat(browser.find("h1").getText()).isEqualTo("Already finished");
      assertThat(browser.axeViolations()).as("axe-core: an end page").isEmpty();
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
      browser.driver().switchTo().frame(browser.find("iframe"));
      assertThat(browser.axeViolations()).as("axe-core: decline in a frame").isEmpty();
      browser.driver().findElement(CONFIRM).click();
      browser.driver().switchTo().defaultContent();
      // Posted to the parent's origin only, of the two the environment names.
      assertThat(messages(browser, "cancelled")).containsExactly(finished("cancelled"));
      shot(browser, "04-phone-host-went-on");
      assertThat(quiet(browser)).as("the browser's console").isEmpty();

      browser.open(link);
      assertThat(browser.find("h1").getText()).isEqualTo("Assessment stopped");
      assertThat(browser.axeViolations()).as("axe-core: an end page").isEmpty();
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
        assertThat(messages(browser, null)).isEmpty();
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
    assertThat(browser.driver().getTitle()).isEqualTo("Your loan application");
    browser.driver().switchTo().frame(browser.find("iframe"));
    browser.waitForPage();
  }

  /**
   * What the host page received (origin and data): once the guide's page went on to its next step
   * for {@code status}; or, with {@code status} null, after a wait in which it stayed.
   */
  private List<Object> messages(Browser browser, String status) {
    String next = hostOrigin() + "/application/next?assessment=" + status;
    if (status == null) {
      sleep(Duration.ofSeconds(2));
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(hostOrigin() + "/");
    } else {
      browser.wait(Duration.ofSeconds(10)).until(d -> next.equals(d.getCurrentUrl()));
      browser.waitForPage();
      assertThat(browser.driver().getTitle()).isEqualTo("Next step");
    }
    Object received = browser.js("return JSON.parse(sessionStorage.getItem('received') || '[]')");
    return new java.util.ArrayList<>((List<?>) received);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
   * The guide's host page, framing {@code link} and trusting this server's origin, with a recorder
   * of every message from that origin kept as it came (origin and data) in the page's session
   * storage, which its next page, of the same origin, reads.
   */
  private String hostPage(String example, String link) {
    String recorder =
        "<script>window.addEventListener('message', function (e) {"
            + " if (e.origin !== '"
            + server.baseUrl()
            + "') { return; }"
            + " var kept = JSON.parse(sessionStorage.getItem('received') || '[]');"
            + " kept.push({origin: e.origin, data: e.data});"
            + " sessionStorage.setItem('received', JSON.stringify(kept)); });</script>";
    String page =
        example
            .replace("https://assess.lender.example/ACCESS_TOKEN", link)
            .replace("\"https://assess.lender.example\"", "\"" + server.baseUrl() + "\"");
    assertThat(page).doesNotContain("assess.lender.example");
    // Before the guide's own script, so the message is kept before the page goes on.
    return page.replace("<script>", recorder + "<script>");
  }
}
