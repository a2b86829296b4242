package dev.credence.bench;

import dev.credence.bench.JourneyBrowser.NetworkProfile;
import dev.credence.bench.JourneyRun.Figures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results page's section "Applicant journey on a 3G phone", in Markdown. */
final class JourneyReport {
  static final String HEADING = "## Applicant journey on a 3G phone";

  /**
   * A mode's journey with its target (null when the assessment walked was not the default one) and
   * what else was measured around it.
   */
  record Result(
      JourneyRun run,
      Duration target,
      double fastestAnswerMs,
      double medianAnswerMs,
      int cpuBusyPercent) {
    boolean met() {
      return target != null && run.totalMs() <= target.toMillis();
    }

    String verdict() {
      return target == null ? "not judged" : met() ? "met" : "not met";
    }

    String targetTime() {
      return target == null ? "-" : time(target.toMillis());
    }
  }

  /**
   * What the report says about the run that it cannot measure itself, from the script.
   *
   * @param assessment the assessment walked, in words
   */
  record Setting(
      String date,
      String machine,
      String idleBefore,
      String java,
      String chromium,
      String commit,
      String command,
      String assessment,
      long seed) {}

  private JourneyReport() {}

  static String markdown(Setting setting, NetworkProfile network, List<Result> results) {
    List<String> out = new ArrayList<>();
    out.add(HEADING);
    out.add("");
    out.add(
        "The whole hosted assessment walked in Chromium as an applicant on a phone would, at a"
            + " human pace, over a throttled 3G network, with JavaScript and without"
            + " (`bench/run-journey-bench.sh`, `bench/src/main/java/dev/credence/bench/"
            + "JourneyBench.java`). The walker finds the step on screen by its controls and does"
            + " what a person would there, until the completed page. The product's promise: the"
            + " whole journey within 5 minutes with JavaScript, within 7 without.");
    out.add("");
    out.add("- Date: " + setting.date());
    out.add(
        "- Machine: "
            + setting.machine()
            + "; a shared machine, where other work may be running: CPU idle just before the run "
            + setting.idleBefore()
            + ", CPU busy during each journey below (all processes, this benchmark's browser and"
            + " server included)");
    out.add(
        "- Server: `credence-server/target/credence.jar` on its embedded H2 default (a fresh data"
            + " directory, `CREDENCE_DEMO=false`) on 127.0.0.1; "
            + setting.assessment()
            + "; "
            + setting.java());
    out.add(
        "- Browser: Chromium "
            + setting.chromium()
            + " headless through chromedriver, a phone of "
            + JourneyBrowser.WIDTH
            + " by "
            + JourneyBrowser.HEIGHT
            + " CSS pixels at twice the density with touch (Pixel 7 user agent), English; a fresh"
            + " profile for each mode with its cache on (`/assets` are served with"
            + " `max-age=3600`, the pages with `no-store`). Without JavaScript: the profile's"
            + " content setting `profile.managed_default_content_settings.javascript` = 2.");
    out.add(
        String.format(
            Locale.ROOT,
            "- Network: Chrome's `Network.emulateNetworkConditions` (DevTools protocol, through"
                + " chromedriver) on every request: `latency` %s ms, `downloadThroughput` %,d B/s"
                + " (%s Mb/s), `uploadThroughput` %,d B/s (%s kb/s): DevTools' \"Fast 3G\" preset"
                + " (Lighthouse's mobile 3G). The server is on loopback, so the emulated network is"
                + " all the network there is.",
            trim(network.latencyMs()),
            network.downloadBytesPerSecond(),
            trim(network.downloadBitsPerSecond() / 1e6),
            network.uploadBytesPerSecond(),
            trim(network.uploadBitsPerSecond() / 1e3)));
    out.add("- The applicant's pace:");
    for (String line : JourneyPace.describe(setting.seed())) {
      out.add("  - " + line);
    }
    out.add("- Code: commit " + setting.commit());
    out.add("- Command (at the repo root): `" + setting.command() + "`");
    out.add("");
    out.add("| | total | target | met | network answers: fastest, median | CPU busy |");
    out.add("|---|---:|---:|---|---:|---:|");
    for (Result result : results) {
      out.add(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.0f ms, %.0f ms | %d%% |",
              result.run().mode(),
              time(result.run().totalMs()),
              result.targetTime(),
              result.target() == null ? "-" : result.met() ? "yes" : "**NO**",
              result.fastestAnswerMs(),
              result.medianAnswerMs(),
              result.cpuBusyPercent()));
    }
    out.add("");
    out.add(
        "A network answer is the time from sending a request to its response headers: the"
            + " emulated latency plus what the server and the machine added (the fastest shows"
            + " that the throttling held on every request). CPU busy is the share of both cores"
            + " in use over the journey, by any process.");
    out.add("");
    out.add(
        "Each phase begins with the tap that led to its first screen (consent: opening the link),"
            + " so it holds the loading of its own first page and the post of the answer before"
            + " it; \"end\" is the last memory answer's post and the completed page. \"Reading and"
            + " tapping\" is the applicant's own time from the profile above; the rest of a"
            + " phase's time is waiting: for pages over the network and, in the memory game, for"
            + " the digits the server shows for a second a digit and one more. Pages are the"
            + " documents loaded from the network, requests every request that went to the"
            + " network (a form post and the page it redirects to are two), bytes what was"
            + " received for them, headers included (Chrome's `encodedDataLength`); requests the"
            + " browser's cache answered are counted apart and carry no bytes. The balloons'"
            + " burst points are drawn by the server for each session, so the pumps differ"
            + " between the modes; their time a tap compares.");
    for (Result result : results) {
      out.add("");
      out.add("### " + capitalised(result.run().mode()));
      out.add("");
      out.add(
          "| phase | time | reading and tapping | taps | time a tap | pages | requests | from cache"
              + " | bytes |");
      out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Figures figures : result.run().phases()) {
        out.add(row(figures, false));
      }
      out.add(row(result.run().total(), true));
      out.add("");
      out.add(
          "Total "
              + time(result.run().totalMs())
              + " against a target of "
              + result.targetTime()
              + ": "
              + (result.met() ? "met" : "**" + result.verdict() + "**")
              + ". "
              + waiting(result.run())
              + " Played: "
              + played(result.run().played())
              + ".");
    }
    return String.join("\n", out) + "\n";
  }

  /** Where the time went: the applicant's own, and waiting, most of it in which phase. */
  private static String waiting(JourneyRun run) {
    Figures total = run.total();
    Figures longest = null;
    for (Figures phase : run.phases()) {
      if (longest == null || phase.ms() - phase.paceMs() > longest.ms() - longest.paceMs()) {
        longest = phase;
      }
    }
    String text =
        "The applicant's own reading and tapping took "
            + time(total.paceMs())
            + "; the rest, "
            + time(total.ms() - total.paceMs())
            + ", was waiting";
    if (longest != null) {
      text +=
          String.format(
              Locale.ROOT,
              ", %s of it in the %s (%,d pages for %,d taps)",
              time(longest.ms() - longest.paceMs()),
              longest.phase(),
              longest.pages(),
              longest.taps());
    }
    return text + ".";
  }

  private static String row(Figures figures, boolean total) {
    String name = total ? "**total**" : figures.phase();
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %,d | %s | %,d | %,d | %,d | %,d B |",
        name,
        time(figures.ms()),
        time(figures.paceMs()),
        figures.taps(),
        figures.taps() == 0
            ? "-"
            : String.format(Locale.ROOT, "%.2f s", figures.ms() / 1000.0 / figures.taps()),
        figures.pages(),
        figures.requests(),
        figures.cached(),
        figures.bytes());
  }

  private static String played(Map<String, Integer> played) {
    List<String> parts = new ArrayList<>();
    played.forEach((what, count) -> parts.add(what + " " + count));
    return String.join(", ", parts);
  }

  /** Minutes and seconds to a tenth: 4:07.3. */
  static String time(long ms) {
    long tenths = Math.round(ms / 100.0);
    return String.format(Locale.ROOT, "%d:%02d.%d", tenths / 600, (tenths / 10) % 60, tenths % 10);
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  private static String capitalised(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
