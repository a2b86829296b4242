package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.Browser.Box;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The results screen in a real browser (Debian's headless Chromium), on a laptop and on a phone:
 * sign in, search and filter, the score histogram, a result page with its trait chart, the CSV
 * download, re-opening an expired uid. Each step is saved under {@code
 * target/screenshots/console-results/}; at each the page must not scroll sideways and the console
 * must stay quiet (a Content-Security-Policy violation is logged there). The rules themselves are
 * tested over HTTP on both databases ({@link ResultPagesContract}).
 */
class ResultsBrowserTest extends ConsoleBrowserTest {
  /** The company's first Admin, invited by the operator; the browsers sign in as them. */
  private String email;

  private WebhookReceiver receiver;
  private Deployment deployment;
  private Path screenshots;
  private String device;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."), "target", "screenshots", "console-results"));
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    receiver = WebhookReceiver.start();
    Lender lender = new Lender(server);
    deployment = lender.deployment(receiver);
    String production = deployment.productionIntegrationId();
    lender.applicant(deployment.productionKey(), production, "BR-expired-01");
    lender.applicant(deployment.productionKey(), production, "BR-expired-02");
    server.clock().advance(Duration.ofHours(25));
    lender.awaitStatus(production, "BR-expired-01", "expired");
    lender.awaitStatus(production, "BR-expired-02", "expired");
    lender.applicant(deployment.productionKey(), production, "BR-agree-01").finish(5);
    lender.applicant(deployment.productionKey(), production, "BR-agree-02").finish(4);
    lender.applicant(deployment.productionKey(), production, "BR-disagree-01").finish(2);
    lender.applicant(deployment.productionKey(), production, "BR-declined-01").decline();
    lender.applicant(deployment.testKey(), deployment.testIntegrationId(), "BR-test-01");

    email = ConsoleClient.firstAdmin(server, deployment.companyId()).email();
  }

  @AfterAll
  void closeReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void onALaptop() throws IOException {
    browser = Browser.desktop("en", 1366, 768);
    device = "laptop";
    shots = 0;
    Path downloads = Files.createTempDirectory("credence-downloads-");
    browser
        .driver()
        .executeCdpCommand(
            "Browser.setDownloadBehavior",
            Map.of("behavior", "allow", "downloadPath", downloads.toString()));

    browser.signIn(server.baseUrl(), "/console/results", email, ConsoleClient.PASSWORD);
    assertThat(rows()).hasSize(6);
    assertThat(histogramBars()).isPositive();
    // Wide enough, the filters are open and their disclosure's summary is hidden.
    assertThat(browser.shown("details.filter-fold > summary")).isFalse();
    assertThat(browser.shown("#uid")).isTrue();
    // The count axis is labelled from 0 up, and the bars' figures are in a table.
    assertThat(texts("svg.histogram text.tick[text-anchor=end]"))
        .startsWith("0")
        .hasSizeGreaterThan(2);
    assertThat(browser.driver().findElements(By.cssSelector("table.histogram-table tbody tr")))
        .hasSize((int) histogramBars());
    step("results");
    browser.find("details.chart-data summary").click();
    assertThat(browser.find("table.histogram-table").isDisplayed()).isTrue();
    step("chart-table");

    browser.type("uid", "BR-agree");
    new Select(browser.driver().findElement(By.id("status"))).selectByValue("completed");
    browser.clickAndWait(browser.find("form.filters button[type=submit]"));
    assertThat(browser.driver().getCurrentUrl())
        .contains("uid=BR-agree")
        .contains("status=completed");
    assertThat(rows()).hasSize(2);
    assertThat(browser.find("svg.histogram").isDisplayed()).isTrue();
    step("filtered");

    browser
        .find("a[href$='export.csv?uid=BR-agree&status=completed']")
        .click(); // a download: no new page
    Path csv = awaitDownload(downloads);
    List<String> lines = Files.readAllLines(csv);
    assertThat(csv.getFileName().toString()).startsWith("results-production-").endsWith(".csv");
    assertThat(lines).hasSize(3);
    assertThat(lines.subList(1, 3)).allMatch(l -> l.startsWith("BR-agree-0"));

    browser.clickAndWait(browser.find("a[href$='/BR-agree-01']"));
    WebElement chart = browser.find("svg.meter");
    assertThat(chart.isDisplayed()).isTrue();
    assertThat(chart.getSize().getWidth()).isGreaterThan(100);
    assertThat(browser.driver().getPageSource()).contains("psychometric_score.complete");
    step("result");

    browser.open(server.baseUrl() + "/console/results?env=test");
    assertThat(browser.find("h1 .badge.test").getText()).isEqualTo("TEST");
    step("test-results");

    browser.open(server.baseUrl() + "/console/results?status=expired");
    browser.clickAndWait(browser.find("a[href$='/BR-expired-01']"));
    step("expired");
    browser.waitForNextPage(
        () -> {
          browser.find("form[action$='/reopen'] button").click();
          browser.wait(Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
        });
    String link = browser.find("#applicant-link").getAttribute("value");
    assertThat(link).startsWith(server.baseUrl() + "/");
    assertThat(server.get(URI.create(link).getPath()).statusCode()).isEqualTo(200);
    assertThat(browser.driver().getPageSource()).contains("status open");
    step("reopened");
  }

  @Test
  void onAPhone() {
    browser = Browser.phone("en", 390, 844);
    device = "phone";
    shots = 0;
    browser.signIn(server.baseUrl(), "/console/results?uid=BR-", email, ConsoleClient.PASSWORD);
    assertThat(rows()).hasSize(6);
    // The filters are folded away, saying how many are in use.
    assertThat(browser.find("details.filter-fold").getAttribute("open")).isNull();
    assertThat(browser.shown("#uid")).isFalse();
    assertThat(browser.find("details.filter-fold > summary").getText())
        .isEqualTo("Filters (1 in use)");
    // Each session is a card: its uid, status, score, band, confidence and date in sight.
    String card = "table.results tbody tr:has(a[href$='/BR-agree-01'])";
    Box screen =
        new Box(0, 0, ((Number) browser.js("return window.innerWidth")).doubleValue(), 1e6);
    for (String cell :
        List.of(
            "a",
            "td[data-label=Status]",
            "td[data-label=Score]",
            "td[data-label=Band]",
            "td[data-label=Confidence]",
            "td[data-label=Created]")) {
      Box box = browser.box(card + " " + cell);
      assertThat(screen.contains(box)).as("%s of the card at %s", cell, box).isTrue();
      assertThat(box.width()).as(cell).isPositive();
    }
    assertThat(browser.find(card + " td[data-label=Score]").getText()).matches("\\d+");
    assertThat(
            browser.js(
                "return getComputedStyle(arguments[0], '::before').content",
                browser.find(card + " td[data-label=Score]")))
        .as("the cell's label")
        .isEqualTo("\"Score\"");
    assertThat((Long) browser.js("return document.documentElement.scrollWidth - window.innerWidth"))
        .isLessThanOrEqualTo(0L);
    assertThat(browser.offTheSides("table.results td")).isEmpty();
    step("results");

    browser.find("details.filter-fold > summary").click();
    assertThat(browser.shown("#status")).isTrue();
    step("filters-open");
    new Select(browser.driver().findElement(By.id("status"))).selectByValue("expired");
    browser.clickAndWait(browser.find("form.filters button[type=submit]"));
    assertThat(rows()).isNotEmpty();
    step("expired");

    browser.open(server.baseUrl() + "/console/results?uid=BR-disagree-01");
    browser.clickAndWait(browser.find("a[href$='/BR-disagree-01']"));
    assertThat(browser.find("svg.meter").isDisplayed()).isTrue();
    step("result");
  }

  @Test
  void traitsInWordsOnALaptopAndAPhone() {
    for (String size : List.of("1366x768", "390x844")) {
      boolean laptop = size.equals("1366x768");
      browser = laptop ? Browser.desktop("en", 1366, 768) : Browser.phone("en", 390, 844);
      device = "words-" + size;
      shots = 0;
      browser.signIn(
          server.baseUrl(),
          "/console/results/" + deployment.productionIntegrationId() + "/BR-agree-01",
          email,
          ConsoleClient.PASSWORD);
      List<WebElement> traits = browser.driver().findElements(By.cssSelector("ul.traits li"));
      assertThat(traits).hasSize(6);
      WebElement conscientiousness =
          browser.find("ul.traits li:has(svg.meter[data-key='domain.C'])");
      assertThat(conscientiousness.findElement(By.cssSelector(".trait-name")).getText())
          .isEqualTo("Conscientiousness");
      assertThat(conscientiousness.findElement(By.cssSelector(".term-key")).getText())
          .isEqualTo("domain.C");
      assertThat(conscientiousness.findElement(By.cssSelector(".trait-meaning")).getText())
          .isEqualTo("Organised, dependable, careful");
      assertThat(conscientiousness.findElement(By.cssSelector(".trait-effect")).getText())
          .isEqualTo("The higher, the lower the risk.");
      assertThat(conscientiousness.findElement(By.cssSelector(".trait-error")).getText())
          .matches("Standard error [0-9.]+ T points: likely [0-9]+ to [0-9]+\\.");
      WebElement risk =
          browser.find("ul.traits li:has(svg.meter[data-key='balloons.adjusted_pumps'])");
      assertThat(risk.findElement(By.cssSelector(".trait-name")).getText())
          .isEqualTo("Risk taking");
      assertThat(risk.findElement(By.cssSelector(".trait-effect")).getText())
          .isEqualTo("The higher, the higher the risk.");
      assertThat(risk.findElement(By.cssSelector(".trait-error")).getText())
          .isEqualTo("Standard error not known.");
      // Flags and missing features are named in words too, their keys in small type beside.
      for (WebElement term :
          browser.driver().findElements(By.cssSelector("dl.result-facts ul.terms li"))) {
        assertThat(term.findElement(By.tagName("strong")).getText())
            .doesNotMatch("[A-Z_]+|[a-z_]+\\.[A-Za-z0-9_]+");
        assertThat(term.findElement(By.cssSelector(".term-key")).getText()).isNotBlank();
      }
      // Each trait's words, value, bar and notes lie within the page's width.
      for (WebElement trait : traits) {
        assertThat(trait.getRect().getX() + trait.getRect().getWidth())
            .isLessThanOrEqualTo(laptop ? 1366 : 390);
        assertThat(trait.findElement(By.cssSelector("svg.meter")).getSize().getWidth())
            .isGreaterThan(laptop ? 200 : 150);
      }
      step("result-in-words");
      assertThat(browser.axeViolations()).as("axe-core, result page at %s", size).isEmpty();
      browser.close();
      browser = null;
    }
  }

  @Test
  void onAPhoneWithoutScripts() {
    browser = Browser.phoneWithoutScripts("en", 390, 844);
    device = "phone-no-script";
    shots = 0;
    browser.signIn(server.baseUrl(), "/console/results", email, ConsoleClient.PASSWORD);
    // Without the script the filters stay open; the sessions are cards all the same.
    assertThat(browser.shown("#uid")).isTrue();
    assertThat(browser.offTheSides("table.results td")).isEmpty();
    step("results");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private List<WebElement> rows() {
    return browser.driver().findElements(By.cssSelector("table.results tbody tr"));
  }

  private List<String> texts(String css) {
    return browser.driver().findElements(By.cssSelector(css)).stream()
        .map(WebElement::getText)
        .toList();
  }

  private long histogramBars() {
    return browser.driver().findElements(By.cssSelector("svg.histogram rect.bar")).size();
  }

  private Path awaitDownload(Path directory) {
    List<Path> done = new ArrayList<>();
    browser
        .wait(Duration.ofSeconds(10))
        .until(
            d -> {
              try (Stream<Path> files = Files.list(directory)) {
                done.clear();
                files.filter(f -> f.toString().endsWith(".csv")).forEach(done::add);
                return !done.isEmpty();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return done.get(0);
  }

  /**
   * Saves the step's screenshot and checks the page (width, labels, a quiet console, nothing
   * axe-core finds wrong).
   */
  private void step(String name) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%s-%d-%s.png", device, ++shots, name)),
        device + " / " + name,
        server.baseUrl());
    assertThat(browser.axeViolations()).as("axe-core, %s / %s", device, name).isEmpty();
  }
}
