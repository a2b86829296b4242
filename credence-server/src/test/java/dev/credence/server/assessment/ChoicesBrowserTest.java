package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.interactions.Actions;

/**
 * The choices game with its script, in Chromium on a 390 by 844 phone: every choice answered on the
 * phone with no page load between them, one request a choice sent in the background, each choice's
 * own time stored, a reload in the middle resuming at the right choice, and a moment offline losing
 * nothing. Without the script the game is the plain form that {@link BrowserJourneyTest} plays.
 * Screenshots are saved under {@code target/screenshots/ChoicesBrowserTest/<test>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChoicesBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final int WIDTH = 390;
  private static final int HEIGHT = 844;

  /** Five choices and nothing else after consent: the last answer completes the session. */
  private static final String CHOICES =
      "{\"assessment\": {\"modules\": [{\"type\": \"choices\", \"set\":"
          + " [[10, 20, 30], [5, 50, 7], [30, 40, 60], [12, 15, 20], [40, 80, 90]]}]}}";

  private static final int COUNT = 5;

  /** How long the script takes a tap on a choice that has only just appeared for a double tap's. */
  private static final long SETTLE_MS = 300;

  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");

  private RunningServer server;
  private Browser browser;
  private String test;
  private Path screenshots;
  private int shots;

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
    test = info.getTestMethod().orElseThrow().getName();
    // A fresh phone each test: a page's script of the last test may still be on its way to the
    // next page, and a driver command racing a script's navigation can hang chromedriver.
    browser = Browser.phone("en-GB,en", WIDTH, HEIGHT);
    browser.consoleProblems();
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "ChoicesBrowserTest",
                test));
    shots = 0;
  }

  // --- the tests --------------------------------------------------------------------------------

  @Test
  void everyChoiceIsAnsweredOnThePhoneOneRequestEachWithItsOwnTime() {
    String uid = newUid();
    start(uid);
    assertThat(count()).isEqualTo(Applicant.interfaceText("en", "dd.count", 1, COUNT));
    assertThat(browser.find("main").getText())
        .as("the instructions were on the page before Ready")
        .doesNotContain(Applicant.interfaceText("en", "dd.instructions"));
    assertThat(browser.js("return typeof window.Credence")).isEqualTo("object");
    assertThat(browser.driver().findElements(By.cssSelector("template.next-choice")))
        .as("the choices after the first wait on the page")
        .hasSize(COUNT - 1);
    // The screenshots and axe-core's checks of a choice are taken in the test below, not in this
    // one: their seconds would count in the choice's measured time.

    // The server takes the script's figure only if it is no longer than its own time since the
    // page was shown: moved far on, so that what is stored is the script's measure.
    server.clock().advance(Duration.ofMinutes(10));
    browser.js(
        "window.sameDocument = true;"
            + "sessionStorage.setItem('posts', '[]');"
            + "const send = window.fetch;"
            + "window.fetch = function (url, init) {"
            + "  const posts = JSON.parse(sessionStorage.getItem('posts'));"
            + "  posts.push(init.method + ' ' + url + ' ' + init.body);"
            + "  sessionStorage.setItem('posts', JSON.stringify(posts));"
            + "  return send.apply(this, arguments);"
            + "};");

    List<String> taps = List.of("later", "today", "today", "today", "later");
    List<Long> pauses = List.of(700L, 2600L, 400L, 1500L, 900L);
    for (int i = 0; i < COUNT; i++) {
      int index = i + 1;
      assertThat(shownIndex()).isEqualTo(index);
      sleep(pauses.get(i));
      if (index == 4) {
        // By keyboard: focus is on the question; Tab reaches the first answer, Enter gives it.
        assertThat(focused().getTagName()).isEqualTo("legend");
        new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        assertThat(focused().getDomAttribute("value")).isEqualTo("today");
        new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
      } else if (index < COUNT) {
        tap(taps.get(i));
      } else {
        browser.waitForNextPage(() -> tap(taps.get(COUNT - 1)));
        break;
      }
      waitForChoice(index + 1);
      assertThat(browser.js("return window.sameDocument === true"))
          .as("no page load between choice %d and the next", index)
          .isEqualTo(true);
      assertThat(count()).isEqualTo(Applicant.interfaceText("en", "dd.count", index + 1, COUNT));
      assertThat(browser.find("#choice-count").getDomAttribute("role")).isEqualTo("status");
      assertThat(focused().getTagName())
          .as("focus moves to the new question, for keyboards and screen readers")
          .isEqualTo("legend");
      assertThat(browser.driver().findElements(By.cssSelector("main form.choices")))
          .as("one choice on screen")
          .hasSize(1);
    }

    assertThat(browser.find("h1").getText())
        .as("after the last choice, the link's next page")
        .isEqualTo(Applicant.interfaceText("en", "done.title"));
    step("done");
    List<String> posts = new ArrayList<>();
    for (Object post : (List<?>) browser.js("return JSON.parse(sessionStorage.getItem('posts'))")) {
      posts.add(String.valueOf(post));
    }
    assertThat(posts).as("one request a choice, in order").hasSize(COUNT);
    for (int i = 0; i < COUNT; i++) {
      assertThat(posts.get(i))
          .startsWith("POST /")
          .endsWith(
              "/choices index=" + (i + 1) + "&choice=" + taps.get(i) + "&ms=" + msOf(posts.get(i)));
    }

    Map<Integer, int[]> stored = stored(uid);
    assertThat(stored.keySet()).containsExactly(1, 2, 3, 4, 5);
    long sum = 0;
    for (int i = 0; i < COUNT; i++) {
      int[] row = stored.get(i + 1);
      long pause = pauses.get(i);
      sum += pause;
      assertThat(row[0])
          .as("choice %d as tapped", i + 1)
          .isEqualTo(taps.get(i).equals("later") ? 1 : 0);
      assertThat(row[1])
          .as(
              "choice %d's time: its own pause of %d ms (not the %d ms since the page)",
              i + 1, pause, sum)
          .isBetween((int) pause, (int) pause + 1500);
      assertThat(String.valueOf(row[1])).isEqualTo(msOf(posts.get(i)));
    }
  }

  @Test
  void aReloadInTheMiddleResumesAtTheRightChoiceWithNothingLostOrDoubled() {
    String uid = newUid();
    start(uid);
    step("choice-1");
    assertThat(browser.axeViolations()).as("axe-core, the first choice").isEmpty();
    server.clock().advance(Duration.ofMinutes(10));
    sleep(SETTLE_MS + 100);
    // A double tap: its second half lands on the next choice, just shown, and is not its answer.
    browser.js(
        "document.querySelector('form.choices button[value=later]').click();"
            + "document.querySelector('form.choices button[value=later]').click();");
    waitForChoice(2);
    waitUntilSent();
    assertThat(stored(uid).keySet()).as("one answer from a double tap").containsExactly(1);
    step("choice-2-after-a-tap");
    assertThat(browser.axeViolations()).as("axe-core, a choice the script shows").isEmpty();

    // The script's posts fail from now on (as on a network that drops them): they wait. (Chromium
    // blocks every URL that contains the pattern: the game's own script stays loadable.)
    block(browser.driver().getCurrentUrl() + "/choices");
    answer(2, "today");
    answer(3, "later");
    assertThat(pending()).isEqualTo(2);
    step("choice-4-two-answers-waiting", "ERR_BLOCKED_BY_CLIENT");

    browser.waitForNextPage(() -> browser.driver().navigate().refresh());
    assertThat(stored(uid).keySet()).as("the server has only the first").containsExactly(1);
    assertThat(shownIndex()).as("after the reload, the first choice answered nowhere").isEqualTo(4);
    assertThat(count()).isEqualTo(Applicant.interfaceText("en", "dd.count", 4, COUNT));
    assertThat(pending()).as("the two answers kept on the phone").isEqualTo(2);
    step("choice-4-after-reload", "ERR_BLOCKED_BY_CLIENT");

    block();
    waitUntilSent();
    assertThat(stored(uid).keySet()).containsExactly(1, 2, 3);

    // A reload with nothing waiting: the server's own next choice.
    browser.waitForNextPage(() -> browser.driver().navigate().refresh());
    assertThat(shownIndex()).isEqualTo(4);
    answer(4, "today");
    sleep(SETTLE_MS + 100);
    browser.waitForNextPage(() -> tap("later"));
    assertThat(browser.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));

    Map<Integer, int[]> stored = stored(uid);
    assertThat(stored.keySet()).containsExactly(1, 2, 3, 4, 5);
    assertThat(stored.values().stream().map(row -> row[0]).toList())
        .as("each answer as tapped, once")
        .containsExactly(1, 0, 1, 0, 1);
    assertThat(answerRows(uid)).as("no choice stored twice").isEqualTo(COUNT);
  }

  @Test
  void offlineForAMomentThenBackEveryAnswerArrives() {
    String uid = newUid();
    start(uid);
    server.clock().advance(Duration.ofMinutes(10));
    browser.js("window.sameDocument = true");
    ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
    offline.setOffline(true);
    browser.driver().setNetworkConditions(offline);

    List<String> taps = List.of("today", "later", "later", "today", "later");
    for (int i = 0; i < COUNT; i++) {
      sleep(SETTLE_MS + 100);
      tap(taps.get(i));
      if (i + 1 < COUNT) {
        waitForChoice(i + 2);
      }
    }
    WebElement sync = browser.find("#sync");
    browser.wait(Duration.ofSeconds(10)).until(d -> sync.isDisplayed());
    assertThat(sync.getText()).isEqualTo(Applicant.interfaceText("en", "game.offline"));
    assertThat(browser.driver().findElements(By.cssSelector("main form.choices")))
        .as("nothing left to answer")
        .isEmpty();
    assertThat(pending()).isEqualTo(COUNT);
    assertThat(browser.js("return window.sameDocument === true")).isEqualTo(true);
    assertThat(stored(uid)).isEmpty();
    step("offline-all-answered", "ERR_INTERNET_DISCONNECTED");
    assertThat(browser.axeViolations()).as("axe-core, answers kept while offline").isEmpty();

    WebElement page = browser.find("html");
    browser.driver().deleteNetworkConditions();
    browser.wait(Duration.ofSeconds(30)).until(Browser.gone(page));
    browser.waitForPage();
    assertThat(browser.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));
    assertThat(stored(uid).values().stream().map(row -> row[0]).toList())
        .as("every answer, as tapped")
        .containsExactly(0, 1, 1, 0, 1);
  }

  // --- playing ----------------------------------------------------------------------------------

  /** Opens a new session's link, consents and presses Ready: the first choice shows. */
  private void start(String uid) {
    browser.open(newSession(uid));
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    assertThat(browser.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "dd.title"));
    browser.clickAndWait(browser.find("button[name=ready]"));
    assertThat(shownIndex()).isEqualTo(1);
  }

  /** Waits until the choice has been on screen long enough to be answered, then answers it. */
  private void answer(int index, String choice) {
    assertThat(shownIndex()).isEqualTo(index);
    sleep(SETTLE_MS + 100);
    tap(choice);
    waitForChoice(index + 1);
  }

  private void tap(String choice) {
    browser.find("main form.choices button[name=choice][value=" + choice + "]").click();
  }

  /** The number of the choice on screen (its form's {@code index}); 0 when there is none. */
  private int shownIndex() {
    List<WebElement> index =
        browser.driver().findElements(By.cssSelector("main form.choices input[name=index]"));
    return index.isEmpty() ? 0 : Integer.parseInt(index.get(0).getDomAttribute("value"));
  }

  private void waitForChoice(int index) {
    browser
        .wait(Duration.ofSeconds(10))
        .until(
            d -> {
              try {
                return shownIndex() == index;
              } catch (WebDriverException replaced) {
                return false;
              }
            });
  }

  private String count() {
    return browser.find("#choice-count").getText();
  }

  private long pending() {
    return (Long) browser.js("return window.Credence.pending().length");
  }

  private void waitUntilSent() {
    browser.wait(Duration.ofSeconds(30)).until(d -> pending() == 0);
  }

  /** Makes requests to URLs matching the patterns fail in the browser; none, none fail. */
  private void block(String... patterns) {
    browser.driver().executeCdpCommand("Network.enable", Map.of());
    browser.driver().executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of(patterns)));
  }

  private WebElement focused() {
    return browser.driver().switchTo().activeElement();
  }

  private static String msOf(String post) {
    return post.substring(post.lastIndexOf("ms=") + 3);
  }

  private void step(String name, String... allowed) {
    browser.screenshotAndCheck(
        screenshots.resolve(String.format("%02d-%s.png", ++shots, name)),
        test + " / " + name,
        server.baseUrl(),
        allowed);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // --- the session and its stored answers -------------------------------------------------------

  private static String newUid() {
    return "CHO-" + String.format("%06d", UIDS.incrementAndGet());
  }

  private String newSession(String uid) {
    return server.newSession(CHOICES, uid).get("redirect_url").asText();
  }

  /** The stored choices by number: {answer (1 later, 0 today), elapsed_ms}. */
  private Map<Integer, int[]> stored(String uid) {
    Map<Integer, int[]> rows = new TreeMap<>();
    server
        .database(
            h ->
                h.createQuery(
                        "SELECT a.item, a.answer, a.elapsed_ms FROM answers a"
                            + " JOIN sessions s ON s.id = a.session_id"
                            + " WHERE s.uid = ? AND a.module = 'choices'")
                    .bind(0, uid)
                    .map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)})
                    .list())
        .forEach(row -> rows.put(row[0], new int[] {row[1], row[2]}));
    return rows;
  }

  private int answerRows(String uid) {
    return server.database(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM answers a JOIN sessions s ON s.id = a.session_id"
                        + " WHERE s.uid = ? AND a.module = 'choices'")
                .bind(0, uid)
                .mapTo(Integer.class)
                .one());
  }
}
