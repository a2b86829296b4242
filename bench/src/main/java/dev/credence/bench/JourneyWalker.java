package dev.credence.bench;

import dev.credence.bench.JourneyRun.Mark;
import dev.credence.bench.JourneyRun.Pause;
import dev.credence.bench.JourneyRun.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.PointerInput.MouseButton;
import org.openqa.selenium.interactions.PointerInput.Origin;
import org.openqa.selenium.interactions.Sequence;

/**
 * Walks the hosted assessment as an applicant would, at the pace of {@link JourneyPace}, by what is
 * on screen rather than by a fixed sequence: it looks for the step showing now (consent, a
 * questionnaire page, a balloon, a choice, the memory game's digits or its answer field, an
 * instructions page with a Ready button), does what a person would do there, and stops at the
 * completed page. So it walks the journey whether a game plays on the device or page by page, with
 * instructions pages or without, with a practice round or without.
 *
 * <p>What it relies on: the form fields the server reads ({@code item_*} radios, {@code
 * button[value=pump]} and {@code collect}, {@code button[value=today]} and {@code later}, {@code
 * #answer}), the consent's {@code button[name=decision][value=accept]}, {@code button[name=ready]},
 * the {@code .digits} element while digits show, the balloon's {@code input[name=balloon]} and the
 * completed page's {@code h1} (the English {@code done.title} of the server's messages).
 */
final class JourneyWalker {
  /** The longest a step may take to show (a page over 3G takes one or two seconds). */
  private static final Duration SCREEN_WAIT = Duration.ofSeconds(120);

  /** How often the screen is looked at while waiting; a person's eye is slower. */
  private static final long LOOK_MS = 20;

  /**
   * The step on screen, found in the page by the driver's own script (which runs when the page's
   * scripts are off): only visible, enabled controls count, as a person sees them.
   */
  private static final String LOOK =
      """
      if (document.readyState !== 'complete') return {kind: 'NONE', title: ''};
      const shown = e => !!e && e.getClientRects().length > 0
          && getComputedStyle(e).visibility !== 'hidden';
      const usable = e => shown(e) && !e.disabled;
      const first = (selector, test) =>
          Array.from(document.querySelectorAll(selector)).find(test || usable) || null;
      const submitOf = field => field.form
          ? Array.from(field.form.querySelectorAll('button[type=submit], button:not([type])'))
              .find(usable) || null
          : null;
      const h1 = first('h1', shown);
      const title = h1 ? h1.textContent.trim() : '';
      let e;
      if ((e = first('button[name=ready]'))) return {kind: 'READY', tap: e, title};
      if ((e = first('button[name=begin]'))) return {kind: 'BEGIN', tap: e, title};
      if ((e = first('button[name=decision][value=accept]'))) return {kind: 'CONSENT', tap: e, title};
      const radios = Array.from(document.querySelectorAll('input[type=radio][name^="item_"]'));
      if (radios.some(r => shown(r.closest('label') || r))) {
        const names = [...new Set(radios.map(r => r.name))];
        const open = names.filter(n => !radios.some(r => r.name === n && r.checked));
        const options = open.length
            ? radios.filter(r => r.name === open[0]).map(r => r.closest('label') || r) : [];
        return {kind: 'QUESTIONNAIRE', options, open: open.length, tap: submitOf(radios[0]), title};
      }
      if ((e = first('button[value=pump]'))) {
        const balloon = document.querySelector('input[name=balloon]');
        const count = first('main .muted', shown);
        return {kind: 'BALLOON', tap: e, collect: first('button[value=collect]'), title,
            balloon: count ? count.textContent.trim() : (balloon ? balloon.value : '')};
      }
      if ((e = first('button[value=today]')))
        return {kind: 'CHOICE', tap: e, later: first('button[value=later]'), title};
      const digits = first('.digits', shown);
      if (digits && digits.textContent.trim())
        return {kind: 'DIGITS', digits: digits.textContent.replace(/\\s/g, ''), title};
      const answer = first('#answer');
      if (answer) return {kind: 'ANSWER', field: answer, tap: submitOf(answer), title};
      return {kind: 'NONE', title};
      """;

  private final JourneyBrowser browser;
  private final JourneyPace pace;
  private final JourneyTraffic traffic = new JourneyTraffic();
  private final Titles titles = Titles.load();

  private final List<Mark> marks = new ArrayList<>();
  private final List<Long> taps = new ArrayList<>();
  private final List<Pause> pauses = new ArrayList<>();
  private final Map<String, Integer> played = new LinkedHashMap<>();

  private Phase phase;
  private long lastTapMs;

  /** When an instructions page showed, the tap that led to it: where the next phase begins. */
  private long readyFromMs = -1;

  /** Whether the current module's instructions have been read. */
  private boolean instructionsRead;

  private boolean readyTapped;
  private String balloon;
  private int balloonTaps;
  private int balloonTarget;
  private String digitsSeen = "";

  JourneyWalker(JourneyBrowser browser, JourneyPace pace) {
    this.browser = browser;
    this.pace = pace;
  }

  /** Opens the link and walks to the completed page. */
  JourneyRun walk(String mode, String link) {
    String origin = link.substring(0, link.indexOf('/', link.indexOf("//") + 2));
    long start = System.currentTimeMillis();
    lastTapMs = start;
    browser.driver().get(link);
    while (true) {
      Map<String, Object> screen = nextScreen();
      String kind = (String) screen.get("kind");
      if (titles.done().equals(screen.get("title")) && "NONE".equals(kind)) {
        long end = System.currentTimeMillis();
        enter(Phase.END);
        traffic.add(browser.networkLog());
        if (played.containsKey("balloons")) {
          played.put(
              "balloons burst",
              played.get("balloons") - played.getOrDefault("balloons collected", 0));
        }
        return new JourneyRun(
            mode,
            start,
            end,
            List.copyOf(marks),
            List.copyOf(taps),
            List.copyOf(pauses),
            traffic.requests(origin),
            new LinkedHashMap<>(played));
      }
      switch (kind) {
        case "READY" -> ready(screen);
        case "BEGIN" -> {
          pause(JourneyPace.BEGIN);
          tap(element(screen, "tap"));
        }
        case "CONSENT" -> consent(screen);
        case "QUESTIONNAIRE" -> questionnaire(screen);
        case "BALLOON" -> balloon(screen);
        case "CHOICE" -> choice(screen);
        case "DIGITS" -> digits(screen);
        case "ANSWER" -> answer(screen);
        default -> throw new IllegalStateException("unexpected screen " + screen);
      }
      traffic.add(browser.networkLog());
    }
  }

  private void ready(Map<String, Object> screen) {
    if (readyFromMs < 0) {
      readyFromMs = lastTapMs;
    }
    pause(JourneyPace.INSTRUCTIONS);
    tap(element(screen, "tap"));
    readyTapped = true;
  }

  private void consent(Map<String, Object> screen) {
    enter(Phase.CONSENT);
    pause(JourneyPace.CONSENT);
    tap(element(screen, "tap"));
  }

  private void questionnaire(Map<String, Object> screen) {
    enter(Phase.QUESTIONNAIRE);
    readInstructions();
    List<?> options = (List<?>) screen.get("options");
    if (!options.isEmpty()) {
      pause(JourneyPace.STATEMENT);
      WebElement option = (WebElement) options.get(pace.answer() - 1);
      taps.add(System.currentTimeMillis());
      click(option);
      count("statements answered");
      return;
    }
    tap(element(screen, "tap"));
    count("questionnaire pages");
  }

  private void balloon(Map<String, Object> screen) {
    enter(Phase.BALLOONS);
    String id = (String) screen.get("balloon");
    if (!id.equals(balloon)) {
      balloon = id;
      balloonTaps = 0;
      balloonTarget = pace.pumpTarget();
      count("balloons");
    }
    readInstructions();
    pause(JourneyPace.PUMP);
    if (balloonTaps < balloonTarget) {
      tap(element(screen, "tap"));
      balloonTaps++;
      count("pumps");
    } else {
      tap(element(screen, "collect"));
      count("balloons collected");
    }
  }

  private void choice(Map<String, Object> screen) {
    enter(Phase.CHOICES);
    readInstructions();
    pause(JourneyPace.CHOICE);
    boolean later = pace.later();
    tap(element(screen, later ? "later" : "tap"));
    count(later ? "chose later" : "chose today");
  }

  /** Digits on screen: the applicant reads them (they may come one by one) and waits. */
  private void digits(Map<String, Object> screen) {
    enter(Phase.MEMORY);
    // The instructions are read while the first digits show.
    instructionsRead = true;
    String shown = (String) screen.get("digits");
    if (!digitsSeen.endsWith(shown)) {
      digitsSeen = shown.startsWith(digitsSeen) ? shown : digitsSeen + shown;
    }
    sleep(LOOK_MS);
  }

  private void answer(Map<String, Object> screen) {
    enter(Phase.MEMORY);
    readInstructions();
    String typed;
    if (digitsSeen.isEmpty()) {
      // Gone before the page showed them: a person would guess, and miss.
      typed = "0";
      count("rounds whose digits never showed");
    } else {
      typed = JourneyPace.typed(digitsSeen);
    }
    WebElement field = element(screen, "field");
    for (char digit : typed.toCharArray()) {
      pause(JourneyPace.DIGIT);
      field.sendKeys(String.valueOf(digit));
    }
    count("memory rounds");
    if (typed.equals(digitsSeen)) {
      count("memory rounds right");
      played.merge("longest sequence typed right", digitsSeen.length(), Math::max);
    }
    digitsSeen = "";
    tap(element(screen, "tap"));
  }

  /**
   * A step of {@code next} is on screen: a new phase begins if it is not the current one, at the
   * tap that led here (or to the instructions page before it).
   */
  private void enter(Phase next) {
    if (next != phase) {
      marks.add(new Mark(next, readyFromMs >= 0 ? readyFromMs : lastTapMs));
      phase = next;
      instructionsRead = readyTapped;
    }
    readyFromMs = -1;
    readyTapped = false;
  }

  private void readInstructions() {
    if (!instructionsRead) {
      pause(JourneyPace.INSTRUCTIONS);
      instructionsRead = true;
    }
  }

  /** Polls until a step shows (or the completed page). */
  private Map<String, Object> nextScreen() {
    long deadline = System.nanoTime() + SCREEN_WAIT.toNanos();
    Map<String, Object> last = Map.of();
    while (System.nanoTime() < deadline) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> screen = (Map<String, Object>) browser.js(LOOK);
        last = screen;
        String title = (String) screen.get("title");
        if (titles.others().contains(title)) {
          throw new IllegalStateException("the journey ended on \"" + title + "\", not completed");
        }
        boolean done = titles.done().equals(title) && "NONE".equals(screen.get("kind"));
        if (done || (!"NONE".equals(screen.get("kind")) && usable(screen))) {
          return screen;
        }
      } catch (WebDriverException e) {
        // the page is being replaced; look again
      }
      sleep(LOOK_MS);
    }
    throw new IllegalStateException(
        "no step showed within "
            + SCREEN_WAIT.toSeconds()
            + " s at "
            + browser.driver().getCurrentUrl()
            + " (last seen: "
            + last
            + ")");
  }

  /** The controls this step needs are there (a submit button may still be disabled). */
  private static boolean usable(Map<String, Object> screen) {
    return switch ((String) screen.get("kind")) {
      case "QUESTIONNAIRE" ->
          !((List<?>) screen.get("options")).isEmpty() || screen.get("tap") != null;
      case "BALLOON" -> screen.get("collect") != null;
      case "CHOICE" -> screen.get("later") != null;
      case "DIGITS" -> true;
      case "ANSWER" -> screen.get("field") != null && screen.get("tap") != null;
      default -> screen.get("tap") != null;
    };
  }

  /** Taps a control that changes what is on screen, and waits until it has changed. */
  private void tap(WebElement control) {
    WebElement page = browser.driver().findElement(By.tagName("html"));
    String before = text(page);
    lastTapMs = System.currentTimeMillis();
    taps.add(lastTapMs);
    click(control);
    long deadline = System.nanoTime() + SCREEN_WAIT.toNanos();
    while (before != null && before.equals(text(page))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "nothing changed within " + SCREEN_WAIT.toSeconds() + " s of a tap");
      }
      sleep(LOOK_MS);
    }
  }

  /** The page's text, or null once the page has been replaced by another. */
  private String text(WebElement page) {
    try {
      return (String)
          browser.js(
              "return arguments[0] === document.documentElement && document.body"
                  + " ? document.body.innerText : null",
              page);
    } catch (WebDriverException replaced) {
      return null;
    }
  }

  /**
   * A finger's tap on the middle of the control, scrolled to the middle of the screen first as a
   * person would. A touch, not a click: on an emulated touch screen chromedriver's click hangs when
   * the page's scripts are off. The tap must land on the control itself, not on something over it.
   */
  private void click(WebElement control) {
    Object onTarget =
        browser.js(
            "const e = arguments[0];"
                + "e.scrollIntoView({block: 'center', inline: 'center'});"
                + "const r = e.getBoundingClientRect();"
                + "const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
                + "return !!hit && (hit === e || e.contains(hit));",
            control);
    if (!Boolean.TRUE.equals(onTarget)) {
      throw new IllegalStateException(
          "something covers the control to tap: " + control.getAttribute("outerHTML"));
    }
    PointerInput finger = new PointerInput(PointerInput.Kind.TOUCH, "finger");
    Sequence tap = new Sequence(finger, 0);
    tap.addAction(finger.createPointerMove(Duration.ZERO, Origin.fromElement(control), 0, 0));
    tap.addAction(finger.createPointerDown(MouseButton.LEFT.asArg()));
    tap.addAction(finger.createPointerUp(MouseButton.LEFT.asArg()));
    browser.driver().perform(List.of(tap));
  }

  private void pause(Duration duration) {
    pauses.add(new Pause(System.currentTimeMillis(), duration.toMillis()));
    sleep(duration.toMillis());
  }

  private void count(String what) {
    played.merge(what, 1, Integer::sum);
  }

  private static WebElement element(Map<String, Object> screen, String name) {
    Object element = screen.get(name);
    if (!(element instanceof WebElement)) {
      throw new IllegalStateException("no " + name + " on screen " + screen);
    }
    return (WebElement) element;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The titles of the end pages, in English, from the server's own messages (the server jar is on
   * the class path): the completed page's, and the others', which mean the walk went wrong.
   */
  record Titles(String done, List<String> others) {
    static Titles load() {
      Properties messages = new Properties();
      try (InputStream in =
          JourneyWalker.class.getClassLoader().getResourceAsStream("i18n/messages_en.properties")) {
        if (in == null) {
          throw new IllegalStateException(
              "i18n/messages_en.properties is not on the class path: add"
                  + " credence-server/target/credence.jar");
        }
        messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> others = new ArrayList<>();
      for (String key : List.of("finished.title", "expired.title", "cancelled.title")) {
        others.add(require(messages, key));
      }
      return new Titles(require(messages, "done.title"), List.copyOf(others));
    }

    private static String require(Properties messages, String key) {
      String value = messages.getProperty(key);
      if (value == null) {
        throw new IllegalStateException("the server's messages have no " + key);
      }
      return value.strip();
    }
  }
}
