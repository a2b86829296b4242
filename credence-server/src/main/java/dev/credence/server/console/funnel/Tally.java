package dev.credence.server.console.funnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.console.funnel.FunnelQueries.BandDay;
import dev.credence.server.console.funnel.FunnelQueries.Group;
import dev.credence.server.console.funnel.FunnelQueries.Timed;
import dev.credence.server.console.funnel.FunnelQueries.Timing;
import dev.credence.server.http.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The funnel's figures of some sessions, as counts that add up: the sessions of each group, the
 * whole seconds the completed ones and each module took, and their loans with a good or bad outcome
 * by risk band and day. What a scan of a range gives, what a sealed day keeps (its JSON form,
 * {@link #toJson}), and what a range of sealed and live days sums to
 * (docs/decisions/0032-funnel-page.md).
 */
final class Tally {
  /** A module at its place in the journey. */
  private record Module(int no, String name) implements Comparable<Module> {
    @Override
    public int compareTo(Module other) {
      int byNo = Integer.compare(no, other.no);
      return byNo != 0 ? byNo : name.compareTo(other.name);
    }
  }

  /** A platform and a language, either possibly unknown (null). */
  private record Device(String platform, String language) {}

  /** A risk band and a UTC day (days since 1970-01-01) of the sessions' creation. */
  private record BandOfDay(String band, long epochDay) implements Comparable<BandOfDay> {
    @Override
    public int compareTo(BandOfDay other) {
      int byDay = Long.compare(epochDay, other.epochDay);
      return byDay != 0 ? byDay : band.compareTo(other.band);
    }
  }

  /** The groups, each with its sessions set to 0: the key of its count. */
  private final Map<Group, Long> groups = new LinkedHashMap<>();

  private final Map<Device, Durations> completed = new LinkedHashMap<>();
  private final Map<Module, Durations> modules = new TreeMap<>();

  /** Loans with a good or bad outcome, and the bads among them. */
  private final Map<BandOfDay, long[]> loans = new TreeMap<>();

  void addGroup(Group group) {
    if (group.sessions() > 0) {
      groups.merge(group.withSessions(0), group.sessions(), Long::sum);
    }
  }

  void addCompleted(String platform, String language, long seconds, long sessions) {
    completed
        .computeIfAbsent(new Device(platform, language), k -> new Durations())
        .add(seconds, sessions);
  }

  void addModule(int moduleNo, String module, long seconds, long finishes) {
    modules
        .computeIfAbsent(new Module(moduleNo, module), k -> new Durations())
        .add(seconds, finishes);
  }

  void addLoans(String band, long epochDay, long loans, long bads) {
    long[] counts = this.loans.computeIfAbsent(new BandOfDay(band, epochDay), k -> new long[2]);
    counts[0] += loans;
    counts[1] += bads;
  }

  void add(Tally other) {
    other.loans.forEach((b, c) -> addLoans(b.band(), b.epochDay(), c[0], c[1]));
    other.groups.forEach((g, n) -> groups.merge(g, n, Long::sum));
    other.completed.forEach(
        (d, times) -> completed.computeIfAbsent(d, k -> new Durations()).add(times));
    other.modules.forEach(
        (m, times) -> modules.computeIfAbsent(m, k -> new Durations()).add(times));
  }

  /** Whether a session counted has not ended (created or started): its day cannot be sealed. */
  boolean anyOpen() {
    return groups.keySet().stream()
        .anyMatch(g -> g.status().equals("CREATED") || g.status().equals("STARTED"));
  }

  List<Group> groups() {
    List<Group> counted = new ArrayList<>();
    groups.forEach((g, n) -> counted.add(g.withSessions(n)));
    return counted;
  }

  Timing toComplete() {
    Durations all = new Durations();
    completed.values().forEach(all::add);
    return all.timing();
  }

  List<Timed> byPlatform() {
    return split(Device::platform);
  }

  List<Timed> byLanguage() {
    return split(Device::language);
  }

  List<BandDay> bandDays() {
    List<BandDay> days = new ArrayList<>();
    loans.forEach((b, c) -> days.add(new BandDay(b.band(), b.epochDay(), c[0], c[1])));
    return days;
  }

  List<Timed> byModule() {
    List<Timed> timed = new ArrayList<>();
    modules.forEach((m, times) -> timed.add(new Timed(m.name(), m.no(), times.timing())));
    return timed;
  }

  private List<Timed> split(java.util.function.Function<Device, String> by) {
    Map<String, Durations> split = new LinkedHashMap<>();
    completed.forEach(
        (d, times) -> split.computeIfAbsent(by.apply(d), k -> new Durations()).add(times));
    List<Timed> timed = new ArrayList<>();
    split.forEach((key, times) -> timed.add(new Timed(key, 0, times.timing())));
    return timed;
  }

  /**
   * The JSON a sealed day keeps: {@code {"groups": [[status, platform, language, opened, consented,
   * modules finished, sessions], ...], "completed": [[platform, language, [seconds, sessions,
   * ...]], ...], "modules": [[module no, module, [seconds, finishes, ...]], ...]}}.
   */
  String toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode groupRows = root.putArray("groups");
    groups.forEach(
        (g, n) ->
            groupRows
                .addArray()
                .add(g.status())
                .add(g.platform())
                .add(g.language())
                .add(g.opened())
                .add(g.consented())
                .add(g.modulesFinished())
                .add(n));
    ArrayNode completedRows = root.putArray("completed");
    completed.forEach(
        (d, times) -> {
          ArrayNode row = completedRows.addArray().add(d.platform()).add(d.language());
          Arrays.stream(times.pairs()).forEach(row.addArray()::add);
        });
    ArrayNode moduleRows = root.putArray("modules");
    modules.forEach(
        (m, times) -> {
          ArrayNode row = moduleRows.addArray().add(m.no()).add(m.name());
          Arrays.stream(times.pairs()).forEach(row.addArray()::add);
        });
    ArrayNode loanRows = root.putArray("loans");
    loans.forEach(
        (b, c) -> loanRows.addArray().add(b.band()).add(b.epochDay()).add(c[0]).add(c[1]));
    return Json.write(root);
  }

  static Tally fromJson(String json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a sealed funnel day that is not JSON: " + e.getMessage(), e);
    }
    Tally tally = new Tally();
    for (JsonNode g : root.get("groups")) {
      tally.addGroup(
          new Group(
              g.get(0).asText(),
              text(g.get(1)),
              text(g.get(2)),
              g.get(3).asBoolean(),
              g.get(4).asBoolean(),
              g.get(5).asInt(),
              g.get(6).asLong()));
    }
    for (JsonNode c : root.get("completed")) {
      JsonNode pairs = c.get(2);
      for (int i = 0; i < pairs.size(); i += 2) {
        tally.addCompleted(
            text(c.get(0)), text(c.get(1)), pairs.get(i).asLong(), pairs.get(i + 1).asLong());
      }
    }
    for (JsonNode m : root.get("modules")) {
      JsonNode pairs = m.get(2);
      for (int i = 0; i < pairs.size(); i += 2) {
        tally.addModule(
            m.get(0).asInt(), m.get(1).asText(), pairs.get(i).asLong(), pairs.get(i + 1).asLong());
      }
    }
    for (JsonNode l : root.get("loans")) {
      tally.addLoans(l.get(0).asText(), l.get(1).asLong(), l.get(2).asLong(), l.get(3).asLong());
    }
    return tally;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
