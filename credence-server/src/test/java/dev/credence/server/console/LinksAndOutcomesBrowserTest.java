package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Links and Outcomes pages in a real browser, on a desktop and on a phone: sign in, generate a
 * batch and download its links, download the outcome template, upload outcomes with a bad row and
 * read the report. Each step is saved under {@code target/screenshots/console-links/<test>/}; at
 * each the page must not scroll sideways and the console must stay quiet (a CSP violation is logged
 * there).
 */
class LinksAndOutcomesBrowserTest extends ConsoleBrowserTest {
  private static final String PASSWORD = "velvet lantern orbit 58";

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private Path screenshots;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
  }

  @Test
  void onADesktop(TestInfo info) {
    try (Browser browser = Browser.desktop("en", 1366, 768)) {
      generateDownloadAndUpload(browser, info, "desk");
    }
  }

  @Test
  void onAPhone(TestInfo info) {
    try (Browser browser = Browser.phone("en", 390, 844)) {
      generateDownloadAndUpload(browser, info, "phone");
    }
  }

  private void generateDownloadAndUpload(Browser b, TestInfo info, String batch) {
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "console-links",
                info.getTestMethod().orElseThrow().getName()));
    shots = 0;
    Deployment d = server.newDeployment();
    String email = signIn(b, d);

    // the link generator
    assertThat(b.driver().getCurrentUrl())
        .as(b.driver().findElement(By.tagName("main")).getText())
        .endsWith("/console/links");
    step(b, "links-empty");
    new Select(b.driver().findElement(By.id("integration")))
        .selectByVisibleText("Loans · Production");
    b.driver().findElement(By.id("name")).sendKeys(batch);
    b.driver().findElement(By.id("count")).sendKeys("3");
    step(b, "links-form-filled");
    b.clickAndWait(b.driver().findElement(By.cssSelector("form[action='/console/links'] button")));
    assertThat(text(b, "[role=status]"))
        .contains("Made 3 links in Loans · Production")
        .contains(batch + "-0001 to " + batch + "-0003");
    assertThat(text(b, "table")).contains(batch).contains(email);
    assertThat(b.offTheSides("table td")).as("the batches' cells").isEmpty();
    step(b, "links-batch-made");

    String download =
        b.driver().findElement(By.cssSelector("[role=status] a[download]")).getAttribute("href");
    HttpResponse<String> csv = fetch(b, download);
    assertThat(csv.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"links-" + batch + "-production.csv\"");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("uid,link");
    for (String line : lines.subList(1, 4)) {
      String link = line.split(",")[1];
      assertThat(server.get(URI.create(link).getPath()).statusCode()).isEqualTo(200);
    }

    // the outcome template and an upload with a bad row
    b.clickAndWait(b.driver().findElement(By.linkText("Outcomes")));
    step(b, "outcomes-empty");
    String template =
        fetch(b, b.driver().findElement(By.linkText("Download the template")).getAttribute("href"))
            .body();
    assertThat(template).startsWith("uid,outcome,date\r\n");

    Path file =
        write(
            template
                + batch
                + "-0001,repaid,2026-01-31\r\n"
                + batch
                + "-0002,dpd30,2026-02-30\r\n"
                + batch
                + "-0003,default,2026-03-01\r\n");
    new Select(b.driver().findElement(By.id("integration")))
        .selectByVisibleText("Loans · Production");
    b.driver().findElement(By.id("file")).sendKeys(file.toString());
    b.clickAndWait(
        b.driver().findElement(By.cssSelector("form[action='/console/outcomes'] button")));
    assertThat(text(b, "[role=status]"))
        .contains("Upload to Loans · Production")
        .contains("Accepted: 2")
        .contains("Refused: 1");
    assertThat(text(b, "table.refusals"))
        .contains("6")
        .contains("date '2026-02-30' is not a real date written YYYY-MM-DD");
    assertThat(b.offTheSides("table td")).as("the report's and the counts' cells").isEmpty();
    assertThat(text(b, "table.counts")).contains("Loans");
    step(b, "outcomes-report");
  }

  /** Accepts an operator's invitation, signs out, and signs in again through the sign-in page. */
  private String signIn(Browser b, Deployment d) {
    String email = "browser" + System.nanoTime() + "@example.com";
    HttpResponse<String> invited =
        server.operator(
            "POST",
            "/v1/admin/companies/" + d.companyId() + "/admins",
            "{\"email\":\"" + email + "\"}");
    b.open(RunningServer.json(invited).get("invitation_url").asText());
    b.driver().findElement(By.id("name")).sendKeys("Ada Admin");
    b.driver().findElement(By.id("password")).sendKeys(PASSWORD);
    b.driver().findElement(By.id("repeat")).sendKeys(PASSWORD);
    b.clickAndWait(b.driver().findElement(By.cssSelector("button[type=submit]")));
    b.driver().manage().deleteAllCookies();

    b.open(server.baseUrl() + "/console/links");
    assertThat(b.driver().getCurrentUrl()).contains("/console/login?next=");
    b.driver().findElement(By.id("email")).sendKeys(email);
    b.driver().findElement(By.id("password")).sendKeys(PASSWORD);
    b.clickAndWait(b.driver().findElement(By.cssSelector("button[type=submit]")));
    b.consoleProblems(); // the page after accepting the invitation is not part of this test
    return email;
  }

  /** A download as the browser's signed-in user would get it. */
  private HttpResponse<String> fetch(Browser b, String url) {
    Cookie session = b.driver().manage().getCookieNamed(ConsoleWeb.SESSION_COOKIE);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Cookie", session.getName() + "=" + session.getValue())
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(url).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path write(String csv) {
    try {
      Path file = Files.createTempFile("outcomes-", ".csv");
      Files.writeString(file, csv);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(Browser b, String css) {
    WebElement element = b.driver().findElement(By.cssSelector(css));
    return element.getText();
  }

  /** Saves the step's screenshot; the page must fit its width and the console stay quiet. */
  private void step(Browser b, String name) {
    b.screenshot(screenshots.resolve(String.format("%02d-%s.png", ++shots, name)));
    assertThat(
            b.js(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
        .as("%s: the page scrolls sideways", name)
        .isEqualTo(0L);
    List<String> console = new ArrayList<>(b.consoleProblems());
    console.removeIf(line -> line.contains("/favicon.ico") && line.contains("404"));
    assertThat(console).as("%s: the browser's console", name).isEmpty();
    assertThat(b.axeViolations()).as("axe-core, %s", name).isEmpty();
  }
}
