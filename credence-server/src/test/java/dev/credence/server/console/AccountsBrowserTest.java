package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Dashboard accounts in a real browser: the first Admin joins through the operator's link and signs
 * in through the form on a desktop, invites an analyst, who joins on a phone as a Viewer and is
 * refused the audit log. Every page is saved under {@code target/screenshots/console-accounts/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsBrowserTest {
  private static final String PASSWORD = "a long desk password 42";
  private RunningServer server;
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

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
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
