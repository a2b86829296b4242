package dev.credence.server.assessment.balloons;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.interactions.Actions;

/**
 * The balloon game in Chromium on a 390 by 844 phone. With JavaScript it is played on the device:
 * no page load between taps, one request a finished balloon, a burst exactly at the burst point the
 * server stored (which no attribute of the page carries), and nothing lost to a reload or a moment
 * offline. Without JavaScript the forms play it. axe-core finds nothing in any state. Screenshots
 * go to {@code target/screenshots/BalloonGameBrowserTest/<test>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BalloonGameBrowserTest {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final int WIDTH = 390;
  private static final int HEIGHT = 844;
  private static final int MAX_PUMPS = 16;
  private static final By ACCEPT = By.cssSelector("button[name=decision][value=accept]");
  private static final By READY = By.cssSelector("button[name=ready]");
  private static final String PUMP = "button[value=pump]";
  private static final String COLLECT = "button[value=collect]";

  private RunningServer server;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server = RunningServer.start(TestDatabase.H2);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withJavaScriptTheGameIsPlayedOnTheDeviceAtOneRequestABalloon(TestInfo info) {
    Path shots = screenshots(info);
    // Burst points no number of the page can be mistaken for (0, 1, 4, 16, 100 ...).
    int[] burstPoints = {5, 7, 13, 11};
    try (Browser phone = Browser.phone("en-GB,en", WIDTH, HEIGHT)) {
      Game game = startGame(phone, 4, burstPoints);
      assertThat(attributeTokens(phone))
          .as("no attribute of the page carries a burst point")
          .doesNotContainAnyElementsOf(List.of("5", "7", "13", "11"));
      assertThat(attributeTokens(Applicant.interfaceText("en", "bart.title"), game))
          .as("nor does the page as the server sends it")
          .doesNotContainAnyElementsOf(List.of("5", "7", "13", "11"));
      phone.js("window.stillThePage = true;");
      assertThat(phone.axeViolations()).as("axe: the first balloon").isEmpty();

      // Balloon 1: three pumps, then collected.
      for (int k = 1; k <= 3; k++) {
        tap(phone, PUMP);
        assertThat(status(phone)).contains(Applicant.interfaceText("en", "bart.current", k));
      }
      assertThat(size(phone)).isEqualTo("balloon-size-4");
      assertThat(phone.axeViolations()).as("axe: a balloon being pumped").isEmpty();
      tap(phone, COLLECT);
      assertThat(main(phone))
          .contains(Applicant.interfaceText("en", "bart.collected", 3))
          .contains(Applicant.interfaceText("en", "bart.balloon", 2, 4))
          .contains(Applicant.interfaceText("en", "bart.current", 0))
          .contains(Applicant.interfaceText("en", "bart.total", 3));
      phone.screenshot(shots.resolve("01-collected.png"));
      assertThat(phone.axeViolations()).as("axe: after a collect").isEmpty();

      // Balloon 2 takes six pumps and bursts at the seventh, its stored burst point.
      for (int k = 1; k <= 6; k++) {
        tap(phone, PUMP);
      }
      assertThat(main(phone))
          .contains(Applicant.interfaceText("en", "bart.balloon", 2, 4))
          .contains(Applicant.interfaceText("en", "bart.current", 6));
      tap(phone, PUMP);
      assertThat(main(phone))
          .contains(Applicant.interfaceText("en", "bart.burst"))
          .contains(Applicant.interfaceText("en", "bart.balloon", 3, 4))
          .contains(Applicant.interfaceText("en", "bart.total", 3));
      assertThat(phone.js("return document.activeElement.value")).as("focus").isEqualTo("pump");
      phone.screenshot(shots.resolve("02-burst.png"));
      assertThat(phone.axeViolations()).as("axe: after a burst").isEmpty();

      // Balloon 3: a double tap on Pump is two pumps; on Collect, one collect, sent once.
      new Actions(phone.driver()).doubleClick(phone.find(PUMP)).perform();
      phone.wait(Duration.ofSeconds(5)).until(d -> status(phone).contains(current(2)));
      phone.find(PUMP).sendKeys(Keys.SPACE); // by the keyboard
      phone.wait(Duration.ofSeconds(5)).until(d -> status(phone).contains(current(3)));
      tap(phone, PUMP);
      assertThat(status(phone)).contains(current(4));
      new Actions(phone.driver()).doubleClick(phone.find(COLLECT)).perform();
      phone.wait(Duration.ofSeconds(5)).until(d -> main(phone).contains(balloonOf(4)));
      settled(phone);
      assertThat(main(phone))
          .as("the second tap of the double tap was for balloon 3, not a collect of balloon 4")
          .contains(Applicant.interfaceText("en", "bart.collected", 4))
          .contains(current(0));
      waitUntilSent(phone);
      assertThat(fetches(phone)).as("one request a finished balloon").isEqualTo(3);
      assertThat(phone.js("return window.stillThePage === true"))
          .as("no page load between taps")
          .isEqualTo(true);
      assertThat(stored(game.uid()))
          .containsExactly("1:3:COLLECTED", "2:7:BURST", "3:4:COLLECTED", "4:0:null");

      // Balloon 4 bursts at 11, the last balloon: the link then shows what comes next.
      for (int k = 1; k <= 10; k++) {
        tap(phone, PUMP);
      }
      assertThat(status(phone)).contains(current(10));
      phone.waitForNextPage(() -> phone.find(PUMP).click());
      assertThat(phone.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));
      assertThat(stored(game.uid()))
          .containsExactly("1:3:COLLECTED", "2:7:BURST", "3:4:COLLECTED", "4:11:BURST");
      assertThat(phone.consoleProblems()).as("the console").isEmpty();
    }
  }

  @Test
  void aReloadAndAMomentOfflineLoseNothing(TestInfo info) {
    Path shots = screenshots(info);
    try (Browser phone = Browser.phone("en-GB,en", WIDTH, HEIGHT)) {
      Game game = startGame(phone, 4, new int[] {9, 9, 9, 9});
      for (int k = 1; k <= 2; k++) {
        tap(phone, PUMP);
      }
      tap(phone, COLLECT);
      waitUntilSent(phone);
      assertThat(stored(game.uid())).startsWith("1:2:COLLECTED");

      // Offline: balloon 2 is collected all the same and waits on the phone.
      phone.driver().setNetworkConditions(offline(true));
      for (int k = 1; k <= 3; k++) {
        tap(phone, PUMP);
      }
      tap(phone, COLLECT);
      assertThat(main(phone)).contains(balloonOf(3)).contains(total(5));
      phone
          .wait(Duration.ofSeconds(10))
          .until(
              d -> phone.find("#sync").isDisplayed() && !phone.find("#sync").getText().isBlank());
      assertThat(phone.find("#sync").getText())
          .isEqualTo(Applicant.interfaceText("en", "game.offline"));
      phone.screenshot(shots.resolve("01-offline.png"));
      assertThat(phone.axeViolations()).as("axe: offline").isEmpty();
      assertThat(pending(phone)).isEqualTo(1);
      assertThat(stored(game.uid()).get(1)).isEqualTo("2:0:null");
      phone.driver().setNetworkConditions(offline(false));
      waitUntilSent(phone);
      assertThat(stored(game.uid()).get(1)).as("sent once back online").isEqualTo("2:3:COLLECTED");

      // The results cannot reach the server (the page still loads): balloon 3 is collected and
      // balloon 4 pumped, then the page is reloaded.
      // The link's own posts only: a pattern is not anchored, and /assets/balloons.js must load.
      phone.driver().executeCdpCommand("Network.enable", Map.of());
      phone
          .driver()
          .executeCdpCommand(
              "Network.setBlockedURLs", Map.of("urls", List.of(game.link() + "/balloons")));
      for (int k = 1; k <= 2; k++) {
        tap(phone, PUMP);
      }
      tap(phone, COLLECT);
      for (int k = 1; k <= 4; k++) {
        tap(phone, PUMP);
      }
      assertThat(pending(phone)).isEqualTo(1);
      phone.waitForNextPage(() -> phone.driver().navigate().refresh());
      assertThat(phone.find("input[name=balloon]").getDomAttribute("value"))
          .as("the server has not got balloon 3")
          .isEqualTo("3");
      System.out.println(
          "DEBUG "
              + main(phone)
              + phone.js(
                  "return JSON.stringify([window.Credence && Credence.pending(), Credence.kept('balloon'), document.scripts.length])")
              + phone.consoleProblems());
      phone.wait(Duration.ofSeconds(5)).until(d -> main(phone).contains(balloonOf(4)));
      assertThat(main(phone)).contains(current(4)).contains(total(7));
      phone.screenshot(shots.resolve("02-after-reload.png"));
      phone.driver().executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
      waitUntilSent(phone);
      assertThat(stored(game.uid()))
          .containsExactly("1:2:COLLECTED", "2:3:COLLECTED", "3:2:COLLECTED", "4:0:null");

      tap(phone, PUMP);
      assertThat(status(phone)).contains(current(5));
      phone.waitForNextPage(() -> phone.find(COLLECT).click());
      assertThat(phone.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));
      assertThat(stored(game.uid()))
          .containsExactly("1:2:COLLECTED", "2:3:COLLECTED", "3:2:COLLECTED", "4:5:COLLECTED");
    }
  }

  @Test
  void withoutJavaScriptTheFormsPlayIt(TestInfo info) {
    Path shots = screenshots(info);
    try (Browser phone = Browser.phoneWithoutScripts("en-GB,en", WIDTH, HEIGHT)) {
      Game game = startGame(phone, 2, new int[] {3, 2});
      phone.clickAndWait(phone.find(PUMP));
      assertThat(status(phone)).contains(current(1));
      phone.clickAndWait(phone.find(PUMP));
      phone.clickAndWait(phone.find(COLLECT));
      assertThat(main(phone))
          .contains(Applicant.interfaceText("en", "bart.collected", 2))
          .contains(balloonOf(2, 2));
      phone.screenshot(shots.resolve("01-collected.png"));
      assertThat(phone.axeViolations()).as("axe: without JavaScript").isEmpty();
      phone.clickAndWait(phone.find(PUMP));
      phone.clickAndWait(phone.find(PUMP));
      assertThat(phone.find("h1").getText()).isEqualTo(Applicant.interfaceText("en", "done.title"));
      assertThat(stored(game.uid())).containsExactly("1:2:COLLECTED", "2:2:BURST");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private record Game(String uid, String link) {}

  /**
   * A session of one balloon game, consented and Ready pressed, its burst points set in the
   * database and the page then opened afresh (it carries the commitments of the points it shows).
   */
  private Game startGame(Browser phone, int balloons, int[] burstPoints) {
    Deployment deployment = server.newDeployment();
    JsonNode patched =
        server.patchIntegration(
            deployment.productionIntegrationId(),
            "{\"assessment\": {\"modules\": [{\"type\": \"balloons\", \"balloons\": "
                + balloons
                + ", \"max_pumps\": "
                + MAX_PUMPS
                + "}]}}");
    assertThat(patched.has("error")).as(patched.toString()).isFalse();
    String uid = "BGB-" + String.format("%06d", UIDS.incrementAndGet());
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String link = json(created).get("redirect_url").asText();
    phone.open(link);
    phone.clickAndWait(phone.driver().findElement(ACCEPT));
    phone.clickAndWait(phone.driver().findElement(READY));
    for (int i = 0; i < burstPoints.length; i++) {
      setBurstPoint(uid, i + 1, burstPoints[i]);
    }
    phone.open(link);
    assertThat(main(phone)).contains(balloonOf(1, balloons));
    return new Game(uid, link);
  }

  /** A tap once the game takes taps again (just after a balloon ends, it takes none). */
  private static void tap(Browser phone, String button) {
    settled(phone);
    phone.find(button).click();
    settled(phone);
  }

  private static void settled(Browser phone) {
    phone
        .wait(Duration.ofSeconds(5))
        .until(
            d ->
                Boolean.TRUE.equals(
                    phone.js("return !document.querySelector('form[data-settling]')")));
  }

  private static void waitUntilSent(Browser phone) {
    phone.wait(Duration.ofSeconds(30)).until(d -> pending(phone) == 0);
  }

  private static long pending(Browser phone) {
    return (Long) phone.js("return window.Credence.pending().length");
  }

  /** The posts the page's scripts made since it was loaded. */
  private static long fetches(Browser phone) {
    return (Long)
        phone.js(
            "return performance.getEntriesByType('resource')"
                + ".filter(e => e.initiatorType === 'fetch').length");
  }

  private static ChromiumNetworkConditions offline(boolean offline) {
    ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
    conditions.setOffline(offline);
    return conditions;
  }

  /** Every whole word or number in any attribute of the page as the browser has it now. */
  private static List<String> attributeTokens(Browser phone) {
    @SuppressWarnings("unchecked")
    List<String> tokens =
        (List<String>)
            phone.js(
                "return Array.from(document.querySelectorAll('*'))"
                    + ".flatMap(e => Array.from(e.attributes))"
                    + ".flatMap(a => a.value.split(/[^0-9A-Za-z]+/))");
    return tokens;
  }

  /** The same, of the page as the server sends it. */
  private List<String> attributeTokens(String title, Game game) {
    String token = game.link().substring(game.link().lastIndexOf('/') + 1);
    String html = new Applicant(server, token).page().body();
    assertThat(html).contains(title);
    List<String> tokens = new ArrayList<>();
    Matcher m = Pattern.compile("[a-z-]+=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      tokens.addAll(List.of(m.group(1).split("[^0-9A-Za-z]+")));
    }
    return tokens;
  }

  private static String main(Browser phone) {
    return phone.find("main").getText();
  }

  private static String status(Browser phone) {
    return phone.find("#balloon-points").getText();
  }

  private static String size(Browser phone) {
    String classes = phone.find(".balloon-body").getDomAttribute("class");
    return classes.substring(classes.indexOf("balloon-size-"));
  }

  private static String current(int pumps) {
    return Applicant.interfaceText("en", "bart.current", pumps);
  }

  private static String total(int points) {
    return Applicant.interfaceText("en", "bart.total", points);
  }

  private static String balloonOf(int balloon) {
    return balloonOf(balloon, 4);
  }

  private static String balloonOf(int balloon, int of) {
    return Applicant.interfaceText("en", "bart.balloon", balloon, of);
  }

  private Path screenshots(TestInfo info) {
    return Browser.emptyDirectory(
        Path.of(
            System.getProperty("basedir", "."),
            "target",
            "screenshots",
            "BalloonGameBrowserTest",
            info.getTestMethod().orElseThrow().getName()));
  }

  /** Each balloon as "number:pumps:outcome", in order. */
  private List<String> stored(String uid) {
    return server.database(
        h ->
            h.createQuery(
                    "SELECT b.balloon, b.pumps, b.outcome FROM balloons b"
                        + " JOIN sessions s ON s.id = b.session_id WHERE s.uid = ?"
                        + " ORDER BY b.balloon")
                .bind(0, uid)
                .map(
                    (rs, ctx) ->
                        rs.getInt("balloon")
                            + ":"
                            + rs.getInt("pumps")
                            + ":"
                            + rs.getString("outcome"))
                .list());
  }

  private void setBurstPoint(String uid, int balloon, int burstPoint) {
    Applicant.setBurstPoint(server, uid, balloon, burstPoint);
  }
}
