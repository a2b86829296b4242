package dev.credence.bench;

import dev.credence.bench.JourneyApi.Integration;
import dev.credence.bench.JourneyBrowser.NetworkProfile;
import dev.credence.bench.JourneyReport.Result;
import dev.credence.bench.JourneyReport.Setting;
import dev.credence.bench.JourneyRun.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The applicant journey on a 3G phone: a fresh session of a running Credence server walked to the
 * end in Chromium, at a human pace ({@link JourneyPace}), on a throttled network ({@link
 * JourneyBrowser#THREE_G}), once with JavaScript and once without, one after the other; then the
 * time, requests and bytes of each phase and whether each mode kept the product's promise (the
 * whole journey within 5 minutes with JavaScript, within 7 without). Run by {@code
 * bench/run-journey-bench.sh}, which starts the server and writes the section into
 * docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code java -cp bench/target/classes:$(cat bench/target/journey.classpath):
 * credence-server/target/credence.jar dev.credence.bench.JourneyBench BASE_URL SECTION_FILE}, with
 * the server's operator token in {@code CREDENCE_OPERATOR_TOKEN}. Env: {@code MODES} ("js nojs"),
 * {@code SEED} (1), {@code QUICK} (1: a small assessment, for trying the walker), and what the
 * report states about the run ({@code DATE_UTC}, {@code MACHINE}, {@code IDLE_BEFORE}, {@code
 * JAVA_VERSION}, {@code GIT_REV}, {@code COMMAND}).
 */
public final class JourneyBench {
  /** The promise with JavaScript. */
  static final Duration TARGET_WITH_JS = Duration.ofMinutes(5);

  /** The promise without JavaScript. */
  static final Duration TARGET_WITHOUT_JS = Duration.ofMinutes(7);

  /**
   * A small assessment for trying the walker in a few minutes ({@code QUICK=1}); its figures answer
   * no target and are never written to the results page.
   */
  static final String QUICK_ASSESSMENT =
      "{\"modules\": [{\"type\": \"questionnaire\", \"length\": \"short\", \"items_per_page\": 15},"
          + " {\"type\": \"balloons\", \"balloons\": 2},"
          + " {\"type\": \"choices\", \"set\": [[80, 85, 157], [25, 60, 14]]},"
          + " {\"type\": \"memory_span\", \"start_length\": 5, \"max_length\": 6}]}";

  private JourneyBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JourneyBench BASE_URL SECTION_FILE");
      System.exit(2);
    }
    String base = args[0];
    Path section = Path.of(args[1]);
    String token = required("CREDENCE_OPERATOR_TOKEN");
    long seed = Long.parseLong(env("SEED", "1"));
    boolean quick = "1".equals(env("QUICK", "0"));
    List<String> modes = List.of(env("MODES", "js nojs").trim().split("\\s+"));
    for (String mode : modes) {
      if (!mode.equals("js") && !mode.equals("nojs")) {
        throw new IllegalArgumentException("MODES lists js and nojs only, not " + mode);
      }
    }

    JourneyApi api = new JourneyApi(base, token);
    Integration production = api.production("Journey bench");
    if (quick) {
      api.assessment(production, QUICK_ASSESSMENT);
    }
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    NetworkProfile network = JourneyBrowser.THREE_G;
    List<Result> results = new ArrayList<>();
    String chromium = "unknown";
    for (String mode : modes) {
      boolean javascript = mode.equals("js");
      String label = javascript ? "with JavaScript" : "without JavaScript";
      String link = api.link(production, "JOURNEY-" + mode.toUpperCase(Locale.ROOT) + "-" + runId);
      System.err.printf("[journey] %s: walking %s%n", label, link.replaceAll("/[^/]+$", "/…"));
      long[] cpuBefore = cpu();
      JourneyRun run;
      try (JourneyBrowser browser = JourneyBrowser.phone(javascript, network)) {
        chromium = browser.version();
        run = new JourneyWalker(browser, new JourneyPace(seed)).walk(label, link);
      }
      int busy = busyPercent(cpuBefore, cpu());
      double fastest = JourneyTraffic.fastestNetworkAnswer(run.requests());
      if (!(fastest >= network.latencyMs() * 0.98)) {
        throw new IllegalStateException(
            "a request was answered in "
                + fastest
                + " ms, faster than the emulated latency: the throttling did not hold");
      }
      Duration target = quick ? null : javascript ? TARGET_WITH_JS : TARGET_WITHOUT_JS;
      Result result =
          new Result(
              run, target, fastest, JourneyTraffic.medianNetworkAnswer(run.requests()), busy);
      results.add(result);
      print(result);
    }

    Setting setting =
        new Setting(
            env("DATE_UTC", "unknown"),
            env("MACHINE", "unknown"),
            env("IDLE_BEFORE", "unknown"),
            env("JAVA_VERSION", "unknown"),
            chromium,
            env("GIT_REV", "unknown"),
            env("COMMAND", "unknown"),
            quick
                ? "a small assessment for trying the walker (QUICK=1), not the default journey"
                : "the default assessment (questionnaire of 30 statements, 6 a page; 10 balloons;"
                    + " 9 choices; memory span from 3 digits)",
            seed);
    String markdown = JourneyReport.markdown(setting, network, results);
    Files.writeString(section, markdown, StandardCharsets.UTF_8);
    System.out.println(markdown);
  }

  private static void print(Result result) {
    JourneyRun run = result.run();
    System.err.printf(
        "[journey] %s: %s (target %s, %s)%n",
        run.mode(), JourneyReport.time(run.totalMs()), result.targetTime(), result.verdict());
    for (Figures f : run.phases()) {
      System.err.printf(
          "[journey]   %-14s %9s  pace %9s  taps %4d  pages %4d  requests %4d  cached %4d  %,9d B%n",
          f.phase(),
          JourneyReport.time(f.ms()),
          JourneyReport.time(f.paceMs()),
          f.taps(),
          f.pages(),
          f.requests(),
          f.cached(),
          f.bytes());
    }
    System.err.printf("[journey]   played %s%n", run.played());
  }

  /** The machine's CPU time so far, busy and total, in clock ticks (/proc/stat). */
  private static long[] cpu() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int busyPercent(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? 0 : (int) Math.round(100.0 * (after[0] - before[0]) / total);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set");
    }
    return value;
  }
}
