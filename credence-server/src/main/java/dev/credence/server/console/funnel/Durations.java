package dev.credence.server.console.funnel;

import dev.credence.server.console.funnel.FunnelQueries.Timing;
import java.util.Map;
import java.util.TreeMap;

/**
 * Times in whole seconds, as how many sessions took each: what the funnel's one grouped scan hands
 * back instead of the sessions themselves. Its median and 90th percentile are SQL's {@code
 * PERCENTILE_CONT} of the same times (docs/decisions/0032-funnel-page.md), so memory grows with the
 * distinct durations, not the sessions.
 */
final class Durations {
  private final TreeMap<Long, Long> counts = new TreeMap<>();
  private long n;

  void add(long seconds, long sessions) {
    counts.merge(seconds, sessions, Long::sum);
    n += sessions;
  }

  void add(Durations other) {
    other.counts.forEach(this::add);
  }

  /** The times as {@code [seconds, sessions, seconds, sessions, ...]}, fewest seconds first. */
  long[] pairs() {
    long[] pairs = new long[counts.size() * 2];
    int i = 0;
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      pairs[i++] = e.getKey();
      pairs[i++] = e.getValue();
    }
    return pairs;
  }

  Timing timing() {
    return n == 0 ? Timing.NONE : new Timing(n, percentile(0.5), percentile(0.9));
  }

  /**
   * The value at rank {@code p (n - 1)} of the times in order, interpolated linearly between the
   * two nearest ranks, as {@code PERCENTILE_CONT(p)} does.
   */
  double percentile(double p) {
    double rank = p * (n - 1);
    long below = (long) Math.floor(rank);
    double fraction = rank - below;
    long low = at(below);
    return fraction == 0 ? low : low + fraction * (at(below + 1) - low);
  }

  /** The time at {@code index} (from 0) of the times in order. */
  private long at(long index) {
    long seen = 0;
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      seen += e.getValue();
      if (index < seen) {
        return e.getKey();
      }
    }
    throw new IndexOutOfBoundsException(index + " of " + n);
  }
}
