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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Erasing an applicant's data in a real browser (Debian's headless Chromium), on a 1366 by 768
 * laptop and a 390 by 844 phone: the action is reached from the result page, its box ticked and its
 * confirmation accepted; the erased session's page, and the list that shows it, pass axe-core. Each
 * step is saved under {@code target/screenshots/console-erasure/}. The rules themselves are tested
 * over HTTP on both databases ({@link ErasurePagesContract}).
 */
class ErasureBrowserTest extends ConsoleBrowserTest {
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
                System.getProperty("basedir", "."), "target", "screenshots", "console-erasure"));
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    receiver = WebhookReceiver.start();
    Lender lender = new Lender(server);
    deployment = lender.deployment(receiver);
    String production = deployment.productionIntegrationId();
    lender.applicant(deployment.productionKey(), production, "EB-laptop-01").finish(4);
    lender.applicant(deployment.productionKey(), production, "EB-phone-01").finish(2);
    lender.applicant(deployment.productionKey(), production, "EB-kept-01").finish(3);
    email = ConsoleClient.firstAdmin(server, deployment.companyId()).email();
  }

  @AfterAll
  void closeReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void onALaptop() {
    browser = Browser.desktop("en", 1366, 768);
    device = "laptop";
    eraseFromTheResultPage("EB-laptop-01");
  }

  @Test
  void onAPhone() {
    browser = Browser.phone("en", 390, 844);
    device = "phone";
    eraseFromTheResultPage("EB-phone-01");
  }

  /** Signs in on the uid's page, erases it there and checks the pages that show it erased. */
  private void eraseFromTheResultPage(String uid) {
    shots = 0;
    String path = "/console/results/" + deployment.productionIntegrationId() + "/" + uid;
    browser.signIn(server.baseUrl(), path, email, ConsoleClient.PASSWORD);
    WebElement button = browser.find("section.erase button.danger");
    browser.js("arguments[0].scrollIntoView({block: 'center'})", button);
    assertThat(button.isDisplayed()).isTrue();
    assertThat(button.getText()).isEqualTo("Erase this applicant's data");
    assertThat(browser.axeViolations()).as("axe-core, %s: the result page", device).isEmpty();
    step("result");

    // The box must be ticked: the browser does not send the form without it.
    button.click();
    assertThat(browser.driver().getCurrentUrl()).endsWith(path);
    WebElement box = browser.find("section.erase input[name=confirm]");
    box.click();
    assertThat(box.isSelected()).isTrue();
    browser.waitForNextPage(
        () -> {
          button.click();
          Duration wait = Duration.ofSeconds(5);
          browser.wait(wait).until(ExpectedConditions.alertIsPresent()).accept();
        });
    assertThat(browser.driver().getCurrentUrl()).contains("/erased/").endsWith("?done=erased");
    assertThat(browser.find("p.notice").getText()).startsWith("Erased:");
    assertThat(browser.find("main").getText()).doesNotContain(uid).contains(email);
    assertThat(browser.axeViolations()).as("axe-core, %s: the erased session", device).isEmpty();
    step("erased");

    browser.open(server.baseUrl() + "/console/results?status=erased");
    assertThat(browser.driver().findElements(By.cssSelector("table.results tbody tr")))
        .isNotEmpty()
        .allSatisfy(row -> assertThat(row.getText()).contains("Erased").doesNotContain(uid));
    assertThat(browser.axeViolations()).as("axe-core, %s: erased sessions", device).isEmpty();
    step("erased-list");
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
