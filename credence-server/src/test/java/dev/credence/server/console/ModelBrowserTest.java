package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.calibration.LabelledApplicants;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The Model page in a real browser (Debian's headless Chromium): on a laptop, the settings' model,
 * a fit from the form and its activation; then on a phone, the active fitted model with its report
 * and charts. Each step is saved under {@code target/screenshots/console-models/}; at each the page
 * must not scroll sideways, every control must be labelled and the console must stay quiet. The
 * rules themselves are tested over HTTP on both databases ({@link ModelPagesContract}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelBrowserTest extends ConsoleBrowserTest {
  /** The company's first Admin, invited by the operator; the browsers sign in as them. */
  private String email;

  private Deployment deployment;
  private Path screenshots;
  private String device;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    screenshots =
        Browser.emptyDirectory(
            Path.of(System.getProperty("basedir", "."), "target", "screenshots", "console-models"));
    server = RunningServer.start(TestDatabase.H2, RunningServer.with(RunningServer.QUICK_WORKERS));
    deployment = server.newDeployment();
    LabelledApplicants.upload(
        server,
        deployment,
        LabelledApplicants.create(
            server, deployment, "BROWSER", LabelledApplicants.ENOUGH, 20261209));

    email = ConsoleClient.firstAdmin(server, deployment.companyId()).email();
  }

  @Test
  @Order(1)
  void onALaptopAnAdminFitsAndActivates() {
    browser = Browser.desktop("en", 1366, 768);
    device = "laptop";
    shots = 0;
    browser.signIn(server.baseUrl(), "/console/models", email, ConsoleClient.PASSWORD);
    assertThat(browser.find("main").getText()).contains("it has no fit report");
    step("settings-model");

    new Select(browser.find("#min_confidence")).selectByValue("LOW");
    browser.clickAndWait(browser.find("form.fit button[type=submit]"));
    assertThat(browser.find("main").getText()).contains("Fitted the draft fit-");
    assertThat(browser.driver().findElements(By.cssSelector("svg.calibration circle.point")))
        .isNotEmpty();
    assertThat(browser.driver().findElements(By.cssSelector("svg.bands rect.bar"))).isNotEmpty();
    step("draft");

    browser.clickAndWait(browser.find("table.models button[aria-label^='Activate fit-']"));
    assertThat(browser.find(".notice").getText()).contains("is now the active model");
    step("active");
  }

  @Test
  @Order(2)
  void onAPhone() {
    browser = Browser.phone("en", 390, 844);
    device = "phone";
    shots = 0;
    browser.signIn(server.baseUrl(), "/console/models", email, ConsoleClient.PASSWORD);
    assertThat(browser.find("main").getText())
        .contains("Fit report")
        .contains("Population stability");
    step("model");
  }

  private void step(String name) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%s-%d-%s.png", device, ++shots, name)),
        device + " / " + name,
        server.baseUrl());
    assertThat(browser.axeViolations()).as("axe-core, %s / %s", device, name).isEmpty();
  }
}
