package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Dashboard accounts in a real browser: the first Admin joins through the operator's link and signs
 * in through the form on a desktop, invites an analyst, who joins on a phone as a Viewer and is
 * refused the audit log. Every page is saved under {@code target/screenshots/console-accounts/}.
 */
class AccountsBrowserTest extends ConsoleBrowserTest {
  private static final String PASSWORD = "a long desk password 42";
  private Path screenshots;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."), "target", "screenshots", "console-accounts"));
  }

  @Test
  void anAdminJoinsSignsInAndInvitesAViewerWhoCannotChangeThings() {
    RunningServer.Deployment deployment = server.newDeployment();
    String invitation =
        RunningServer.json(
                server.operator(
                    "POST",
                    "/v1/admin/companies/" + deployment.companyId() + "/admins",
                    "{\"email\": \"ana@acme.example\"}"))
            .get("invitation_url")
            .asText();

    try (Browser desk = Browser.desktop("en", 1366, 768)) {
      desk.open(invitation);
      assertThat(desk.driver().findElement(By.tagName("h1")).getText())
          .isEqualTo("Join Acme Lending");
      step(desk, "invitation");
      type(desk, "name", "Ana Admin");
      type(desk, "password", PASSWORD);
      type(desk, "repeat", PASSWORD);
      desk.clickAndWait(desk.driver().findElement(By.cssSelector("main button[type=submit]")));
      assertThat(path(desk)).as(desk.driver().getPageSource()).isEqualTo("/console/deployments");

      desk.open(server.baseUrl() + "/console/users");
      desk.clickAndWait(desk.driver().findElement(By.cssSelector("form.signout button")));
      assertThat(path(desk)).isEqualTo("/console/login");
      assertThat(desk.driver().findElement(By.cssSelector("p.notice")).getText())
          .isEqualTo("You are signed out.");

      desk.open(server.baseUrl() + "/console/users");
      assertThat(path(desk)).isEqualTo("/console/login");
      type(desk, "email", "ana@acme.example");
      type(desk, "password", "wrong password!");
      desk.clickAndWait(desk.driver().findElement(By.cssSelector("main button[type=submit]")));
      assertThat(desk.driver().findElement(By.cssSelector("p.error")).getText())
          .isEqualTo("The e-mail address or the password is wrong.");
      step(desk, "sign-in-refused", "the server responded with a status of 401");
      type(desk, "password", PASSWORD);
      desk.clickAndWait(desk.driver().findElement(By.cssSelector("main button[type=submit]")));
      assertThat(path(desk)).isEqualTo("/console/users");

      type(desk, "email", "vic@acme.example");
      desk.clickAndWait(desk.driver().findElement(By.cssSelector("form.inline button")));
      WebElement link = desk.driver().findElement(By.id("invitation-link"));
      String viewerLink = link.getAttribute("value");
      assertThat(viewerLink).contains("/console/invitations/");
      assertThat(desk.offTheSides("table td")).isEmpty();
      step(desk, "users-invited");

      try (Browser phone = Browser.phone("en", 390, 844)) {
        phone.open(viewerLink);
        type(phone, "name", "Vic Viewer");
        type(phone, "password", PASSWORD);
        type(phone, "repeat", PASSWORD);
        step(phone, "phone-invitation");
        phone.clickAndWait(phone.driver().findElement(By.cssSelector("main button[type=submit]")));
        phone.open(server.baseUrl() + "/console/users");
        assertThat(phone.driver().getPageSource())
            .contains("Vic Viewer")
            .doesNotContain("Invite a user")
            .doesNotContain("Make Admin");
        assertThat(phone.offTheSides("table td")).as("the users' cells").isEmpty();
        step(phone, "phone-users-as-viewer");
        phone.open(server.baseUrl() + "/console/audit");
        assertThat(phone.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
        step(phone, "phone-viewer-refused", "the server responded with a status of 403");

        // The page offers a Viewer no form; one made by hand, with the Viewer's own token, is
        // refused by the server all the same, and invites nobody.
        phone.open(server.baseUrl() + "/console/users");
        phone.js(
            "const token = document.querySelector('input[name=csrf]').value;"
                + "const form = document.createElement('form');"
                + "form.method = 'post'; form.action = '/console/users/invite';"
                + "for (const [k, v] of [['csrf', token], ['email', 'mallory@acme.example'],"
                + " ['role', 'ADMIN']]) {"
                + " const input = document.createElement('input');"
                + " input.type = 'hidden'; input.name = k; input.value = v; form.append(input); }"
                + "document.body.append(form);");
        phone.waitForNextPage(
            () ->
                phone.js(
                    "document.querySelector('form[action=\"/console/users/invite\"]')"
                        + ".submit()"));
        assertThat(phone.driver().findElement(By.cssSelector("p.error")).getText())
            .isEqualTo("Only an Admin can change this; you are signed in as a Viewer.");
        step(phone, "phone-viewer-change-refused", "the server responded with a status of 403");
      }

      assertThat(desk.driver().getPageSource()).doesNotContain("mallory@acme.example");
      desk.open(server.baseUrl() + "/console/users");
      assertThat(desk.driver().getPageSource()).doesNotContain("mallory@acme.example");
      desk.open(server.baseUrl() + "/console/audit");
      assertThat(desk.driver().getPageSource())
          .contains("user.invited")
          .contains("invitation.accepted")
          .doesNotContain(viewerLink.substring(viewerLink.lastIndexOf('/') + 1));
      step(desk, "audit-log");
    }
  }

  @Test
  void theSignInPageOnAPhone() {
    try (Browser phone = Browser.phone("en", 390, 844)) {
      phone.open(server.baseUrl() + "/console/login");
      step(phone, "phone-sign-in");
    }
  }

  @Test
  void theAuditLogAndTheOnlyAdminOnALaptopAndAPhone() {
    RunningServer.Deployment deployment = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    for (String size : List.of("1366x768", "390x844")) {
      boolean laptop = size.equals("1366x768");
      int width = laptop ? 1366 : 390;
      try (Browser browser =
          laptop ? Browser.desktop("en", 1366, 768) : Browser.phone("en", 390, 844)) {
        browser.signIn(server.baseUrl(), "/console/users", admin.email(), ConsoleClient.PASSWORD);
        if (laptop) {
          // The only Admin is offered neither a demotion nor a removal.
          assertThat(browser.find("td.row-actions").getText())
              .isEqualTo(
                  "The only Admin: make another user Admin before changing or removing this one.");
          assertThat(browser.driver().findElements(By.cssSelector("td.row-actions form")))
              .isEmpty();
          step(browser, "only-admin-" + size);
          assertThat(browser.axeViolations()).as("axe-core, the only Admin, %s", size).isEmpty();
          ConsoleClient viewer = admin.invite("VIEWER");
          browser.open(server.baseUrl() + "/console/users");
          browser.clickAndWait(browser.find("form[action$='/role'] button"));
          assertThat(browser.find("p.notice").getText()).isEqualTo("Role changed.");
          viewer.get("/console/users");
          server.patchIntegration(
              deployment.productionIntegrationId(),
              "{\"session_expiry_hours\": 48, \"complete_url\":"
                  + " \"https://lender.example.com/applications/finished?source=credence\"}");
        }

        browser.open(server.baseUrl() + "/console/audit");
        List<WebElement> entries = browser.driver().findElements(By.cssSelector("li.audit-entry"));
        assertThat(entries).hasSize(8);
        WebElement settings = entries.get(0);
        assertThat(settings.findElement(By.cssSelector(".audit-what")).getText())
            .isEqualTo("Settings changed environment.settings_changed");
        assertThat(settings.findElement(By.cssSelector(".audit-who")).getText())
            .isEqualTo("operator");
        assertThat(settings.findElement(By.cssSelector(".audit-target")).getText())
            .isEqualTo("On Loans · Production");
        assertThat(
                settings.findElements(By.cssSelector("table.audit-changes tbody tr")).stream()
                    .map(WebElement::getText)
                    .toList())
            .containsExactlyInAnyOrder(
                "session_expiry_hours 24 48",
                "complete_url none https://lender.example.com/applications/finished?source=credence");
        for (WebElement entry : entries) {
          // who, when and what are on the screen, and the entry is no taller than it needs
          for (String part : List.of(".audit-what", ".audit-who", ".audit-when")) {
            WebElement shown = entry.findElement(By.cssSelector(part));
            assertThat(shown.isDisplayed()).isTrue();
            assertThat(shown.getRect().getX() + shown.getRect().getWidth())
                .as("%s at %s", part, size)
                .isLessThanOrEqualTo(width);
          }
          assertThat(entry.getSize().getHeight()).as("an entry at %s", size).isLessThan(480);
        }
        assertThat(wordsBrokenAcrossLines(browser)).as("words broken at %s", size).isEmpty();
        step(browser, "audit-log-" + size);
        assertThat(browser.axeViolations()).as("axe-core, the audit log, %s", size).isEmpty();

        // Filter by what: only role changes, and the export takes the same filter.
        new Select(browser.driver().findElement(By.id("action")))
            .selectByVisibleText("Role changed");
        browser.clickAndWait(browser.find("form.audit-filters button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).contains("action=user.role_changed");
        assertThat(browser.driver().findElements(By.cssSelector("li.audit-entry"))).hasSize(1);
        assertThat(browser.find("li.audit-entry tbody tr").getText())
            .isEqualTo("role VIEWER ADMIN");
        assertThat(browser.find("a[href*='export.csv']").getAttribute("href"))
            .endsWith("/console/audit/export.csv?action=user.role_changed");
        step(browser, "audit-log-filtered-" + size);
        assertThat(browser.axeViolations()).as("axe-core, filtered, %s", size).isEmpty();

        // A day that is not one: the reason, and no entries.
        browser.open(server.baseUrl() + "/console/audit?from=2026-13-01");
        assertThat(browser.find("p.error").getText())
            .isEqualTo("from must be a date written YYYY-MM-DD, such as 2026-01-31.");
        assertThat(browser.driver().findElements(By.cssSelector("li.audit-entry"))).isEmpty();
        step(
            browser,
            "audit-log-bad-day-" + size,
            "the server responded with a status of 422",
            "does not conform to the required format");
        assertThat(browser.axeViolations()).as("axe-core, a bad day, %s", size).isEmpty();
      }
    }
  }

  /**
   * The words of the audit log's entries (up to 12 letters: "Production", not a URL or an id, which
   * may wrap where they must) that the browser drew over two lines.
   */
  @SuppressWarnings("unchecked")
  private static List<String> wordsBrokenAcrossLines(Browser browser) {
    return (List<String>)
        browser.js(
            "const broken = [];"
                + "for (const cell of document.querySelectorAll("
                + "'li.audit-entry p, table.audit-changes th, table.audit-changes td')) {"
                + " const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);"
                + " for (let node = walk.nextNode(); node; node = walk.nextNode()) {"
                + "  const word = /\\S+/g; let m;"
                + "  while ((m = word.exec(node.data))) {"
                + "   if (m[0].length > 12) continue;"
                + "   const range = document.createRange();"
                + "   range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);"
                + "   const tops = new Set(Array.from(range.getClientRects())"
                + "    .filter(r => r.width > 0).map(r => Math.round(r.top)));"
                + "   if (tops.size > 1) broken.push(m[0]);"
                + "  }"
                + " }"
                + "}"
                + "return broken;");
  }

  private void step(Browser browser, String name, String... allowed) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%02d-%s.png", ++shots, name)),
        "console-accounts / " + name,
        server.baseUrl(),
        allowed);
    assertThat(browser.axeViolations()).as("axe-core, console-accounts / %s", name).isEmpty();
  }

  private static void type(Browser browser, String id, String text) {
    WebElement field = browser.driver().findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private static String path(Browser browser) {
    return URI.create(browser.driver().getCurrentUrl()).getPath();
  }
}
