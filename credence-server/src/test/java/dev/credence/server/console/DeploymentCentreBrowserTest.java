package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The deployment centre in a real browser (Debian's headless Chromium), once on a desktop and once
 * on a phone: an Admin signs in through the login form, creates a deployment, reveals and copies a
 * key, rotates it with the preselected overlap of 24 hours after the confirmation (the page shows
 * when the old key stops; both keys work), ends the overlap early (the old key then fails on the
 * session API), changes a setting, sets a retention period after its confirmation, sends a test
 * webhook; a Viewer sees no change forms. Every step is saved as a whole-page screenshot under
 * {@code target/screenshots/console-deployments/<test>/}. At every step the page must not scroll
 * sideways, every control must have a label, and the console must stay quiet (a
 * Content-Security-Policy violation is logged there); axe-core finds nothing wrong with the
 * settings form, refused, saved and read-only. The rules are tested over plain HTTP on both
 * databases ({@link DeploymentPagesContract}).
 */
class DeploymentCentreBrowserTest extends ConsoleBrowserTest {
  private static final AtomicInteger PEOPLE = new AtomicInteger();
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private WebhookReceiver receiver;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2, RunningServer.LOOPBACK_WEBHOOKS);
    receiver = WebhookReceiver.start();
  }

  @AfterAll
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void onADesktop() {
    run("onADesktop", languages -> Browser.desktop(languages, 1366, 768));
  }

  @Test
  void onAPhone() {
    run("onAPhone", languages -> Browser.phone(languages, 390, 844));
  }

  private void run(String test, Function<String, Browser> device) {
    Path shots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "console-deployments",
                test));
    RunningServer.Deployment company = server.newDeployment();
    String email = "centre" + PEOPLE.incrementAndGet() + "@example.com";
    try (Browser admin = device.apply("en");
        Browser viewer = device.apply("en")) {
      Steps steps = new Steps(admin, shots);
      grantClipboard(admin);
      acceptInvitation(admin, firstAdminInvitation(company.companyId(), email), "Ada Admin");
      admin.clickAndWait(admin.driver().findElement(By.cssSelector(".signout button")));
      steps.shot("01-signed-out");
      admin.driver().findElement(By.id("email")).sendKeys(email);
      admin.driver().findElement(By.id("password")).sendKeys(ConsoleClient.PASSWORD);
      admin.clickAndWait(admin.driver().findElement(By.cssSelector("main form button")));
      assertThat(admin.driver().getCurrentUrl()).endsWith("/console/deployments");
      steps.shot("02-deployments");

      // Create a deployment: its page opens on the Test tab.
      admin.driver().findElement(By.id("name")).sendKeys("Cards");
      admin.clickAndWait(button(admin, "Create deployment"));
      assertThat(text(admin, "h1")).isEqualTo("Cards");
      assertThat(text(admin, ".tabs a[aria-current=page]")).isEqualTo("Test");
      assertThat(text(admin, ".notice")).contains("Deployment created");
      String integrationId = text(admin, "#integration-id");
      steps.shot("03-created");

      // Reveal sits beside the hidden key; the rotation follows it, read in the order it is done.
      assertThat(admin.driver().findElements(By.cssSelector("dl.integration form.reveal-key")))
          .hasSize(1);
      assertThat(admin.box("dl.integration form.reveal-key").y() < admin.box("h3.key-rotation").y())
          .isTrue();
      assertInReadingOrder(
          admin,
          "#overlap-hours",
          "form[action$='/rotate-key'] input[name=confirm]",
          "form[action$='/rotate-key'] button[type=submit]");

      // Reveal the key, copy it: the page then offers no second Reveal.
      admin.clickAndWait(button(admin, "Reveal API key"));
      assertThat(admin.driver().findElements(By.cssSelector("form[action$='/reveal-key']")))
          .isEmpty();
      String key = admin.driver().findElement(By.id("api-key")).getAttribute("value");
      assertThat(key).startsWith("crd_test_").hasSize(49);
      WebElement copy = admin.driver().findElement(By.cssSelector("[data-copy=api-key]"));
      copy.click();
      admin.wait(Duration.ofSeconds(5)).until(d -> copy.getText().equals("Copied"));
      assertThat(admin.js("return navigator.clipboard.readText()")).isEqualTo(key);
      assertThat(createSession(key, integrationId).statusCode()).isEqualTo(200);
      steps.shot("04-key-revealed");

      // Rotate: the box must be ticked, and the browser asks once more, naming the overlap
      // chosen (24 hours unless changed): until then the old key works beside the new one.
      String oldKeyStops = WHEN.format(server.clock().instant().plus(Duration.ofHours(24)));
      assertThat(
              new Select(admin.driver().findElement(By.id("overlap-hours")))
                  .getFirstSelectedOption()
                  .getText())
          .isEqualTo("after 24 hours");
      assertThat(tickAndConfirm(admin, "/rotate-key", "Rotate API key"))
          .contains("Rotate the Test API key of Cards?", "stops working after 24 hours.");
      String rotated = admin.driver().findElement(By.id("api-key")).getAttribute("value");
      assertThat(rotated).startsWith("crd_test_").isNotEqualTo(key);
      assertThat(text(admin, ".key-shown")).contains("The old key works until " + oldKeyStops);
      assertThat(text(admin, "#old-key-until")).isEqualTo(oldKeyStops);
      assertThat(createSession(key, integrationId).statusCode()).isEqualTo(200);
      assertThat(createSession(rotated, integrationId).statusCode()).isEqualTo(200);
      steps.shot("05-key-rotated-with-overlap");
      assertThat(admin.axeViolations()).as("axe-core, %s: a key's overlap", test).isEmpty();

      // End the overlap now: its own box, and the browser asks; the old key stops at once.
      assertThat(tickAndConfirm(admin, "/end-key-overlap", "End the overlap now"))
          .contains("Stop the old Test API key", "before " + oldKeyStops);
      assertThat(text(admin, ".notice")).contains("The old API key stopped working just now.");
      assertThat(admin.driver().findElements(By.id("old-key-until"))).isEmpty();
      assertThat(createSession(key, integrationId).statusCode()).isEqualTo(401);
      assertThat(createSession(rotated, integrationId).statusCode()).isEqualTo(200);
      steps.shot("05b-overlap-ended");

      // A setting refused with its message, then saved.
      WebElement colour = admin.driver().findElement(By.id("f-brand_primary_color"));
      colour.sendKeys("blue");
      admin.clickAndWait(button(admin, "Save settings"));
      assertThat(text(admin, ".error")).contains("Nothing was saved");
      assertThat(text(admin, ".field-error")).contains("brand_primary_color must be a colour");
      steps.shot("06-settings-refused", "status of 422");
      assertThat(admin.axeViolations()).as("axe-core, %s: a refused setting", test).isEmpty();
      replace(admin, "f-brand_primary_color", "#0b6e4f");
      replace(admin, "f-session_expiry_hours", "48");
      replace(admin, "f-webhook_url", receiver.url());
      admin.driver().findElement(By.id("f-show_completion_page")).click(); // untick
      admin.clickAndWait(button(admin, "Save settings"));
      assertThat(text(admin, ".notice")).contains("Settings saved");
      var settings = json(server.operator("GET", "/v1/admin/integrations/" + integrationId, null));
      assertThat(settings.get("session_expiry_hours").asInt()).isEqualTo(48);
      assertThat(settings.get("brand_primary_color").asText()).isEqualTo("#0b6e4f");
      assertThat(settings.get("show_completion_page").asBoolean()).isFalse();
      assertThat(settings.get("norms_minimum").asInt()).isEqualTo(200);
      steps.shot("07-settings-saved");

      // A retention period: the browser holds the form until its box is ticked, then asks.
      replace(admin, "f-retention_days", "30");
      button(admin, "Save settings").click();
      assertThat(
              admin.js("return document.getElementById('c-retention_days').validity.valueMissing"))
          .isEqualTo(true);
      admin.driver().findElement(By.id("c-retention_days")).click();
      WebElement unsaved = admin.driver().findElement(By.tagName("html"));
      button(admin, "Save settings").click();
      admin.wait(Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
      assertThat(admin.driver().switchTo().alert().getText())
          .contains("retention_days of Cards · Test to 30?", "erased for good");
      admin.driver().switchTo().alert().accept();
      admin.wait(Duration.ofSeconds(15)).until(Browser.gone(unsaved));
      admin.waitForPage();
      assertThat(text(admin, ".notice")).contains("Settings saved");
      settings = json(server.operator("GET", "/v1/admin/integrations/" + integrationId, null));
      assertThat(settings.get("retention_days").asInt()).isEqualTo(30);
      steps.shot("08-retention-set");
      assertThat(admin.axeViolations()).as("axe-core, %s: the settings form", test).isEmpty();

      // The test webhook reaches the receiver; its answer is on the page.
      int before = receiver.received().size();
      admin.clickAndWait(button(admin, "Send test webhook"));
      assertThat(text(admin, ".notice")).contains("Test event delivered", "answered 200");
      receiver.await(before + 1, Duration.ofSeconds(5));
      steps.shot("09-webhook-sent");

      // Every change is in the audit log, and no key is.
      admin.open(server.baseUrl() + "/console/audit");
      assertThat(text(admin, "main"))
          .contains(
              "deployment.created",
              "environment.key_revealed",
              "environment.key_rotated",
              "environment.key_overlap_ended",
              "environment.settings_changed",
              "webhook.test_sent")
          .doesNotContain(key, rotated, key.substring(0, 13), rotated.substring(0, 13));
      steps.shot("10-audit");

      // A Viewer, invited from the Users page, sees the deployment but no form to change it.
      admin.open(server.baseUrl() + "/console/users");
      admin.driver().findElement(By.id("email")).sendKeys("viewer-" + email);
      new org.openqa.selenium.support.ui.Select(admin.driver().findElement(By.id("role")))
          .selectByValue("VIEWER");
      admin.clickAndWait(button(admin, "Create invitation"));
      String link = admin.driver().findElement(By.id("invitation-link")).getAttribute("value");
      Steps seen = new Steps(viewer, shots);
      acceptInvitation(viewer, link, "Vic Viewer");
      viewer.clickAndWait(viewer.driver().findElement(By.linkText("Cards")));
      assertThat(viewer.driver().findElements(By.cssSelector("main form"))).isEmpty();
      assertThat(viewer.driver().getPageSource()).doesNotContain(rotated);
      assertThat(text(viewer, "main"))
          .contains(integrationId, "Only an Admin can change settings", "Retention (days)\n30");
      seen.shot("11-viewer");
      assertThat(viewer.axeViolations()).as("axe-core, %s: the settings read-only", test).isEmpty();
      viewer.clickAndWait(viewer.driver().findElement(By.linkText("Production")));
      assertThat(viewer.driver().findElements(By.cssSelector("main form"))).isEmpty();
      seen.shot("12-viewer-production");
      viewer.open(server.baseUrl() + "/console/deployments");
      assertThat(viewer.driver().findElements(By.cssSelector("main form"))).isEmpty();
      seen.shot("13-viewer-deployments");
    }
  }

  /**
   * Each element after the one before as a person reads: further down, or on the same line further
   * right.
   */
  private static void assertInReadingOrder(Browser browser, String... css) {
    for (int i = 1; i < css.length; i++) {
      Browser.Box before = browser.box(css[i - 1]);
      Browser.Box after = browser.box(css[i]);
      boolean below = after.y() >= before.y() + before.height() - 1;
      boolean rightOnTheLine =
          after.y() < before.y() + before.height() && after.x() >= before.x() + before.width() - 1;
      assertThat(below || rightOnTheLine)
          .as("%s (%s) comes after %s (%s)", css[i], after, css[i - 1], before)
          .isTrue();
    }
  }

  /** Screenshots in order, each after checking the page is whole and quiet. */
  private final class Steps {
    private final Browser browser;
    private final Path directory;

    Steps(Browser browser, Path directory) {
      this.browser = browser;
      this.directory = directory;
    }

    void shot(String name, String... allowed) {
      browser.screenshotAndCheck(directory.resolve(name + ".png"), name, server.baseUrl(), allowed);
      assertThat(browser.axeViolations()).as("axe-core, %s", name).isEmpty();
    }
  }

  private String firstAdminInvitation(String companyId, String email) {
    HttpResponse<String> invited =
        server.operator(
            "POST",
            "/v1/admin/companies/" + companyId + "/admins",
            "{\"email\":\"" + email + "\"}");
    assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
    return json(invited).get("invitation_url").asText();
  }

  private void acceptInvitation(Browser browser, String url, String name) {
    browser.open(server.baseUrl() + URI.create(url).getPath());
    browser.driver().findElement(By.id("name")).sendKeys(name);
    browser.driver().findElement(By.id("password")).sendKeys(ConsoleClient.PASSWORD);
    browser.driver().findElement(By.id("repeat")).sendKeys(ConsoleClient.PASSWORD);
    browser.clickAndWait(button(browser, "Create my account"));
    assertThat(browser.driver().getCurrentUrl()).contains("/console/");
    System.err.println(
        "DEBUG " + browser.driver().getCurrentUrl() + "\n" + browser.driver().getPageSource());
  }

  /** Lets the page write and read the clipboard, as a user's click allows in a real browser. */
  private void grantClipboard(Browser browser) {
    browser
        .driver()
        .executeCdpCommand(
            "Browser.grantPermissions",
            Map.of(
                "origin",
                server.baseUrl(),
                "permissions",
                List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  private HttpResponse<String> createSession(String key, String integrationId) {
    return server.createSession(
        key, sessionBody("BROWSER-CENTRE-" + UIDS.incrementAndGet(), integrationId));
  }

  /**
   * Ticks the box of the form posting to {@code action}, presses its button {@code label}, accepts
   * the browser's question and waits for the next page: the question asked.
   */
  private static String tickAndConfirm(Browser browser, String action, String label) {
    browser
        .driver()
        .findElement(By.cssSelector("form[action$='" + action + "'] [name=confirm]"))
        .click();
    WebElement before = browser.driver().findElement(By.tagName("html"));
    button(browser, label).click();
    browser.wait(Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
    String question = browser.driver().switchTo().alert().getText();
    browser.driver().switchTo().alert().accept();
    browser.wait(Duration.ofSeconds(15)).until(Browser.gone(before));
    browser.waitForPage();
    return question;
  }

  private static WebElement button(Browser browser, String label) {
    return browser
        .driver()
        .findElement(By.xpath("//main//button[normalize-space()='" + label + "']"));
  }

  private static String text(Browser browser, String css) {
    return browser.driver().findElement(By.cssSelector(css)).getText();
  }

  private static void replace(Browser browser, String id, String value) {
    WebElement field = browser.driver().findElement(By.id(id));
    field.clear();
    field.sendKeys(value);
  }
}
