package dev.credence.bench;

import dev.credence.bench.JourneyTraffic.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one walk through the journey measured: when each phase began, the applicant's taps and
 * pauses, every request, and what was played. Times are epoch milliseconds, the clock Chrome stamps
 * its requests with.
 *
 * @param marks the start of each phase, in order; a phase lasts until the next one starts, the last
 *     ({@link Phase#END}) until {@code endMs}
 * @param endMs when the completed page was on screen
 * @param played what the applicant did, by name (statements, pumps, rounds...), in order
 */
record JourneyRun(
    String mode,
    long startMs,
    long endMs,
    List<Mark> marks,
    List<Long> taps,
    List<Pause> pauses,
    List<Request> requests,
    Map<String, Integer> played) {

  /**
   * The parts of the journey. Each begins with the tap that led to its first screen (for consent,
   * opening the link), so it holds the loading of its own first page and the post of the answer
   * before it; {@link #END} is the last answer's post and the completed page.
   */
  enum Phase {
    CONSENT("consent"),
    QUESTIONNAIRE("questionnaire"),
    BALLOONS("balloons"),
    CHOICES("choices"),
    MEMORY("memory"),
    END("end");

    final String label;

    Phase(String label) {
      this.label = label;
    }
  }

  /** A phase beginning at {@code atMs}. */
  record Mark(Phase phase, long atMs) {}

  /** The applicant reading or deciding (not waiting for the page) from {@code atMs}. */
  record Pause(long atMs, long ms) {}

  /**
   * One phase's figures.
   *
   * @param paceMs of {@code ms}, the time the applicant spent reading, deciding and typing (the
   *     rest is waiting: for pages, and in the memory game for the digits shown by the server's
   *     clock)
   * @param pages pages (documents) the browser loaded from the network
   * @param requests requests that went to the network (cache hits not counted)
   * @param cached requests the browser's cache answered
   * @param bytes bytes received, headers included
   */
  record Figures(
      String phase,
      long ms,
      long paceMs,
      int taps,
      int pages,
      int requests,
      int cached,
      long bytes) {}

  long totalMs() {
    return endMs - startMs;
  }

  /** The figures of each phase that occurred, in order. */
  List<Figures> phases() {
    List<Figures> figures = new ArrayList<>();
    for (int i = 0; i < marks.size(); i++) {
      long from = marks.get(i).atMs();
      long to = i + 1 < marks.size() ? marks.get(i + 1).atMs() : Long.MAX_VALUE;
      long end = i + 1 < marks.size() ? to : endMs;
      figures.add(figures(marks.get(i).phase().label, from, to, end - from));
    }
    return figures;
  }

  /** The whole journey's figures. */
  Figures total() {
    return figures("total", Long.MIN_VALUE, Long.MAX_VALUE, totalMs());
  }

  private Figures figures(String label, long from, long to, long ms) {
    long pace = 0;
    for (Pause pause : pauses) {
      if (pause.atMs() >= from && pause.atMs() < to) {
        pace += pause.ms();
      }
    }
    // The tap that ends a phase is made in it, though the next phase begins with it.
    int tapCount = (int) taps.stream().filter(t -> t > from && t <= to).count();
    int pages = 0;
    int network = 0;
    int cached = 0;
    long bytes = 0;
    for (Request request : requests) {
      // A request sent a moment before the first mark (the link's page) is the first phase's.
      long at = Math.max(request.sentAtMs(), startMs);
      if (at < from || at >= to) {
        continue;
      }
      if (request.cached()) {
        cached++;
      } else {
        network++;
        if (request.document() && "GET".equals(request.method())) {
          pages++;
        }
      }
      bytes += request.bytes();
    }
    return new Figures(label, ms, pace, tapCount, pages, network, cached, bytes);
  }
}
