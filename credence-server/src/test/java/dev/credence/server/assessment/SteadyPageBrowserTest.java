package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.Browser.Box;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A steady, readable applicant page, in Chromium on a 390 by 844 phone: axe-core finds nothing on
 * any page an applicant can see, everything they tap is at least 44 pixels tall and wide, the
 * balloon stays in its box however far it is pumped, the Pump button stays under the thumb between
 * taps (played on the page by its script, as a phone with JavaScript plays it), and the answer
 * options use the product's own plain scale in the interface language.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SteadyPageBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final int WIDTH = 390;
  private static final int HEIGHT = 844;

  /** The smallest tap target the usual guidance asks for, in CSS pixels. */
  private static final double TAP = 44;

  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By DECLINE = By.cssSelector("button[name=decision][value=decline]");
  private static final By NEXT = By.cssSelector("form[action$='/questionnaire'] button");
  private static final String PUMP = "button[value=pump]";
  private static final String COLLECT = "button[value=collect]";

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
    browser = Browser.phone("en-GB,en", WIDTH, HEIGHT);
    screenshots =
        Browser.emptyDirectory(
            Path.of(
                System.getProperty("basedir", "."),
                "target",
                "screenshots",
                "SteadyPageBrowserTest",
                info.getTestMethod().orElseThrow().getName()));
  }

  // --- every page an applicant can see ----------------------------------------------------------

  /**
   * One walk through every page an applicant can see, two checks on each: what axe-core finds, and
   * what can be tapped but is under 44 by 44 CSS pixels.
   */
  @Test
  void axeFindsNothingAndEverythingAnApplicantTapsIsAtLeast44PixelsOnAnyApplicantPage() {
    Map<String, List<String>> tapTargets = new LinkedHashMap<>();
    Map<String, List<String>> axe =
        walkEveryPage(
            (name, b) -> {
              tapTargets.put(name, b.tapTargetsSmallerThan(TAP));
              return b.axeViolations();
            });
    System.out.printf("axe-core checked %d applicant pages%n", axe.size());
    assertThat(axe).hasSizeGreaterThan(15);
    assertThat(tapTargets).hasSameSizeAs(axe);
    assertThat(withFindings(axe)).as("axe-core's violations, page by page").isEmpty();
    assertThat(withFindings(tapTargets)).as("tap targets under %s px, page by page", TAP).isEmpty();
  }

  // --- the balloon game -------------------------------------------------------------------------

  @Test
  void theBalloonStaysInItsBoxAtAnyPumpCountUpTo128() {
    String uid = newUid();
    String link = newSession(uid, balloons(2, 128));
    browser.open(link);
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    browser.clickAndWait(browser.find("button[name=ready]"));
    Box box = browser.box(".balloon");
    Box smallest = browser.box(".balloon-body");
    assertThat(box.contains(smallest)).isTrue();
    for (int pumps : List.of(1, 16, 32, 64, 96, 127, 128)) {
      // Pumped this far by the database: a balloon that bursts only after 128 pumps.
      sql(
          "UPDATE balloons SET burst_point = 129, pumps = ? WHERE balloon = 1"
              + " AND session_id = (SELECT id FROM sessions WHERE uid = ?)",
          pumps,
          uid);
      browser.open(link);
      assertThat(browser.find("main").getText())
          .contains(Applicant.interfaceText("en", "bart.current", pumps));
      Box now = browser.box(".balloon");
      Box balloon = browser.box(".balloon-body");
      assertThat(List.of(now.width(), now.height()))
          .as("the box keeps its size at %d pumps", pumps)
          .isEqualTo(List.of(box.width(), box.height()));
      assertThat(now.contains(balloon))
          .as("the balloon %s stays in its box %s at %d pumps", balloon, now, pumps)
          .isTrue();
      assertThat(browser.js("return document.documentElement.scrollWidth <= innerWidth"))
          .as("no sideways scrolling at %d pumps", pumps)
          .isEqualTo(true);
    }
    browser.screenshot(screenshots.resolve("balloon-at-128-pumps.png"));
    assertThat(browser.box(".balloon-body").height())
        .as("it has grown")
        .isGreaterThan(3 * smallest.height());
  }

  @Test
  void thePumpButtonStaysUnderTheThumbAcrossAPumpACollectAndABurst() {
    String uid = newUid();
    String link = newSession(uid, balloons(3, 64));
    browser.open(link);
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    browser.clickAndWait(browser.find("button[name=ready]"));
    Box pump = browser.box(PUMP);
    Box collect = browser.box(COLLECT);
    assertThat(pump.y() + pump.height()).as("on the screen").isLessThanOrEqualTo(HEIGHT);

    List<String> taps = new ArrayList<>();
    // Balloon 1 bursts only at its last pump, so two pumps and a collect are safe.
    setBurstPoint(uid, 1, 64);
    browser.open(link);
    tap(PUMP, "a first pump (the instructions go away)", pump, collect, taps);
    tap(PUMP, "a second pump", pump, collect, taps);
    tap(COLLECT, "a collect (the next balloon, with the outcome above it)", pump, collect, taps);
    assertThat(browser.find("main").getText())
        .contains(Applicant.interfaceText("en", "bart.collected", 2));
    // The page's script sends the balloon in the background: it reaches the server first.
    browser
        .wait(Duration.ofSeconds(15))
        .until(d -> Long.valueOf(0).equals(browser.js("return Credence.pending().length")));
    setBurstPoint(uid, 2, 2);
    browser.open(link);
    tap(PUMP, "a pump of the next balloon", pump, collect, taps);
    tap(PUMP, "a burst", pump, collect, taps);
    assertThat(browser.find("main").getText())
        .contains(Applicant.interfaceText("en", "bart.burst"));
    browser.screenshot(screenshots.resolve("after-a-burst.png"));
    assertThat(taps).hasSize(5);
  }

  private void tap(String button, String what, Box pump, Box collect, List<String> taps) {
    tapBalloon(button);
    assertThat(browser.box(PUMP)).as("Pump after %s", what).isEqualTo(pump);
    assertThat(browser.box(COLLECT)).as("Collect after %s", what).isEqualTo(collect);
    taps.add(what);
  }

  /**
   * A tap in the balloon game: its script plays it on the page (the page's text changes), or, after
   * the last balloon, the page moves on. Just after a balloon ends the game takes no tap for a
   * moment (a double tap's second tap is the first balloon's): the tap waits for that.
   */
  private void tapBalloon(String button) {
    browser
        .wait(Duration.ofSeconds(5))
        .ignoring(org.openqa.selenium.WebDriverException.class)
        .until(
            d ->
                Boolean.TRUE.equals(
                    browser.js("return !document.querySelector('[data-settling]')")));
    WebElement page = browser.find("html");
    List<WebElement> buttons = browser.driver().findElements(By.cssSelector(button));
    if (buttons.isEmpty()) {
      // The last balloon's result has been sent since the game was looked at: the link shows
      // what comes next.
      browser.waitForPage();
      return;
    }
    String before = browser.find("main").getText();
    buttons.get(0).click();
    browser
        .wait(Duration.ofSeconds(15))
        .until(
            d -> {
              if (Browser.gone(page).apply(d)) {
                return true;
              }
              try {
                return !before.equals(browser.find("main").getText());
              } catch (org.openqa.selenium.WebDriverException loading) {
                return false;
              }
            });
    browser.waitForPage();
  }

  private void setBurstPoint(String uid, int balloon, int burstPoint) {
    sql(
        "UPDATE balloons SET burst_point = ? WHERE balloon = ?"
            + " AND session_id = (SELECT id FROM sessions WHERE uid = ?)",
        burstPoint,
        balloon,
        uid);
  }

  // --- the answer scale -------------------------------------------------------------------------

  @Test
  void theAnswerOptionsUseThePlainScaleOfTheInterfaceLanguage() {
    ItemBank bank = ItemBank.load();
    for (String language : List.of("en", "es", "sw")) {
      try (Browser phone = Browser.phone(language + "," + language, WIDTH, HEIGHT)) {
        phone.open(newSession(newUid(), small()));
        assertThat(phone.find("html").getDomAttribute("lang")).isEqualTo(language);
        phone.clickAndWait(phone.driver().findElement(ACCEPT));
        List<String> scale = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          scale.add(Applicant.interfaceText(language, "q.choice." + i));
        }
        List<WebElement> items = phone.driver().findElements(By.cssSelector("fieldset.item"));
        assertThat(items).isNotEmpty();
        for (WebElement item : items) {
          assertThat(item.findElements(By.cssSelector(".scale label")))
              .extracting(WebElement::getText)
              .as("%s: the options, from least to most like me", language)
              .isEqualTo(scale);
        }
        String bankLanguage = bank.hasLanguage(language) ? language : "en";
        assertThat(scale).doesNotContainAnyElementsOf(bank.choices(bankLanguage));
      }
    }
  }

  // --- walking every page -----------------------------------------------------------------------

  /**
   * Walks every state of an applicant page and applies {@code check} to each: the consent page
   * before and after choosing another language, each questionnaire page, each balloon state, each
   * choice, each memory round (digits shown, answer asked), the completed and finished pages, the
   * declined consent (and its confirmation when there is one), an expired link and a link that does
   * not work. Returns what {@code check} found, by page.
   */
  private Map<String, List<String>> walkEveryPage(BiFunction<String, Browser, List<String>> check) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    Consumer<String> look =
        name -> {
          browser.screenshot(screenshots.resolve(String.format("%02d-%s.png", found.size(), name)));
          found.put(name, check.apply(name, browser));
        };

    String link = newSession(newUid(), small());
    browser.open(link);
    look.accept("consent");
    new Select(browser.find("#lang")).selectByValue("fr");
    browser.clickAndWait(browser.find("form.language button"));
    assertThat(browser.find("html").getDomAttribute("lang")).isEqualTo("fr");
    look.accept("consent-after-choosing-french");
    browser.clickAndWait(browser.driver().findElement(ACCEPT));
    playThrough(look);
    look.accept("completed");
    browser.open(link);
    look.accept("finished");

    browser.open(newSession(newUid(), small()));
    browser.clickAndWait(browser.driver().findElement(DECLINE));
    List<WebElement> confirm = buttonsSaying(Applicant.interfaceText("en", "consent.decline_yes"));
    if (!confirm.isEmpty()) {
      look.accept("decline-confirmation");
      browser.clickAndWait(confirm.get(0));
    }
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "cancelled.title"));
    look.accept("cancelled");

    String late = newSession(newUid(), small());
    browser.open(late);
    server.clock().advance(Duration.ofHours(25));
    browser.open(late);
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "expired.title"));
    look.accept("expired");

    browser.open(server.baseUrl() + "/" + "A".repeat(40));
    assertThat(h1()).isEqualTo(Applicant.interfaceText("en", "invalid.title"));
    look.accept("invalid-link");
    return found;
  }

  /** Plays whatever the journey shows until no form of it is left, looking at every state. */
  private void playThrough(Consumer<String> look) {
    int pumps = 0;
    for (int step = 1; step <= 60; step++) {
      if (!browser.driver().findElements(NEXT).isEmpty()) {
        look.accept(step + "-questionnaire");
        List<WebElement> items = browser.driver().findElements(By.cssSelector("fieldset.item"));
        for (int i = 0; i < items.size(); i++) {
          items.get(i).findElements(By.cssSelector(".scale label")).get(i % 5).click();
        }
        browser.clickAndWait(browser.driver().findElement(NEXT));
      } else if (!browser.driver().findElements(By.cssSelector(PUMP)).isEmpty()) {
        look.accept(step + "-balloon");
        boolean pump = pumps++ % 3 < 2;
        tapBalloon(pump ? PUMP : COLLECT);
      } else if (!browser.driver().findElements(By.cssSelector("button[name=choice]")).isEmpty()) {
        look.accept(step + "-choice");
        // The script shows the next choice without a page load; after the last one (no template
        // holds a choice after it), the link shows the next step. It takes no answer in the first
        // moment a choice is on screen.
        String index = choiceOnScreen();
        String next = "template.next-choice[data-index='" + (Integer.parseInt(index) + 1) + "']";
        boolean last = browser.driver().findElements(By.cssSelector(next)).isEmpty();
        sleep(CHOICE_SETTLES_MS);
        WebElement button = browser.find("main form.choices button[name=choice]");
        if (last) {
          browser.clickAndWait(button);
        } else {
          button.click();
          browser.wait(Duration.ofSeconds(15)).until(d -> !index.equals(choiceOnScreen()));
        }
      } else if (!browser.driver().findElements(By.id("memory-screens")).isEmpty()) {
        playMemory(step, look);
      } else if (!browser.driver().findElements(By.cssSelector(".digits")).isEmpty()) {
        look.accept(step + "-memory-digits");
        WebElement shown = browser.find("html");
        String digits = browser.find(".digits").getText();
        // The page reloads by itself once the server's clock says the digits were shown long
        // enough: moved on here, so the reload the page asks for shows the answer field.
        server.clock().advance(Duration.ofSeconds(30));
        browser.wait(Duration.ofSeconds(20)).until(Browser.gone(shown));
        browser.waitForPage();
        look.accept(step + "-memory-answer");
        WebElement answer = browser.find("#answer");
        answer.sendKeys(digits);
        browser.waitForNextPage(() -> answer.sendKeys(Keys.ENTER));
      } else {
        List<WebElement> forms = browser.driver().findElements(By.cssSelector("main form"));
        forms.removeIf(
            form ->
                form.getDomAttribute("class") != null
                    && form.getDomAttribute("class").contains("language"));
        if (forms.isEmpty()) {
          return;
        }
        // A page of another kind (a game's instructions before it starts): its first button.
        look.accept(step + "-other");
        browser.clickAndWait(forms.get(0).findElement(By.cssSelector("button")));
      }
    }
    throw new AssertionError("the journey did not end within 60 steps");
  }

  /**
   * The memory game as its script plays it, without a page load: the instructions, then each
   * round's digits and answer field, and the practice round's outcome with Begin; every answer
   * right, until the game is over and the link shows what comes next.
   */
  private void playMemory(int step, Consumer<String> look) {
    look.accept(step + "-memory-instructions");
    WebElement page = browser.find("html");
    browser.find("button[name=ready]").click();
    for (int round = 0; round <= 10; round++) {
      browser
          .wait(Duration.ofSeconds(20))
          .until(d -> !d.findElements(By.cssSelector(".digits")).isEmpty());
      String digits = browser.find(".digits").getText();
      look.accept(step + "-memory-" + round + "-digits");
      browser.wait(Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("answer")).isEmpty());
      look.accept(step + "-memory-" + round + "-answer");
      WebElement answer = browser.find("#answer");
      answer.sendKeys(digits, Keys.ENTER);
      String next =
          browser
              .wait(Duration.ofSeconds(20))
              .until(
                  d -> {
                    if (Browser.gone(page).apply(d)) {
                      return "over";
                    }
                    return !d.findElements(By.cssSelector("button[name=begin]")).isEmpty()
                        ? "begin"
                        : d.findElements(By.cssSelector(".digits")).isEmpty() ? null : "round";
                  });
      if ("over".equals(next)) {
        browser.waitForPage();
        return;
      }
      if ("begin".equals(next)) {
        look.accept(step + "-memory-practice-done");
        browser.find("button[name=begin]").click();
      }
    }
    throw new AssertionError("the memory game did not end within 10 rounds");
  }

  /** Longer than the choices script ignores a tap for after showing a choice (a double tap). */
  private static final long CHOICE_SETTLES_MS = 400;

  /** The index of the choice on screen, or null when none is. */
  private String choiceOnScreen() {
    List<WebElement> index =
        browser.driver().findElements(By.cssSelector("main form.choices input[name=index]"));
    return index.isEmpty() ? null : index.get(0).getDomAttribute("value");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Map<String, List<String>> withFindings(Map<String, List<String>> found) {
    Map<String, List<String>> problems = new LinkedHashMap<>(found);
    problems.values().removeIf(List::isEmpty);
    return problems;
  }

  // --- small helpers ----------------------------------------------------------------------------

  private List<WebElement> buttonsSaying(String words) {
    return browser.driver().findElements(By.cssSelector("main button")).stream()
        .filter(button -> button.getText().trim().equals(words))
        .toList();
  }

  private String h1() {
    return browser.find("h1").getText();
  }

  private static String newUid() {
    return "STD-" + String.format("%06d", UIDS.incrementAndGet());
  }

  private Deployment small() {
    Deployment deployment = server.newDeployment();
    patch(deployment, Applicant.SMALL_ASSESSMENT);
    return deployment;
  }

  private Deployment balloons(int balloons, int maxPumps) {
    Deployment deployment = server.newDeployment();
    patch(
        deployment,
        "{\"assessment\": {\"modules\": [{\"type\": \"balloons\", \"balloons\": "
            + balloons
            + ", \"max_pumps\": "
            + maxPumps
            + "}]}}");
    return deployment;
  }

  private void patch(Deployment deployment, String settings) {
    JsonNode patched = server.patchIntegration(deployment.productionIntegrationId(), settings);
    assertThat(patched.has("error")).as(patched.toString()).isFalse();
  }

  /** A session as a lender creates it; the link the applicant is sent to. */
  private String newSession(String uid, Deployment deployment) {
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created).get("redirect_url").asText();
  }

  private void sql(String statement, Object... values) {
    int changed =
        server.database(
            h -> {
              var update = h.createUpdate(statement);
              for (int i = 0; i < values.length; i++) {
                update.bind(i, values[i]);
              }
              return update.execute();
            });
    assertThat(changed).as(statement).isEqualTo(1);
  }
}
