package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Funnel page in a real browser, on a 1366 by 768 laptop and a 390 by 844 phone: a Viewer reads
 * the funnel's chart and table, the times and the splits of sessions left at different steps, and
 * axe-core finds nothing. Steps are saved under {@code target/screenshots/console-funnel/}. The
 * figures themselves are tested over HTTP on both databases (console.funnel.FunnelContract).
 */
class FunnelBrowserTest extends ConsoleBrowserTest {
  private Path screenshots;
  private String viewer;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    screenshots =
        Browser.emptyDirectory(
            Path.of(System.getProperty("basedir", "."), "target", "screenshots", "console-funnel"));
    server = RunningServer.start(TestDatabase.H2);
    Lender lender = new Lender(server);
    Deployment deployment = server.newDeployment();
    String production = deployment.productionIntegrationId();
    server.patchIntegration(production, Applicant.SMALL_ASSESSMENT);
    lender.applicant(deployment.productionKey(), production, "FB-created-1");
    lender.applicant(deployment.productionKey(), production, "FB-opened-1").page();
    Applicant started = lender.applicant(deployment.productionKey(), production, "FB-started-1");
    started.consent();
    started.answerFirstPage();
    for (int i = 1; i <= 2; i++) {
      lender.applicant(deployment.productionKey(), production, "FB-done-" + i).finish();
    }
    viewer = ConsoleClient.firstAdmin(server, deployment.companyId()).invite("VIEWER").email();
  }

  @Test
  void onALaptop() {
    browser = Browser.desktop("en", 1366, 768);
    read("laptop");
  }

  @Test
  void onAPhone() {
    browser = Browser.phone("en", 390, 844);
    read("phone");
  }

  private void read(String device) {
    browser.signIn(server.baseUrl(), "/console/funnel", viewer, ConsoleClient.PASSWORD);
    assertThat(browser.driver().getTitle()).isEqualTo("Funnel · Credence");
    List<WebElement> bars = browser.driver().findElements(By.cssSelector("svg.funnel rect.bar"));
    assertThat(bars).hasSize(8);
    assertThat(bars.get(0).getAttribute("data-sessions")).isEqualTo("5");
    assertThat(bars.get(7).getAttribute("data-sessions")).isEqualTo("2");
    assertThat(
            browser.driver().findElements(By.cssSelector("table.funnel-table tbody tr")).stream()
                .map(r -> r.findElements(By.tagName("td")).get(1).getText())
                .toList())
        .containsExactly("5", "4", "3", "2", "2", "2", "2", "2");
    assertThat(browser.find("dd[data-open]").getText()).isEqualTo("3");
    assertThat(browser.find("tr[data-part='all']").getText()).contains("Whole assessment 2 1 min");
    assertThat(browser.find("a[href^='/console/funnel.csv']").getText())
        .isEqualTo("Download as CSV");
    assertThat(browser.axeViolations()).as("axe-core, %s: the Funnel page", device).isEmpty();
    browser.screenshotAndCheck(
        screenshots.resolve(device + "-1-funnel.png"), device + " / funnel", server.baseUrl());

    WebElement show = browser.find("form.filters button");
    browser.js("arguments[0].scrollIntoView({block: 'center'})", show);
    browser.clickAndWait(show);
    assertThat(browser.driver().getCurrentUrl()).contains("from=").contains("to=");
    assertThat(browser.driver().findElements(By.cssSelector("svg.funnel rect.bar"))).hasSize(8);
    assertThat(browser.axeViolations()).as("axe-core, %s: after Show", device).isEmpty();
    browser.screenshotAndCheck(
        screenshots.resolve(device + "-2-shown.png"), device + " / shown", server.baseUrl());
  }
}
