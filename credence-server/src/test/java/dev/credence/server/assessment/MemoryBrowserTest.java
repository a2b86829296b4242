package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The memory game where the browser runs scripts, in Chromium on a 390 by 844 phone: Ready shows
 * the practice round at once, the digits go by themselves, each answer brings the next round
 * without a page load (one request a round), the practice round is said and never counted, and a
 * lost connection makes the game wait, never guess. axe-core finds nothing on any of its screens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DIGITS = By.cssSelector(".digits");
  private static final By ANSWER = By.id("answer");
  private static final By BEGIN = By.cssSelector("button[name=begin]");

  private RunningServer server;
  private Browser browser;
  private Path screenshots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
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

  @AfterEach
  void closePhone() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @BeforeEach
  void blank(TestInfo info) {
    // A fresh phone each test: a page's script of the last test may still be on its way to the
    // next page, and a driver command racing a script's navigation can hang chromedriver.
    browser = Browser.phone("en-GB,en", 390, 844);
    browser.consoleProblems();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "MemoryBrowserTest",
                info.getTestMethod().orElseThrow().getName()));
  }

  @Test
  void theRoundsFollowEachOtherWithoutAPageLoad() {
    String uid = newUid();
    browser.open(newSession(uid));
    browser.clickAndWait(browser.driver().findElement(ACCEPT));

    assertThat(browser.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "mem.title"));
    assertThat(browser.driver().findElements(By.cssSelector(".digits, #answer"))).isEmpty();
    assertThat(rounds(uid)).as("no digit drawn before Ready").isEmpty();
    look("instructions");
    browser.js("window.memoryMarker = 'the same page'");

    long pressed = System.nanoTime();
    browser.find("button[name=ready]").click();
    String practice = waitForDigits();
    assertThat(rounds(uid).get(0)).isEqualTo(new Round(0, practice, null, null));
    assertThat(practice).hasSize(2);
    assertThat(browser.find("#memory-stage .muted").getText())
        .isEqualTo(Applicant.interfaceText("en", "mem.practice_round"));
    assertSamePage();
    look("practice-digits");

    browser.wait(Duration.ofSeconds(15)).until(d -> d.findElements(DIGITS).isEmpty());
    double seconds = (System.nanoTime() - pressed) / 1e9;
    assertThat(seconds)
        .as("the digits go by themselves after about a second a digit plus one")
        .isBetween(3 - 0.5, 3 + 3.0);
    assertThat(browser.driver().getPageSource()).doesNotContain(">" + practice + "<");
    browser.wait(Duration.ofSeconds(5)).until(d -> !d.findElements(ANSWER).isEmpty());
    assertThat(browser.find("#answer").getDomAttribute("inputmode")).isEqualTo("numeric");
    assertThat(browser.find("label[for=answer]").getText())
        .isEqualTo(Applicant.interfaceText("en", "mem.type"));
    assertThat(browser.js("return document.activeElement.id")).isEqualTo("answer");
    look("practice-answer");
    browser.find("#answer").sendKeys(practice, Keys.ENTER);

    browser.wait(Duration.ofSeconds(10)).until(d -> !d.findElements(BEGIN).isEmpty());
    assertThat(browser.find("#memory-stage").getText())
        .contains(Applicant.interfaceText("en", "mem.correct"))
        .contains(Applicant.interfaceText("en", "mem.practice_done"));
    assertThat(browser.driver().findElements(DIGITS)).as("no digit before Begin").isEmpty();
    assertThat(rounds(uid)).as("round 1 waits for Begin").hasSize(1);
    assertSamePage();
    look("practice-done");

    browser.find("button[name=begin]").click();
    String first = waitForDigits();
    assertThat(first).hasSize(2);
    assertThat(browser.find("#memory-stage .muted").getText())
        .isEqualTo(Applicant.interfaceText("en", "mem.round", 1));
    answer("0");

    String second = waitForDigits();
    assertThat(second).as("no digit more after a miss").hasSize(2);
    assertThat(browser.find("#memory-stage").getText())
        .contains(Applicant.interfaceText("en", "mem.wrong"))
        .contains(Applicant.interfaceText("en", "mem.round", 2));
    assertSamePage();
    look("round-2-digits");
    assertThat(requests())
        .as("one request a round: Ready, the practice answer, Begin, the answer of round 1")
        .containsExactly("POST memory", "POST memory", "POST memory", "POST memory");
    assertThat(navigations()).isEqualTo(1);

    // The second miss: the game is over and the link shows what comes next.
    browser.wait(Duration.ofSeconds(15)).until(d -> !d.findElements(ANSWER).isEmpty());
    browser.waitForNextPage(() -> browser.find("#answer").sendKeys("0", Keys.ENTER));
    assertThat(browser.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));

    assertThat(rounds(uid))
        .as("the rounds as typed")
        .containsExactly(
            new Round(0, practice, practice, true),
            new Round(1, first, "0", false),
            new Round(2, second, "0", false));
    assertThat(browser.consoleProblems()).isEmpty();
  }

  @Test
  void aLostConnectionMakesTheGameWaitAndSaySo() {
    String uid = newUid();
    browser.open(newSession(uid));
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    browser.js("window.memoryMarker = 'the same page'");
    browser.find("button[name=ready]").click();
    String practice = waitForDigits();
    browser.wait(Duration.ofSeconds(15)).until(d -> !d.findElements(ANSWER).isEmpty());

    offline(true);
    browser.find("#answer").sendKeys(practice, Keys.ENTER);
    browser.wait(Duration.ofSeconds(10)).until(d -> browser.find("#sync").isDisplayed());
    assertThat(browser.find("#sync").getText())
        .isEqualTo(Applicant.interfaceText("en", "game.offline"));
    look("offline");
    assertThat(browser.driver().findElements(BEGIN))
        .as("nothing shown the server did not say")
        .isEmpty();
    assertThat(rounds(uid).get(0).answer()).isNull();

    offline(false);
    browser.wait(Duration.ofSeconds(30)).until(d -> !d.findElements(BEGIN).isEmpty());
    assertThat(browser.find("#sync").isDisplayed()).isFalse();
    assertThat(rounds(uid).get(0)).isEqualTo(new Round(0, practice, practice, true));
    assertSamePage();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private record Round(int round, String digits, String answer, Boolean correct) {}

  private String waitForDigits() {
    try {
      browser.wait(Duration.ofSeconds(15)).until(d -> !d.findElements(DIGITS).isEmpty());
    } catch (RuntimeException e) {
      System.out.println(
          "DEBUG "
              + browser.consoleProblems()
              + "\n"
              + browser.find("main").getAttribute("outerHTML"));
      throw e;
    }
    return browser.find(".digits").getText();
  }

  /** Waits for the answer field, types {@code typed} and sends it. */
  private void answer(String typed) {
    browser.wait(Duration.ofSeconds(15)).until(d -> !d.findElements(ANSWER).isEmpty());
    assertSamePage();
    browser.find("#answer").sendKeys(typed, Keys.ENTER);
  }

  private void assertSamePage() {
    assertThat(browser.js("return window.memoryMarker"))
        .as("no page load since Ready")
        .isEqualTo("the same page");
  }

  /** A screenshot, and axe-core's check of the screen as it is. */
  private void look(String name) {
    browser.screenshot(screenshots.resolve(name + ".png"));
    assertThat(browser.axeViolations()).as("axe-core on %s", name).isEmpty();
  }

  /**
   * The page's requests since it loaded, other than its own files and the icon the browser asks for
   * by itself: a script's {@code fetch} (a post) and its path under the link.
   */
  @SuppressWarnings("unchecked")
  private List<String> requests() {
    List<Map<String, Object>> entries =
        (List<Map<String, Object>>)
            browser.js(
                "return performance.getEntriesByType('resource')"
                    + ".filter(e => e.initiatorType !== 'link' && e.initiatorType !== 'script'"
                    + " && e.initiatorType !== 'css' && e.initiatorType !== 'img'"
                    + " && !e.name.endsWith('/favicon.ico'))"
                    + ".map(e => ({type: e.initiatorType, path: new URL(e.name).pathname}))");
    return entries.stream()
        .map(
            e ->
                ("fetch".equals(e.get("type")) ? "POST " : e.get("type") + " ")
                    + String.valueOf(e.get("path")).replaceAll("^/[^/]+/", ""))
        .toList();
  }

  private long navigations() {
    return (Long) browser.js("return performance.getEntriesByType('navigation').length");
  }

  private void offline(boolean offline) {
    browser.driver().executeCdpCommand("Network.enable", Map.of());
    browser
        .driver()
        .executeCdpCommand(
            "Network.emulateNetworkConditions",
            Map.of(
                "offline",
                offline,
                "latency",
                0,
                "downloadThroughput",
                -1,
                "uploadThroughput",
                -1));
  }

  private static String newUid() {
    return "MJS-" + String.format("%06d", UIDS.incrementAndGet());
  }

  /** The memory game alone, from 2 digits to 4: short rounds. */
  private String newSession(String uid) {
    String memory =
        "{\"assessment\": {\"modules\": ["
            + "{\"type\": \"memory_span\", \"start_length\": 2, \"max_length\": 4}]}}";
    return server.newSession(memory, uid).get("redirect_url").asText();
  }

  private List<Round> rounds(String uid) {
    return server.database(
        h ->
            h.createQuery(
                    "SELECT m.round_no, m.digits, m.answer, m.correct FROM memory_rounds m"
                        + " JOIN sessions s ON s.id = m.session_id WHERE s.uid = ?"
                        + " ORDER BY m.round_no")
                .bind(0, uid)
                .map(
                    (rs, ctx) ->
                        new Round(
                            rs.getInt("round_no"),
                            rs.getString("digits"),
                            rs.getString("answer"),
                            rs.getObject("correct", Boolean.class)))
                .list());
  }
}
