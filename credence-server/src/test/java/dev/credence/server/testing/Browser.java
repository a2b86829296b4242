package dev.credence.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver: a phone (360 by 740 CSS pixels
 * unless told otherwise, drawn at twice the density like most phones) or a desktop. It can run
 * axe-core on the page ({@link #axeViolations}) and measure what it lays out. Selenium is given
 * both paths, so it never runs Selenium Manager or downloads anything. Each browser has its own
 * fresh profile, so a second one is a second device.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final int WIDTH = 360;
  public static final int HEIGHT = 740;
  public static final String PHONE =
      "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/156.0.0.0 Mobile Safari/537.36";
  public static final String DESKTOP =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/156.0.0.0 Safari/537.36";
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Every step waits for a page; Selenium's default half second between looks adds up. */
  private static final Duration POLL = Duration.ofMillis(25);

  /**
   * Selenium looks for a CDP binding of this Chromium's version and warns when it has none; these
   * tests use only chromedriver's own CDP command, which needs none. (Held here: loggers are weakly
   * referenced, and a collected one forgets its level.)
   */
  private static final Logger CDP_FINDER =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_FINDER.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Chromium and chromedriver are required under {@code CI=true} ({@code .ci/run} installs them);
   * elsewhere the browser tests are skipped with a loud message, as PostgreSQL's are.
   */
  public static void requireChromium() {
    List<String> missing = new ArrayList<>();
    for (Path path : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(path)) {
        missing.add(path.toString());
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    Prerequisites.missing(
        "Browser tests",
        "missing " + String.join(" and ", missing),
        "Install them with: apt-get install -y chromium chromium-driver");
  }

  /**
   * A new phone with a fresh profile.
   *
   * @param languages the browser's preferred languages, as in Accept-Language ("es-CO,es")
   */
  public static Browser phone(String languages) {
    return phone(languages, WIDTH, HEIGHT);
  }

  /** A new phone of another screen size, in CSS pixels (390 by 844 is a common one). */
  public static Browser phone(String languages, int width, int height) {
    return start(languages, true, width, height);
  }

  /**
   * A new phone on which no script of the pages runs, as some applicants' browsers have it (a
   * data-saving mode, a proxy that strips scripts): the pages must work as plain forms. The
   * scripts' requests are blocked (every page's script is a file: the Content-Security-Policy
   * allows no inline script), since turning JavaScript off, by content setting or through the
   * DevTools protocol, also stops chromedriver's own scripts and makes its clicks hang.
   */
  public static Browser phoneWithoutScripts(String languages, int width, int height) {
    return start(languages, true, width, height, false);
  }

  /** A new desktop browser, 1280 by 900, with a fresh profile. */
  public static Browser desktop(String languages) {
    return desktop(languages, 1280, 900);
  }

  /** A new desktop browser of another window size (1366 by 768 is a common laptop's). */
  public static Browser desktop(String languages, int width, int height) {
    return start(languages, false, width, height);
  }

  private static Browser start(String languages, boolean phone, int width, int height) {
    return start(languages, phone, width, height, true);
  }

  private static Browser start(
      String languages, boolean phone, int width, int height, boolean scripts) {
    Path profile;
    try {
      profile = Files.createTempDirectory("credence-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String userAgent = phone ? PHONE : DESKTOP;
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars", // phones draw scrollbars over the page, not beside it
        "--window-size=" + width + "," + height,
        "--lang=" + languages.split(",")[0],
        "--user-agent=" + userAgent,
        "--user-data-dir=" + profile);
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", languages));
    if (phone) {
      // A headless window is never narrower than 500 pixels, whatever --window-size says, so the
      // phone's screen is emulated (which also honours the viewport meta tag, as phones do).
      options.setExperimentalOption(
          "mobileEmulation",
          Map.of(
              "deviceMetrics",
              Map.of("width", width, "height", height, "pixelRatio", 2.0, "touch", true),
              "userAgent",
              userAgent));
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    if (!scripts) {
      // No script of the pages' loads, as behind a proxy that strips them. The pages have no
      // inline script (their Content-Security-Policy forbids it), so none runs at all.
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*.js")));
    }
    return new Browser(driver, profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** The whole page, not only the part in the window, as a PNG. */
  public void screenshot(Path file) {
    @SuppressWarnings("unchecked")
    Map<String, Object> size =
        (Map<String, Object>)
            driver.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                // The same picture, compressed less: encoding it is much of a screenshot's time.
                "optimizeForSpeed",
                true,
                "captureBeyondViewport",
                true,
                "clip",
                Map.of(
                    "x",
                    0,
                    "y",
                    0,
                    "width",
                    ((Number) size.get("width")).doubleValue(),
                    "height",
                    ((Number) size.get("height")).doubleValue(),
                    "scale",
                    1)));
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Saves a whole-page screenshot and checks what every page must be: no sideways scrolling, a
   * label on every control, a legend on every fieldset, and a quiet console (a Content-Security-
   * Policy violation is logged there as an error) apart from lines containing {@code allowed}.
   */
  public void screenshotAndCheck(Path file, String where, String baseUrl, String... allowed) {
    screenshot(file);
    assertThat(
            js(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
        .as("%s: the page scrolls sideways", where)
        .isEqualTo(0L);
    assertThat(
            (List<?>)
                js(
                    "return Array.from(document.querySelectorAll('input, select, textarea,"
                        + " progress'))"
                        + ".filter(e => e.type !== 'hidden')"
                        + ".filter(e => !e.getAttribute('aria-label')"
                        + " && !(e.labels && Array.from(e.labels).some(l => l.textContent.trim())))"
                        + ".concat(Array.from(document.querySelectorAll('button, a'))"
                        + ".filter(e => !e.textContent.trim() && !e.getAttribute('aria-label')))"
                        + ".map(e => e.outerHTML)"))
        .as("%s: controls without a label", where)
        .isEmpty();
    assertThat(
            js(
                "return Array.from(document.querySelectorAll('fieldset'))"
                    + ".filter(f => !f.querySelector('legend') ||"
                    + " !f.querySelector('legend').textContent.trim()).length"))
        .as("%s: fieldsets without a legend", where)
        .isEqualTo(0L);
    List<String> console = new ArrayList<>(consoleProblems());
    // Browsers ask for /favicon.ico; the server has none, and answers with its 404 page.
    console.removeIf(
        line ->
            line.contains(baseUrl + "/favicon.ico - Failed to load resource")
                && line.contains("status of 404"));
    // The scripts this browser blocks on purpose (phoneWithoutScripts) are said to have failed.
    console.removeIf(line -> line.contains(".js - Failed to load resource: net::ERR_BLOCKED"));
    for (String expected : allowed) {
      console.removeIf(line -> line.contains(expected));
    }
    assertThat(console).as("%s: the browser's console", where).isEmpty();
  }

  /** An empty directory: made, or emptied of an earlier run's files. */
  public static Path emptyDirectory(Path directory) {
    try {
      if (Files.isDirectory(directory)) {
        try (Stream<Path> old = Files.walk(directory)) {
          for (Path file : old.sorted(Comparator.reverseOrder()).toList()) {
            if (!file.equals(directory)) {
              Files.delete(file);
            }
          }
        }
      }
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first element matching the CSS selector (fails if none). */
  public WebElement find(String css) {
    return driver().findElement(By.cssSelector(css));
  }

  /** Replaces the text of the field with this id. */
  public void type(String id, String text) {
    WebElement field = driver().findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  /**
   * Opens {@code baseUrl + path}, is sent to the dashboard's sign-in page, signs in and lands on
   * {@code path}.
   */
  public void signIn(String baseUrl, String path, String email, String password) {
    open(baseUrl + path);
    assertThat(driver().getCurrentUrl()).contains("/console/login?next=");
    type("email", email);
    type("password", password);
    clickAndWait(find("form button[type=submit]"));
    assertThat(driver().getCurrentUrl()).as(find("main").getText()).isEqualTo(baseUrl + path);
  }

  public void open(String url) {
    driver.get(url);
    waitForPage();
  }

  /** Clicks a button or link that leaves the page, and waits for the next page to be loaded. */
  public void clickAndWait(WebElement element) {
    waitForNextPage(element::click);
  }

  /** Does what replaces this page (a form sent, a reload), and waits for the next page. */
  public void waitForNextPage(Runnable action) {
    WebElement old = driver.findElement(By.tagName("html"));
    action.run();
    wait(WAIT).until(gone(old));
    waitForPage();
  }

  /**
   * The element's page has been replaced. Like {@code ExpectedConditions.stalenessOf}, but also
   * takes Chromium's "node does not belong to the document", which a page being swapped out can
   * give instead of a stale-element error, as gone.
   */
  public static ExpectedCondition<Boolean> gone(WebElement element) {
    return d -> {
      try {
        element.isEnabled();
        return false;
      } catch (WebDriverException replaced) {
        return true;
      }
    };
  }

  public void waitForPage() {
    wait(WAIT).until(d -> "complete".equals(js("return document.readyState")));
  }

  public WebDriverWait wait(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.pollingEvery(POLL);
    return wait;
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * What axe-core finds wrong on the page now, one line a rule: its id, its impact and the CSS
   * selectors of the elements it fails on. axe-core runs its default rules (WCAG 2.0 to 2.2 A and
   * AA, and its best practices) and {@code target-size} (WCAG 2.2 AA 2.5.8: a control is at least
   * 24 by 24 CSS pixels, or that far from the next), which axe-core leaves off unless asked. Its
   * script is the one npm installs at build time into {@code credence-server/axe} at the version
   * pinned there; it is injected into the page by the driver, which the page's
   * Content-Security-Policy does not restrict.
   */
  public List<String> axeViolations() {
    if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
      js(axeScript());
    }
    Object found =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "axe.run(document, {resultTypes: ['violations'],"
                    + " rules: {'target-size': {enabled: true}}})"
                    + ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): '"
                    + " + v.nodes.map(n => n.target.join(' ')).join(', '))))"
                    + ".catch(e => done(['axe-core failed: ' + e]));");
    return strings(found);
  }

  /** axe-core's script, read once per test JVM and injected into each page it checks. */
  private static String axeScript;

  private static synchronized String axeScript() {
    if (axeScript == null) {
      axeScript = readAxeScript();
    }
    return axeScript;
  }

  private static String readAxeScript() {
    Path script =
        Path.of(
            System.getProperty("basedir", "."), "axe", "node_modules", "axe-core", "axe.min.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(
          script
              + " is missing: the build installs it (npm ci in credence-server/axe, run by mvn"
              + " in generate-test-resources)");
    }
    try {
      return Files.readString(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every visible control an applicant can tap (links, buttons, fields, selects; for a radio button
   * or a checkbox inside a label, the label, which is what a thumb aims at) that is less than
   * {@code minimum} CSS pixels tall or wide, as its HTML start tag with its size.
   */
  public List<String> tapTargetsSmallerThan(double minimum) {
    Object small =
        js(
            "const min = arguments[0];"
                + "return Array.from(document.querySelectorAll('a[href], button, select,"
                + " textarea, summary, [role=button], input:not([type=hidden])'))"
                + ".map(e => (e.matches('input[type=radio], input[type=checkbox]')"
                + " && e.closest('label')) || e)"
                + ".filter((e, i, all) => all.indexOf(e) === i && e.getClientRects().length > 0)"
                + ".map(e => [e, e.getBoundingClientRect()])"
                + ".filter(([e, r]) => r.height < min || r.width < min)"
                + ".map(([e, r]) => e.outerHTML.substring(0, e.outerHTML.indexOf('>') + 1)"
                + " + ' ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1))",
            minimum);
    return strings(small);
  }

  /**
   * The elements matching the CSS selector that are drawn, wholly or in part, to the left or the
   * right of the window (scrolled off to the side), as their start tags.
   */
  public List<String> offTheSides(String css) {
    Object off =
        js(
            "return Array.from(document.querySelectorAll(arguments[0]))"
                + ".filter(e => e.getClientRects().length > 0)"
                + ".filter(e => { const r = e.getBoundingClientRect();"
                + " return r.left < 0 || r.right > window.innerWidth; })"
                + ".map(e => e.outerHTML.substring(0, e.outerHTML.indexOf('>') + 1))",
            css);
    return strings(off);
  }

  /** A list a script returned, as strings. */
  private static List<String> strings(Object list) {
    List<String> strings = new ArrayList<>();
    for (Object item : (List<?>) list) {
      strings.add(String.valueOf(item));
    }
    return strings;
  }

  /**
   * Whether the first element matching the CSS selector is drawn: it has a size and neither it nor
   * a parent is hidden, a closed disclosure's content included. (Selenium's own test takes any
   * element of a closed {@code <details>} but its summary as hidden, even where CSS shows it.)
   */
  public boolean shown(String css) {
    return Boolean.TRUE.equals(
        js(
            "const e = document.querySelector(arguments[0]); const r = e.getBoundingClientRect();"
                + "return e.checkVisibility({visibilityProperty: true}) && r.width > 0"
                + " && r.height > 0;",
            css));
  }

  /** Where an element is drawn in the window, in CSS pixels. */
  public record Box(double x, double y, double width, double height) {
    /** Whether {@code inner} lies wholly inside this box. */
    public boolean contains(Box inner) {
      return inner.x >= x
          && inner.y >= y
          && inner.x + inner.width <= x + width
          && inner.y + inner.height <= y + height;
    }
  }

  /** The box of the first element matching the CSS selector, as the browser lays it out. */
  public Box box(String css) {
    List<?> r =
        (List<?>)
            js(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                    + "return [r.x, r.y, r.width, r.height];",
                css);
    return new Box(number(r.get(0)), number(r.get(1)), number(r.get(2)), number(r.get(3)));
  }

  private static double number(Object value) {
    return ((Number) value).doubleValue();
  }

  /** The console's warnings and errors since the last call (a CSP violation is one). */
  public List<String> consoleProblems() {
    List<String> problems = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
        problems.add(entry.getLevel() + " " + entry.getMessage());
      }
    }
    return problems;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException | UncheckedIOException e) {
        // a temp directory; the OS cleans it up
      }
    }
  }
}
