package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * "Simulate a session" on the deployment's Test tab in a real browser (Debian's headless Chromium),
 * on a laptop (1366x768) and a phone (390x844): an Admin simulates, sees the outcome, follows it to
 * the result marked simulated and finds it marked in the Test results; a used uid is refused on the
 * same page. Every state reached has no axe-core violation, no sideways scroll and no unlabelled
 * control. A Viewer sees no form and is refused the post. Screenshots go to {@code
 * target/screenshots/console-simulation/}.
 */
class SimulationBrowserTest extends ConsoleBrowserTest {
  private Deployment deployment;
  private ConsoleClient admin;
  private Path screenshots;
  private String device;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."), "target", "screenshots", "console-simulation"));
    server = RunningServer.start(TestDatabase.H2, RunningServer.with(RunningServer.QUICK_WORKERS));
    deployment = server.newDeployment();
    admin = ConsoleClient.firstAdmin(server, deployment.companyId());
  }

  @Test
  void onALaptopAnAdminSimulatesABandDResultAndFindsItMarked() {
    browser = Browser.desktop("en", 1366, 768);
    device = "laptop";
    shots = 0;
    browser.signIn(server.baseUrl(), testTab(), admin.email(), ConsoleClient.PASSWORD);
    assertThat(browser.find("#simulate").getText()).isEqualTo("Simulate a session");
    step("test-tab");

    browser.type("sim-uid", "SIM-LAPTOP-D-01");
    new Select(browser.find("#sim-scenario")).selectByValue("completed");
    new Select(browser.find("#sim-band")).selectByValue("D");
    browser.find("input[name=flags][value=FAST_PAGES]").click();
    browser.clickAndWait(browser.find("form.simulate button[type=submit]"));
    assertThat(browser.find(".notice").getText())
        .contains("SIM-LAPTOP-D-01")
        .contains("SIMULATED")
        .contains("completed")
        .contains("Band D")
        .contains("confidence MEDIUM");
    step("simulated");

    // The same uid again: refused on the page, as the API refuses it.
    browser.type("sim-uid", "SIM-LAPTOP-D-01");
    browser.clickAndWait(browser.find("form.simulate button[type=submit]"));
    assertThat(browser.find("[role=alert]").getText()).contains("was already used");
    // The page's own status, 409, is the only line in the console.
    step(
        "uid-used",
        "/test/simulate - Failed to load resource: the server responded with a status of 409");

    browser.open(
        server.baseUrl()
            + "/console/results/"
            + deployment.testIntegrationId()
            + "/SIM-LAPTOP-D-01");
    assertThat(browser.find("h1").getText()).contains("SIMULATED");
    assertThat(browser.find("main").getText()).contains("Made by a simulation");
    step("result");

    browser.open(server.baseUrl() + "/console/results?env=test");
    assertThat(browser.find("main").getText()).contains("SIM-LAPTOP-D-01").contains("SIMULATED");
    // Its flag in words, the code kept for engineers in the cell's title.
    WebElement flags = browser.find("td.flags");
    assertThat(flags.getText()).isEqualTo("Answered too fast");
    assertThat(flags.getAttribute("title")).isEqualTo("FAST_PAGES");
    step("test-results");
  }

  @Test
  void onAPhoneAnAdminSimulatesACancellation() {
    browser = Browser.phone("en", 390, 844);
    device = "phone";
    shots = 0;
    browser.signIn(server.baseUrl(), testTab(), admin.email(), ConsoleClient.PASSWORD);
    step("test-tab");
    browser.type("sim-uid", "SIM-PHONE-C-01");
    new Select(browser.find("#sim-scenario")).selectByValue("cancelled");
    browser.clickAndWait(browser.find("form.simulate button[type=submit]"));
    assertThat(browser.find(".notice").getText()).contains("SIM-PHONE-C-01").contains("cancelled");
    step("simulated");
  }

  @Test
  void aViewerSeesNoFormAndIsRefusedThePost() {
    ConsoleClient viewer = admin.invite("VIEWER");
    String tab = viewer.get(testTab()).body();
    assertThat(tab).contains("Only an Admin can simulate a session.").doesNotContain("sim-uid");
    HttpResponse<String> refused =
        viewer.post(
            "/console/deployments/" + deployment.deploymentId() + "/test/simulate",
            Map.of("uid", "SIM-VIEWER-0001", "scenario", "expired"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(
            server
                .send("GET", "/v1/results/SIM-VIEWER-0001", null, "api-key", deployment.testKey())
                .statusCode())
        .isEqualTo(404);
  }

  private String testTab() {
    return "/console/deployments/" + deployment.deploymentId() + "?env=test";
  }

  private void step(String name, String... allowed) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%s-%d-%s.png", device, ++shots, name)),
        device + " / " + name,
        server.baseUrl(),
        allowed);
    assertThat(browser.axeViolations()).as(device + " / " + name).isEmpty();
  }
}
