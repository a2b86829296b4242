package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The hosted assessment in a real browser (Debian's headless Chromium at a phone's size): the whole
 * journey from the lender creating a session to the Complete URL, consent declined, resume after a
 * reload and on another device, an expired link, a second language, and the keyboard. Every step is
 * saved as a whole-page screenshot under {@code target/screenshots/<test>/}; look at them. The
 * journey's rules are tested over plain HTTP on both databases ({@link JourneyContract}); H2 is
 * enough here.
 *
 * <p>At every step the page must fit the phone's width (no sideways scrolling), every control must
 * have a label, and the browser's console must stay quiet (a Content-Security-Policy violation is
 * logged there as an error).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneyTest {
  private static final AtomicInteger UIDS = new AtomicInteger();

  private static final String SMALL = Applicant.SMALL_ASSESSMENT;

  private static final By STATEMENTS = By.cssSelector("fieldset.item");
  private static final By NEXT = By.cssSelector("form[action$='/questionnaire'] button");
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DECLINE = By.cssSelector("button[name=decision][value=decline]");
  private static final By CONFIRM_DECLINE =
      By.cssSelector("button[name=decision][value=decline_confirmed]");

  /** A common phone's screen, in CSS pixels. */
  private static final int PHONE_WIDTH = 390;

  private static final int PHONE_HEIGHT = 844;

  private RunningServer server;
  private Lender lender;
  private Browser browser;
  private final List<Browser> others = new ArrayList<>();
  private String test;
  private Path screenshots;
  private int shots;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
    lender = Lender.start();
    browser = Browser.phoneWithoutScripts("en-GB,en", PHONE_WIDTH, PHONE_HEIGHT);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (lender != null) {
      lender.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshPage(TestInfo info) {
    test = info.getTestMethod().orElseThrow().getName();
    browser.driver().get("about:blank");
    browser.consoleProblems(); // drop what an earlier test left
    screenshots =
        Browser.emptyDirectory(
            Path.of(System.getProperty("basedir", "."), "target", "screenshots", test));
    shots = 0;
  }

  @AfterEach
  void closeOthers() {
    others.forEach(Browser::close);
    others.clear();
  }

  // --- the tests --------------------------------------------------------------------------------

  @Test
  void theWholeJourneyFromSessionToTheCompleteUrl() {
    long started = System.nanoTime();
    Deployment deployment =
        deployment(
            "{\"complete_url\": \"" + lender.url("/done") + "\", \"show_completion_page\": false}");
    String link = newSession(deployment);
    assertThat(link).startsWith(server.baseUrl() + "/");

    browser.open(link);
    assertThat(
            browser.js(
                "return [window.innerWidth, document.documentElement.clientWidth,"
                    + " window.devicePixelRatio]"))
        .as("a phone-sized window: 390 CSS pixels wide, no scrollbar, drawn at twice the density")
        .isEqualTo(List.of((long) PHONE_WIDTH, (long) PHONE_WIDTH, 2L));
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "consent.title"));
    assertThat(browser.driver().getPageSource()).contains("Acme Lending");
    step(browser, "consent");
    browser.clickAndWait(browser.driver().findElement(ACCEPT));

    List<Integer> progress = new ArrayList<>();
    playQuestionnaire(browser, progress);
    playBalloons(browser, progress);
    playChoices(browser, progress);
    playMemory(browser, progress, true);

    browser.wait(Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(lender.url("/done")));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(lender.url("/done"));
    assertThat(lender.hits()).contains("/done");
    step(browser, "complete-url");

    assertThat(progress).as("the progress bar's value, step by step").isSorted();
    assertThat(progress.get(0)).isZero();
    assertThat(progress.get(progress.size() - 1)).isGreaterThan(90).isLessThan(100);
    assertThat(Set.copyOf(progress)).as("it grows").hasSizeGreaterThan(8);

    browser.open(link);
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "finished.title"));
    assertThat(browser.driver().findElements(By.tagName("form"))).isEmpty();
    step(browser, "link-again-finished");
    System.out.printf(
        "whole journey in the browser: %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @Test
  void declinedConsentGoesToTheCancelledUrlOrTheBuiltInPage() {
    Deployment withUrl = deployment("{\"cancelled_url\": \"" + lender.url("/cancelled") + "\"}");
    String link = newSession(withUrl);
    browser.open(link);
    step(browser, "consent");
    browser.clickAndWait(browser.driver().findElement(DECLINE));
    browser.clickAndWait(browser.driver().findElement(CONFIRM_DECLINE));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(lender.url("/cancelled"));
    step(browser, "cancelled-url");
    browser.open(link);
    assertThat(h1())
        .as("the link afterwards")
        .isEqualTo(Applicant.interfaceText("en", "cancelled.title"));
    assertThat(browser.driver().findElements(ACCEPT)).isEmpty();

    String builtIn = newSession(deployment(null));
    browser.open(builtIn);
    browser.clickAndWait(browser.driver().findElement(DECLINE));
    browser.clickAndWait(browser.driver().findElement(CONFIRM_DECLINE));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(builtIn);
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "cancelled.title"));
    assertThat(browser.driver().findElement(By.tagName("main")).getText())
        .contains(Applicant.interfaceText("en", "cancelled.text"));
    assertThat(browser.driver().findElements(By.tagName("form"))).isEmpty();
    step(browser, "cancelled-built-in");
  }

  @Test
  void aReloadAndAnotherDeviceResumeWhereTheApplicantWas() {
    Deployment deployment = deployment("{\"complete_url\": \"" + lender.url("/thanks") + "\"}");
    String link = newSession(deployment);
    browser.open(link);
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    List<String> first = statements();
    assertThat(pageLabel()).isEqualTo(Applicant.interfaceText("en", "q.page", 1, 3));
    answerStatements(browser, 2);
    step(browser, "page-1-answered");
    browser.clickAndWait(browser.driver().findElement(NEXT));
    List<String> second = statements();
    assertThat(second).hasSize(10).doesNotContainAnyElementsOf(first);
    int percent = progressValue(browser);

    browser.waitForNextPage(() -> browser.driver().navigate().refresh());
    assertThat(pageLabel())
        .as("after a reload")
        .isEqualTo(Applicant.interfaceText("en", "q.page", 2, 3));
    assertThat(statements()).isEqualTo(second);
    assertThat(progressValue(browser)).isEqualTo(percent);
    step(browser, "page-2-after-reload");

    // The applicant closes the browser and opens the link again: a fresh profile, no history.
    Browser reopened = other(Browser.phoneWithoutScripts("en-GB,en", PHONE_WIDTH, PHONE_HEIGHT));
    reopened.open(link);
    assertThat(reopened.driver().findElement(By.cssSelector(".card > .muted")).getText())
        .as("in a fresh browser")
        .isEqualTo(Applicant.interfaceText("en", "q.page", 2, 3));
    assertThat(texts(reopened.driver().findElements(By.cssSelector("fieldset.item legend"))))
        .isEqualTo(second);
    assertThat(progressValue(reopened)).isEqualTo(percent);
    step(reopened, "page-2-fresh-browser");

    // ... and on a computer.
    Browser desktop = other(Browser.desktop("en-US,en"));
    desktop.open(link);
    assertThat(texts(desktop.driver().findElements(By.cssSelector("fieldset.item legend"))))
        .as("on a computer")
        .isEqualTo(second);
    step(desktop, "page-2-desktop");

    // The fresh browser finishes; the thank-you page leads on to the Complete URL.
    List<Integer> progress = new ArrayList<>();
    playQuestionnaire(reopened, progress);
    playBalloons(reopened, progress);
    playChoices(reopened, progress);
    playMemory(reopened, progress, false);
    assertThat(h1(reopened)).isEqualTo(Applicant.interfaceText("en", "done.title"));
    WebElement back = reopened.driver().findElement(By.cssSelector("a.button"));
    assertThat(back.getText()).isEqualTo(Applicant.interfaceText("en", "button.back_to_lender"));
    step(reopened, "thank-you");
    reopened.clickAndWait(back);
    assertThat(reopened.driver().getCurrentUrl()).isEqualTo(lender.url("/thanks"));

    browser.open(link);
    assertThat(h1())
        .as("the phone, afterwards")
        .isEqualTo(Applicant.interfaceText("en", "finished.title"));
    step(browser, "phone-afterwards-finished");
  }

  @Test
  void anExpiredLinkShowsTheExpiredPageOrGoesToTheExpiredUrl() {
    String link = newSession(deployment(null));
    browser.open(link);
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    answerStatements(browser, 3);
    step(browser, "page-1-answered");
    server.clock().advance(Duration.ofHours(25));
    browser.clickAndWait(browser.driver().findElement(NEXT));
    // A late post is sent back to the link, which shows why (status 410); a reload is harmless.
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(link);
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "expired.title"));
    assertThat(browser.driver().findElement(By.tagName("main")).getText())
        .contains(Applicant.interfaceText("en", "expired.text"));
    assertThat(browser.driver().findElements(By.tagName("form"))).isEmpty();
    step(browser, "expired-built-in", "status of 410");
    browser.open(link);
    assertThat(h1()).as("opened again").isEqualTo(Applicant.interfaceText("en", "expired.title"));
    browser.consoleProblems();

    Deployment withUrl = deployment("{\"expired_url\": \"" + lender.url("/late") + "\"}");
    String late = newSession(withUrl);
    browser.open(late);
    step(browser, "consent-before-expiry");
    server.clock().advance(Duration.ofHours(25));
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(lender.url("/late"));
    step(browser, "expired-url-after-consent");
    browser.open(late);
    assertThat(browser.driver().getCurrentUrl()).as("opened again").isEqualTo(lender.url("/late"));
  }

  @Test
  void aBrowserThatPrefersSpanishGetsSpanishAndCanSwitchToFrench() {
    String link = newSession(deployment(null));
    Browser spanish = other(Browser.phoneWithoutScripts("es-CO,es", PHONE_WIDTH, PHONE_HEIGHT));
    spanish.open(link);
    WebDriver driver = spanish.driver();
    assertThat(driver.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("es");
    assertThat(driver.findElement(ACCEPT).getText())
        .isEqualTo(Applicant.interfaceText("es", "consent.accept"));
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo(Applicant.interfaceText("es", "consent.title"));
    assertThat(
            new Select(driver.findElement(By.id("lang")))
                .getFirstSelectedOption()
                .getDomAttribute("value"))
        .isEqualTo("es");
    step(spanish, "consent-es");

    new Select(driver.findElement(By.id("lang"))).selectByValue("fr");
    step(spanish, "french-chosen");
    spanish.clickAndWait(driver.findElement(By.cssSelector("form.language button")));
    assertThat(driver.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("fr");
    assertThat(driver.findElement(ACCEPT).getText())
        .isEqualTo(Applicant.interfaceText("fr", "consent.accept"));
    step(spanish, "consent-fr");
    spanish.clickAndWait(driver.findElement(ACCEPT));

    ItemBank bank = ItemBank.load();
    Set<String> french = itemTexts(bank.items("fr"));
    Set<String> english = itemTexts(bank.items("en"));
    List<String> shown = texts(driver.findElements(By.cssSelector("fieldset.item legend")));
    assertThat(shown).hasSize(10);
    assertThat(french).containsAll(shown);
    assertThat(shown).doesNotContainAnyElementsOf(english);
    assertThat(texts(driver.findElements(By.cssSelector("fieldset.item:first-of-type label"))))
        .as("the product's plain answer scale, in French")
        .isEqualTo(
            List.of(
                Applicant.interfaceText("fr", "q.choice.1"),
                Applicant.interfaceText("fr", "q.choice.2"),
                Applicant.interfaceText("fr", "q.choice.3"),
                Applicant.interfaceText("fr", "q.choice.4"),
                Applicant.interfaceText("fr", "q.choice.5")));
    assertThat(driver.findElement(NEXT).getText())
        .isEqualTo(Applicant.interfaceText("fr", "button.next"));
    step(spanish, "questionnaire-fr");

    Browser again = other(Browser.phoneWithoutScripts("es-CO,es", PHONE_WIDTH, PHONE_HEIGHT));
    again.open(link);
    assertThat(again.driver().findElement(By.tagName("html")).getDomAttribute("lang"))
        .as("the session keeps its language, whatever the browser prefers")
        .isEqualTo("fr");
  }

  @Test
  void theConsentAndAQuestionnairePageWorkByKeyboardAlone() {
    String link = newSession(deployment(null));
    browser.open(link);
    Actions keys = new Actions(browser.driver());
    for (int i = 0; i < 10 && !focused().equals(browser.driver().findElement(ACCEPT)); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(focused())
        .as("Tab reaches the consent button")
        .isEqualTo(browser.driver().findElement(ACCEPT));
    step(browser, "consent-accept-focused");
    browser.waitForNextPage(() -> keys.sendKeys(Keys.ENTER).perform());
    assertThat(pageLabel()).isEqualTo(Applicant.interfaceText("en", "q.page", 1, 3));
    step(browser, "questionnaire");

    List<WebElement> items = browser.driver().findElements(STATEMENTS);
    for (int i = 0; i < items.size(); i++) {
      // Tab enters the statement's group of five; Space picks the first; arrows move the choice.
      keys.sendKeys(Keys.TAB).perform();
      assertThat(focused().getDomAttribute("type")).isEqualTo("radio");
      assertThat(items.get(i).findElements(By.tagName("input"))).contains(focused());
      keys.sendKeys(Keys.SPACE).perform();
      for (int k = 0; k < i % 5; k++) {
        keys.sendKeys(Keys.ARROW_DOWN).perform();
      }
      List<WebElement> radios = items.get(i).findElements(By.tagName("input"));
      assertThat(radios.get(i % 5).isSelected()).as("statement %d", i + 1).isTrue();
      if (i == 2) {
        step(browser, "radio-focused");
      }
    }
    keys.sendKeys(Keys.TAB).perform();
    assertThat(focused()).isEqualTo(browser.driver().findElement(NEXT));
    step(browser, "next-focused");
    browser.waitForNextPage(() -> keys.sendKeys(Keys.ENTER).perform());
    assertThat(pageLabel()).isEqualTo(Applicant.interfaceText("en", "q.page", 2, 3));
    step(browser, "page-2");
  }

  /**
   * The plain form, with no script on the page, in a browser that skips {@code required} (the test
   * sets the form's {@code novalidate} from the driver, as such a browser behaves): a page sent
   * with two statements unanswered comes back through a redirect to the link, in French only,
   * naming the two, with every other answer still ticked; answering the two moves on.
   */
  @Test
  void aRefusedQuestionnairePageWithoutJavaScriptKeepsItsAnswersAndNamesTheMissing() {
    String link = newSession(deployment(null));
    Browser french = other(Browser.phoneWithoutScripts("fr-FR,fr", PHONE_WIDTH, PHONE_HEIGHT));
    WebDriver driver = french.driver();
    french.open(link);
    french.clickAndWait(driver.findElement(ACCEPT));
    assertThat(driver.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("fr");
    assertThat(driver.findElements(By.tagName("script"))).as("no script on the page").isEmpty();
    List<WebElement> items = driver.findElements(STATEMENTS);
    List<String> legends = texts(driver.findElements(By.cssSelector("fieldset.item legend")));
    assertThat(items).hasSize(10);
    for (int i = 0; i < items.size(); i++) {
      if (i != 2 && i != 7) {
        items.get(i).findElements(By.cssSelector(".scale label")).get(i % 5).click();
      }
    }
    french.js("document.querySelector(\"form[action$='/questionnaire']\").noValidate = true");
    step(french, "page-1-two-unanswered");
    french.clickAndWait(driver.findElement(NEXT));

    assertThat(driver.getCurrentUrl()).as("redirected to the link").isEqualTo(link);
    WebElement alert = driver.findElement(By.cssSelector("[role=alert]"));
    assertThat(alert.getText().replace('\u00A0', ' '))
        .contains(Applicant.interfaceText("fr", "q.missing"))
        .contains(Applicant.interfaceText("fr", "q.missing_list").replace('\u00A0', ' '))
        .doesNotContain(Applicant.interfaceText("en", "q.missing"));
    assertThat(texts(alert.findElements(By.tagName("li"))))
        .as("the two statements left unanswered, named")
        .containsExactly(legends.get(2), legends.get(7));
    assertThat(texts(driver.findElements(By.cssSelector("fieldset.item legend"))))
        .isEqualTo(legends);
    items = driver.findElements(STATEMENTS);
    for (int i = 0; i < items.size(); i++) {
      List<WebElement> radios = items.get(i).findElements(By.cssSelector("input[type=radio]"));
      List<Boolean> selected = radios.stream().map(WebElement::isSelected).toList();
      if (i == 2 || i == 7) {
        assertThat(selected).as("statement %d", i + 1).doesNotContain(true);
        assertThat(items.get(i).getText())
            .contains(Applicant.interfaceText("fr", "q.not_answered"));
      } else {
        assertThat(selected.indexOf(true)).as("statement %d still ticked", i + 1).isEqualTo(i % 5);
      }
    }
    assertThat(driver.findElement(By.tagName("main")).getText())
        .as("no English on the French page")
        .doesNotContain("could not be saved")
        .doesNotContain("Please");
    step(french, "page-1-refused");

    // The alert's links lead to the statements; answering them sends the page.
    alert.findElements(By.tagName("a")).get(0).click();
    assertThat(driver.getCurrentUrl()).endsWith("#" + items.get(2).getDomAttribute("id"));
    items.get(2).findElements(By.cssSelector(".scale label")).get(0).click();
    items.get(7).findElements(By.cssSelector(".scale label")).get(4).click();
    step(french, "page-1-completed");
    french.clickAndWait(driver.findElement(NEXT));
    assertThat(driver.findElement(By.cssSelector(".card > .muted")).getText())
        .isEqualTo(Applicant.interfaceText("fr", "q.page", 2, 3));
    assertThat(driver.findElements(By.cssSelector("[role=alert]"))).isEmpty();
    step(french, "page-2");
  }

  // --- playing the journey ----------------------------------------------------------------------

  private void playQuestionnaire(Browser b, List<Integer> progress) {
    Set<String> seen = new HashSet<>();
    while (!b.driver().findElements(NEXT).isEmpty()) {
      int page =
          Integer.parseInt(
              b.driver().findElement(By.cssSelector("input[name=page]")).getDomAttribute("value"));
      progress.add(progressValue(b));
      List<String> shown = texts(b.driver().findElements(By.cssSelector("fieldset.item legend")));
      assertThat(shown).hasSize(10);
      assertThat(seen).as("a page of new statements").doesNotContainAnyElementsOf(shown);
      seen.addAll(shown);
      step(b, "questionnaire-page-" + page);
      answerStatements(b, page);
      step(b, "questionnaire-page-" + page + "-answered");
      b.clickAndWait(b.driver().findElement(NEXT));
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(10);
  }

  /** Clicks one answer's label in every statement of the page (a different one each time). */
  private void answerStatements(Browser b, int seed) {
    List<WebElement> items = b.driver().findElements(STATEMENTS);
    assertThat(items).isNotEmpty();
    for (int i = 0; i < items.size(); i++) {
      List<WebElement> labels = items.get(i).findElements(By.cssSelector(".scale label"));
      assertThat(labels).hasSize(5);
      WebElement label = labels.get((i + seed) % 5);
      label.click();
      assertThat(label.findElement(By.tagName("input")).isSelected())
          .as("clicking the label's text picks its answer")
          .isTrue();
    }
  }

  /**
   * A game opens with its instructions and a Ready button, and nothing of the game before it: the
   * applicant reads, then presses Ready.
   */
  private void ready(Browser b, String title, String name) {
    assertThat(h1(b)).isEqualTo(Applicant.interfaceText("en", title));
    assertThat(b.driver().findElements(By.cssSelector("form input[type=hidden]:not([name=ready])")))
        .as("the instructions show nothing of the game yet")
        .isEmpty();
    step(b, name + "-instructions");
    b.clickAndWait(b.driver().findElement(By.cssSelector("button[name=ready]")));
  }

  private void playBalloons(Browser b, List<Integer> progress) {
    ready(b, "bart.title", "balloons");
    By balloon = By.cssSelector("input[name=balloon]");
    Map<Integer, Integer> pumps = new HashMap<>();
    while (!b.driver().findElements(balloon).isEmpty()) {
      progress.add(progressValue(b));
      assertThat(h1(b)).isEqualTo(Applicant.interfaceText("en", "bart.title"));
      int index = Integer.parseInt(b.driver().findElement(balloon).getDomAttribute("value"));
      int pumped = pumps.getOrDefault(index, 0);
      assertThat(b.driver().findElement(By.cssSelector(".card")).getText())
          .contains(Applicant.interfaceText("en", "bart.current", pumped));
      step(b, "balloon-" + index + "-" + pumped + "-pumps");
      if (pumped < 2) {
        pumps.put(index, pumped + 1);
        b.clickAndWait(b.driver().findElement(By.cssSelector("button[value=pump]")));
      } else {
        b.clickAndWait(b.driver().findElement(By.cssSelector("button[value=collect]")));
      }
    }
    assertThat(pumps).as("both balloons played (pumped, then collected or burst)").hasSize(2);
  }

  private void playChoices(Browser b, List<Integer> progress) {
    ready(b, "dd.title", "choices");
    By later = By.cssSelector("button[name=choice][value=later]");
    By today = By.cssSelector("button[name=choice][value=today]");
    int n = 0;
    while (!b.driver().findElements(later).isEmpty()) {
      n++;
      progress.add(progressValue(b));
      assertThat(h1(b)).isEqualTo(Applicant.interfaceText("en", "dd.title"));
      String shown = b.driver().findElement(By.tagName("main")).getText();
      assertThat(shown).contains(Applicant.interfaceText("en", "dd.count", n, 2));
      if (n == 1) {
        assertThat(shown)
            .as("the next choice waits unseen for a script, which this phone does not run")
            .doesNotContain(Applicant.interfaceText("en", "dd.later", 50, 7));
      }
      step(b, "choice-" + n);
      b.clickAndWait(b.driver().findElement(n % 2 == 1 ? later : today));
    }
    assertThat(n).isEqualTo(2);
  }

  /**
   * The practice round, Begin, then each round: read the digits while they show, let the page
   * replace them by itself (the server sends a Refresh header for the seconds left by its clock;
   * the test moves that clock past the showing time, so the reload the browser makes on its own
   * shows the answer field), type them.
   */
  private void playMemory(Browser b, List<Integer> progress, boolean correctly) {
    ready(b, "mem.title", "memory");
    By digitsShown = By.cssSelector(".digits");
    for (int round = 0; round <= 2; round++) {
      long loaded = System.nanoTime();
      WebElement shown = b.driver().findElement(By.tagName("html"));
      String digits = b.driver().findElement(digitsShown).getText();
      // From now on the server's clock says the digits have been shown long enough; the page,
      // already in the browser, still shows them until its Refresh header reloads it.
      server.clock().advance(Duration.ofSeconds(30));
      progress.add(progressValue(b));
      assertThat(h1(b)).isEqualTo(Applicant.interfaceText("en", "mem.title"));
      assertThat(b.driver().findElement(By.cssSelector("#memory-stage .muted")).getText())
          .isEqualTo(
              round == 0
                  ? Applicant.interfaceText("en", "mem.practice_round")
                  : Applicant.interfaceText("en", "mem.round", round));
      // The practice round and round 1 have the start length; one digit more after each right
      // answer of a scored round.
      int length = correctly ? 2 + Math.max(1, round) : 3;
      assertThat(digits).as("round %d", round).matches("[0-9]{" + length + "}");
      step(b, "memory-round-" + round + "-digits");
      b.wait(Duration.ofSeconds(20)).until(Browser.gone(shown));
      b.waitForPage();
      double seconds = (System.nanoTime() - loaded) / 1e9;
      System.out.printf(
          "memory round %d: %d digits, replaced after %.1f s%n", round, length, seconds);
      assertThat(seconds)
          .as("the page replaces its digits by itself after about a second a digit plus one")
          .isGreaterThan(length - 0.5);
      assertThat(b.driver().findElements(digitsShown)).as("the digits are gone").isEmpty();
      assertThat(b.driver().getPageSource()).doesNotContain(">" + digits + "<");
      WebElement answer = b.driver().findElement(By.id("answer"));
      assertThat(answer.getDomAttribute("inputmode")).isEqualTo("numeric");
      step(b, "memory-round-" + round + "-answer-field");
      answer.sendKeys(correctly ? digits : "0");
      step(b, "memory-round-" + round + "-typed");
      b.waitForNextPage(() -> answer.sendKeys(Keys.ENTER));
      if (round == 0) {
        // Whether the practice was right, that the game counts from now on, and no digit yet.
        String said = b.driver().findElement(By.id("memory-stage")).getText();
        assertThat(said)
            .contains(Applicant.interfaceText("en", correctly ? "mem.correct" : "mem.wrong"))
            .contains(Applicant.interfaceText("en", "mem.practice_done"));
        assertThat(b.driver().findElements(digitsShown)).isEmpty();
        step(b, "memory-practice-done");
        b.clickAndWait(b.driver().findElement(By.cssSelector("button[name=begin]")));
      }
    }
  }

  // --- checks made at every step ----------------------------------------------------------------

  /**
   * Saves the step's screenshot, then checks that the page fits the phone's width, that every
   * control has a label and every button a name, and that the console is quiet except for what
   * {@code allowed} names (a response status the page is meant to have, such as 410). The
   * screenshot is {@code target/screenshots/<test>/<nn>-<name>.png}.
   */
  private void step(Browser b, String name, String... allowed) {
    b.screenshotAndCheck(
        screenshots.resolve(String.format("%02d-%s.png", ++shots, name)),
        test + " / " + name,
        server.baseUrl(),
        allowed);
  }

  // --- small helpers ----------------------------------------------------------------------------

  private Browser other(Browser started) {
    others.add(started);
    return started;
  }

  private Deployment deployment(String settings) {
    Deployment deployment = server.newDeployment();
    server.patchIntegration(deployment.productionIntegrationId(), SMALL);
    if (settings != null) {
      JsonNode patched = server.patchIntegration(deployment.productionIntegrationId(), settings);
      assertThat(patched.has("error")).as(patched.toString()).isFalse();
    }
    return deployment;
  }

  /** A session as a lender creates it; the link the applicant is sent to. */
  private String newSession(Deployment deployment) {
    String uid = "BRW-" + String.format("%06d", UIDS.incrementAndGet());
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created).get("redirect_url").asText();
  }

  private String h1() {
    return h1(browser);
  }

  private static String h1(Browser b) {
    return b.driver().findElement(By.tagName("h1")).getText();
  }

  private String pageLabel() {
    return browser.driver().findElement(By.cssSelector(".card > .muted")).getText();
  }

  private List<String> statements() {
    return texts(browser.driver().findElements(By.cssSelector("fieldset.item legend")));
  }

  private static int progressValue(Browser b) {
    return Integer.parseInt(b.driver().findElement(By.id("progress")).getDomAttribute("value"));
  }

  private WebElement focused() {
    return browser.driver().switchTo().activeElement();
  }

  private static List<String> texts(List<WebElement> elements) {
    return elements.stream().map(WebElement::getText).toList();
  }

  private static Set<String> itemTexts(List<ItemBank.Item> items) {
    return items.stream().map(ItemBank.Item::text).collect(Collectors.toSet());
  }

  /** The lender's own site, on 127.0.0.1: any path answers a small page, and is remembered. */
  private static final class Lender implements AutoCloseable {
    private final HttpServer http;
    private final List<String> hits = new CopyOnWriteArrayList<>();

    private Lender(HttpServer http) {
      this.http = http;
    }

    static Lender start() {
      try {
        HttpServer http =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Lender lender = new Lender(http);
        http.createContext(
            "/",
            exchange -> {
              String path = exchange.getRequestURI().getPath();
              if (path.equals("/favicon.ico")) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
              }
              lender.hits.add(path);
              byte[] page =
                  ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                          + "<meta name=\"viewport\" content=\"width=device-width\">"
                          + "<title>Lender</title></head><body><h1>Back at the lender</h1><p>"
                          + path
                          + "</p></body></html>")
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
              exchange.sendResponseHeaders(200, page.length);
              exchange.getResponseBody().write(page);
              exchange.close();
            });
        http.start();
        return lender;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String url(String path) {
      return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    List<String> hits() {
      return hits;
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
