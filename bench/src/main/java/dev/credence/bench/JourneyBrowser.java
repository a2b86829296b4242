package dev.credence.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium as a phone on a slow network, driven through Debian's chromedriver
 * (both paths given, so Selenium never downloads anything): 390 by 844 CSS pixels at twice the
 * density with touch, a fresh profile with its cache on, JavaScript on or off, every request
 * throttled as {@link #THREE_G} says, and chromedriver's performance log on for the network events.
 * Started as the server's browser tests start theirs (credence-server's testing/Browser.java).
 */
final class JourneyBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final int WIDTH = 390;
  static final int HEIGHT = 844;
  static final String PHONE =
      "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/156.0.0.0 Mobile Safari/537.36";

  /**
   * The network of a phone on 3G: Chrome DevTools' "Fast 3G" preset (Lighthouse's mobile
   * throttling), 1.44 Mb/s down, 675 kb/s up, and 562.5 ms added to every request, as DevTools sets
   * it (150 ms times 3.75).
   */
  static final NetworkProfile THREE_G = new NetworkProfile(562.5, 1_440_000, 675_000);

  /**
   * Network conditions as Chrome emulates them: {@code latencyMs} added to each request between
   * sending it and its response headers, and the throughput of the whole page's traffic each way.
   */
  record NetworkProfile(double latencyMs, long downloadBitsPerSecond, long uploadBitsPerSecond) {
    long downloadBytesPerSecond() {
      return downloadBitsPerSecond / 8;
    }

    long uploadBytesPerSecond() {
      return uploadBitsPerSecond / 8;
    }
  }

  /**
   * Selenium looks for a CDP binding of this Chromium's version and warns when it has none; this
   * browser uses only chromedriver's own CDP command and log, which need none. (Held here: loggers
   * are weakly referenced, and a collected one forgets its level.)
   */
  private static final Logger CDP_FINDER =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_FINDER.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;
  private final Path profile;

  private JourneyBrowser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * A new phone with a fresh profile, its interface and Accept-Language English (the walker knows
   * the end page by its English title).
   *
   * @param javascript false blocks every page's scripts through the profile's content settings, as
   *     a phone's "JavaScript off" does (chromedriver's own commands still run)
   */
  static JourneyBrowser phone(boolean javascript, NetworkProfile network) {
    for (Path path : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(
            path + " is missing: apt-get install -y chromium chromium-driver");
      }
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("credence-journey-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
        "--hide-scrollbars",
        "--window-size=" + WIDTH + "," + HEIGHT,
        "--lang=en",
        "--user-agent=" + PHONE,
        "--user-data-dir=" + profile);
    Map<String, Object> prefs = new HashMap<>();
    prefs.put("intl.accept_languages", "en");
    if (!javascript) {
      // Not CDP's Emulation.setScriptExecutionDisabled: with it, chromedriver's clicks hang.
      prefs.put("profile.managed_default_content_settings.javascript", 2);
    }
    options.setExperimentalOption("prefs", prefs);
    // A headless window is never narrower than 500 pixels, so the phone's screen is emulated.
    options.setExperimentalOption(
        "mobileEmulation",
        Map.of(
            "deviceMetrics",
            Map.of("width", WIDTH, "height", HEIGHT, "pixelRatio", 2.0, "touch", true),
            "userAgent",
            PHONE));
    options.setExperimentalOption(
        "perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
      driver.executeCdpCommand(
          "Network.emulateNetworkConditions",
          Map.of(
              "offline",
              false,
              "latency",
              network.latencyMs(),
              "downloadThroughput",
              network.downloadBytesPerSecond(),
              "uploadThroughput",
              network.uploadBytesPerSecond()));
    } catch (RuntimeException e) {
      driver.quit();
      throw e;
    }
    return new JourneyBrowser(driver, profile);
  }

  ChromeDriver driver() {
    return driver;
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The network events logged since the last call, oldest first. */
  List<LogEntry> networkLog() {
    return new ArrayList<>(driver.manage().logs().get(LogType.PERFORMANCE).getAll());
  }

  /** The Chromium version chromedriver reports, for the results page. */
  String version() {
    Object version = driver.getCapabilities().getCapability("browserVersion");
    return version == null ? "unknown" : version.toString();
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
