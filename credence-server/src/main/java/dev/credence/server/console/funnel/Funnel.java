package dev.credence.server.console.funnel;

import dev.credence.server.console.funnel.FunnelQueries.BandDay;
import dev.credence.server.console.funnel.FunnelQueries.Figures;
import dev.credence.server.console.funnel.FunnelQueries.Group;
import dev.credence.server.console.funnel.FunnelQueries.Timed;
import dev.credence.server.console.funnel.FunnelQueries.Timing;
import dev.credence.server.console.web.Charts;
import dev.credence.server.console.web.CompanyEnvironments.Choice;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The funnel of one environment's sessions created from {@code from} to {@code to} (UTC days, both
 * included), as the page and its CSV show it (docs/dashboard.md, "Funnel"). Each step counts the
 * sessions that got at least that far; erased sessions are left out of every figure.
 */
public record Funnel(
    Choice environment,
    LocalDate from,
    LocalDate to,
    List<Step> steps,
    Ends ends,
    Timing toComplete,
    List<ModuleTime> modules,
    List<Split> platforms,
    List<Split> languages,
    List<BandMonth> badRates) {

  /** A step and the sessions that reached it; {@code dropOff}: those that stopped just before. */
  public record Step(String name, long sessions, long dropOff, long created) {
    /** The share of the sessions created that reached the step. */
    public String share() {
      return created == 0 ? "" : Charts.percent((double) sessions / created);
    }

    /** The share of the step before's sessions that stopped before this one. */
    public String dropOffShare() {
      long before = sessions + dropOff;
      return before == 0 ? "" : Charts.percent((double) dropOff / before);
    }
  }

  /** How the sessions created in the range stand now. */
  public record Ends(long completed, long cancelled, long expired, long open, long erased) {}

  /** The time spent in the module at {@code moduleNo} of the journey. */
  public record ModuleTime(int moduleNo, String name, Timing timing) {}

  /** The opened sessions of one platform or language, and their time to complete. */
  public record Split(String name, long opened, long consented, long completed, Timing timing) {
    public String completionRate() {
      return opened == 0 ? "" : Charts.percent((double) completed / opened);
    }
  }

  /** Loans of one band scored in one month, with a good or bad outcome, and the bads among them. */
  public record BandMonth(YearMonth month, String band, long loans, long bads) {
    public String rate() {
      return loans == 0 ? "" : Charts.percent((double) bads / loans);
    }
  }

  public static Funnel of(Choice environment, LocalDate from, LocalDate to, Figures figures) {
    List<Group> live = figures.groups().stream().filter(g -> !g.status().equals("ERASED")).toList();
    long erased =
        figures.groups().stream()
            .filter(g -> g.status().equals("ERASED"))
            .mapToLong(Group::sessions)
            .sum();
    long created = sum(live, g -> true);
    int modules =
        Math.max(
            live.stream().mapToInt(Group::modulesFinished).max().orElse(0),
            figures.byModule().stream().mapToInt(Timed::moduleNo).max().orElse(0));
    Map<Integer, Set<String>> names = new TreeMap<>();
    figures
        .byModule()
        .forEach(
            t ->
                names.computeIfAbsent(t.moduleNo(), k -> new LinkedHashSet<>()).add(name(t.key())));

    List<Step> steps = new ArrayList<>();
    long before = created;
    before = step(steps, "Created", created, before, created);
    before = step(steps, "Opened", sum(live, Group::opened), before, created);
    before = step(steps, "Consented", sum(live, Group::consented), before, created);
    for (int no = 1; no <= modules; no++) {
      int k = no;
      String name = String.join(" / ", names.getOrDefault(no, Set.of("module " + no)));
      before =
          step(
              steps,
              "Finished " + no + ": " + name,
              sum(live, g -> g.modulesFinished() >= k),
              before,
              created);
    }
    step(steps, "Completed", sum(live, g -> g.status().equals("COMPLETED")), before, created);

    Ends ends =
        new Ends(
            sum(live, g -> g.status().equals("COMPLETED")),
            sum(live, g -> g.status().equals("CANCELLED")),
            sum(live, g -> g.status().equals("EXPIRED")),
            sum(live, g -> g.status().equals("CREATED") || g.status().equals("STARTED")),
            erased);
    List<ModuleTime> times =
        figures.byModule().stream()
            .map(t -> new ModuleTime(t.moduleNo(), name(t.key()), t.timing()))
            .toList();
    return new Funnel(
        environment,
        from,
        to,
        steps,
        ends,
        figures.toComplete(),
        times,
        splits(live, Group::platform, figures.byPlatform(), Funnel::platform),
        splits(live, Group::language, figures.byLanguage(), l -> l),
        months(figures.bandDays()));
  }

  private static long step(
      List<Step> steps, String name, long sessions, long before, long created) {
    steps.add(new Step(name, sessions, before - sessions, created));
    return sessions;
  }

  private static long sum(List<Group> groups, java.util.function.Predicate<Group> which) {
    return groups.stream().filter(which).mapToLong(Group::sessions).sum();
  }

  /** The opened sessions by a column, most first; unknown values last. */
  private static List<Split> splits(
      List<Group> groups,
      Function<Group, String> by,
      List<Timed> timings,
      Function<String, String> label) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (Group g : groups) {
      if (!g.opened()) {
        continue;
      }
      long[] c = counts.computeIfAbsent(String.valueOf(by.apply(g)), k -> new long[3]);
      c[0] += g.sessions();
      c[1] += g.consented() ? g.sessions() : 0;
      c[2] += g.status().equals("COMPLETED") ? g.sessions() : 0;
    }
    Map<String, Timing> timed = new LinkedHashMap<>();
    timings.forEach(t -> timed.put(String.valueOf(t.key()), t.timing()));
    return counts.entrySet().stream()
        .sorted(
            java.util.Comparator.<Map.Entry<String, long[]>, Boolean>comparing(
                    e -> e.getKey().equals("null"))
                .thenComparing(e -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey))
        .map(
            e ->
                new Split(
                    e.getKey().equals("null") ? "Not known" : label.apply(e.getKey()),
                    e.getValue()[0],
                    e.getValue()[1],
                    e.getValue()[2],
                    timed.getOrDefault(e.getKey(), Timing.NONE)))
        .toList();
  }

  private static List<BandMonth> months(List<BandDay> days) {
    Map<YearMonth, Map<String, long[]>> byMonth = new TreeMap<>();
    for (BandDay d : days) {
      YearMonth month = YearMonth.from(LocalDate.ofEpochDay(d.epochDay()));
      long[] c =
          byMonth
              .computeIfAbsent(month, m -> new TreeMap<>())
              .computeIfAbsent(d.band(), b -> new long[2]);
      c[0] += d.loans();
      c[1] += d.bads();
    }
    List<BandMonth> months = new ArrayList<>();
    byMonth.forEach(
        (month, bands) ->
            bands.forEach((band, c) -> months.add(new BandMonth(month, band, c[0], c[1]))));
    return months;
  }

  /** A module's type as the page names it: {@code memory_span} is "Memory span". */
  static String name(String type) {
    String words = type.replace('_', ' ');
    return words.isEmpty()
        ? words
        : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
  }

  private static String platform(String platform) {
    return switch (platform) {
      case "ANDROID" -> "Android";
      case "IOS" -> "iOS";
      case "DESKTOP" -> "Desktop";
      default -> "Other";
    };
  }

  /** A number of seconds as the page shows it: "42 s", "4 min 05 s", "2 h 03 min"; "–" for none. */
  public static String duration(Double seconds) {
    if (seconds == null) {
      return "–";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** Seconds for the CSV, to a tenth; empty for none. */
  public static String seconds(Double seconds) {
    return seconds == null ? "" : String.format(Locale.ROOT, "%.1f", seconds);
  }

  public boolean empty() {
    return steps.get(0).sessions() == 0;
  }
}
