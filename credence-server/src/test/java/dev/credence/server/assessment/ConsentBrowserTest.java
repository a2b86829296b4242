package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * Declining consent on a phone (390 by 844) with JavaScript turned off, as the plain forms must
 * work: "I do not agree" asks first, "No, continue" goes back to consent, and only "Yes, stop" ends
 * the session, on the built-in page that names the lender and shows its contact line. Screenshots
 * under {@code target/screenshots/ConsentBrowserTest/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentBrowserTest {
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DECLINE = By.cssSelector("button[name=decision][value=decline]");
  private static final By BACK = By.cssSelector("button[name=decision][value=back]");
  private static final By CONFIRM =
      By.cssSelector("button[name=decision][value=decline_confirmed]");

  private RunningServer server;
  private Browser browser;
  private Path screenshots;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
    // A desktop browser made a 390 by 844 phone with scripts off (the shared phone profile has
    // another size); Chromium drops these overrides on a new page, so each page sets them again.
    browser = Browser.desktop("en-GB,en");
    // Off Chromium's own first page before its scripts are turned off: turned off while that
    // page's scripts still run, they log an error of Chromium's own to the console.
    browser.open("about:blank");
    phone();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."), "target", "screenshots", "ConsentBrowserTest"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void declineAsksFirstGoingBackReturnsToConsentAndOnlyTheConfirmationEndsTheSession() {
    Deployment deployment = server.newDeployment();
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"lender_contact\": \"Call <b>0800 123</b> & ask for Ana\"}");
    String link = newSession(deployment);

    browser.open("data:text/html,<title>off</title><script>document.title='on'</script>");
    assertThat(browser.driver().getTitle()).as("page scripts do not run").isEqualTo("off");

    browser.open(link);
    assertThat(browser.driver().getTitle()).isEqualTo("Before you start · Acme Lending");
    assertThat(browser.find("header .lender-name").getText()).isEqualTo("Acme Lending");
    step("consent");

    browser.clickAndWait(browser.driver().findElement(DECLINE));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(link + "?confirm=decline");
    assertThat(browser.find("main").getText())
        .contains("Are you sure? If you do not agree, the assessment stops here.");
    assertThat(browser.driver().findElement(BACK).getText()).isEqualTo("No, continue");
    assertThat(browser.driver().findElement(CONFIRM).getText()).isEqualTo("Yes, stop");
    assertThat(browser.driver().findElements(ACCEPT)).isEmpty();
    step("decline-confirmation");

    browser.waitForNextPage(() -> browser.driver().navigate().refresh());
    assertThat(browser.driver().findElements(CONFIRM)).as("a reload asks again").hasSize(1);

    browser.clickAndWait(browser.driver().findElement(BACK));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(link);
    assertThat(browser.driver().findElements(ACCEPT)).as("back on consent").hasSize(1);
    step("back-on-consent");

    browser.clickAndWait(browser.driver().findElement(DECLINE));
    browser.clickAndWait(browser.driver().findElement(CONFIRM));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(link);
    assertThat(browser.find("h1").getText()).isEqualTo("Assessment stopped");
    assertThat(browser.find(".contact").getText())
        .isEqualTo("To reach Acme Lending: Call <b>0800 123</b> & ask for Ana");
    assertThat(browser.driver().findElements(By.cssSelector("main b"))).isEmpty();
    assertThat(browser.driver().findElements(By.tagName("form"))).isEmpty();
    assertThat(browser.driver().getTitle()).isEqualTo("Assessment stopped · Acme Lending");
    step("cancelled");

    browser.driver().navigate().back();
    browser.waitForPage();
    assertThat(browser.driver().findElements(ACCEPT))
        .as("Back after the end shows the ended session, not consent")
        .isEmpty();
  }

  /** This page as a 390 by 844 phone, touch and no page scripts. */
  private void phone() {
    var driver = browser.driver();
    driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
    driver.executeCdpCommand(
        "Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
  }

  private void step(String name) {
    phone();
    assertThat(browser.js("return [window.innerWidth, document.documentElement.clientWidth]"))
        .as(name)
        .isEqualTo(List.of(390L, 390L));
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%02d-%s.png", ++shots, name)), name, server.baseUrl());
  }

  private String newSession(Deployment deployment) {
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(),
            sessionBody("CNS-" + System.nanoTime(), deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created).get("redirect_url").asText();
  }
}
