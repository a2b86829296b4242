package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Webhooks page in a real browser, on a 1366 by 768 laptop and a 390 by 844 phone: a company
 * whose receiver refused one applicant's events and took another's reads the counts, the daily
 * chart and its table, the failures, and sends the failures again; axe-core finds nothing at each
 * step. Steps are saved under {@code target/screenshots/console-webhooks/}. The rules themselves
 * are tested over HTTP on both databases (endings.WebhookEventsContract).
 */
class WebhooksBrowserTest extends ConsoleBrowserTest {
  private Path screenshots;
  private String device;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."), "target", "screenshots", "console-webhooks"));
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(
                RunningServer.QUICK_WORKERS,
                RunningServer.LOOPBACK_WEBHOOKS,
                Map.of(
                    "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
                    "CREDENCE_WEBHOOK_RETRY_SECONDS", "60")));
  }

  @Test
  void onALaptop() {
    browser = Browser.desktop("en", 1366, 768);
    device = "laptop";
    readAndReplay("WB-laptop");
  }

  @Test
  void onAPhone() {
    browser = Browser.phone("en", 390, 844);
    device = "phone";
    readAndReplay("WB-phone");
  }

  private void readAndReplay(String prefix) {
    shots = 0;
    try (WebhookReceiver refusing = WebhookReceiver.start();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      int[] refusals = new int[200];
      Arrays.fill(refusals, 503);
      refusing.answer(refusals);
      Lender lender = new Lender(server);
      Deployment deployment = lender.deployment(refusing);
      String production = deployment.productionIntegrationId();
      String failed = prefix + "-01";
      lender.applicant(deployment.productionKey(), production, failed).finish(3);
      server.failEvents(production, failed, 2, Duration.ofMinutes(2), Duration.ofSeconds(20));
      server.patchIntegration(production, "{\"webhook_url\": \"" + receiver.url() + "\"}");
      lender.applicant(deployment.productionKey(), production, prefix + "-02").finish(2);
      receiver.await(2, Duration.ofSeconds(20));
      String email = ConsoleClient.firstAdmin(server, deployment.companyId()).email();

      browser.signIn(server.baseUrl(), "/console/webhooks", email, ConsoleClient.PASSWORD);
      assertThat(browser.find("dd[data-failed]").getText()).isEqualTo("2");
      assertThat(browser.find("dd[data-delivered]").getText()).isEqualTo("2");
      List<WebElement> bars = browser.driver().findElements(By.cssSelector("svg.rates rect.bar"));
      assertThat(bars).isNotEmpty();
      assertThat(browser.driver().findElements(By.cssSelector("table.failures tbody tr")))
          .hasSize(2)
          .allSatisfy(row -> assertThat(row.getText()).contains(failed).contains("HTTP 503"));
      assertThat(browser.axeViolations()).as("axe-core, %s: the Webhooks page", device).isEmpty();
      step("webhooks");

      browser.find("details.chart-data summary").click();
      assertThat(browser.find("table.rates-table").isDisplayed()).isTrue();
      assertThat(browser.axeViolations()).as("axe-core, %s: the chart's table", device).isEmpty();
      step("chart-table");

      WebElement replay = browser.find("form[action='/console/webhooks/replay'] button");
      browser.js("arguments[0].scrollIntoView({block: 'center'})", replay);
      browser.clickAndWait(replay);
      assertThat(browser.find("div.notice").getText())
          .isEqualTo("2 failed events are being sent again, in order per session.");
      assertThat(receiver.await(4, Duration.ofSeconds(20)).subList(2, 4))
          .allSatisfy(r -> assertThat(r.text()).contains(failed));
      assertThat(browser.axeViolations()).as("axe-core, %s: after the replay", device).isEmpty();
      step("replayed");
    }
  }

  /** Saves the step's screenshot and checks the page (width, labels, a quiet console). */
  private void step(String name) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%s-%d-%s.png", device, ++shots, name)),
        device + " / " + name,
        server.baseUrl());
    assertThat(browser.axeViolations()).as("axe-core, %s / %s", device, name).isEmpty();
  }
}
