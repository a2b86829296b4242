package dev.credence.server.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Charts drawn on the server as inline SVG: geometry only, in the units of the SVG's viewBox. The
 * templates write the elements with presentation attributes and CSS classes, never a style
 * attribute (the dashboard's CSP allows only its own style sheet).
 */
public final class Charts {
  /** Bin widths tried in turn, so that the bars stay few enough to read on a phone. */
  private static final int[] WIDTHS = {1, 2, 5, 10, 20, 25, 50, 100, 200};

  private static final int MAX_BARS = 30;

  private Charts() {}

  /**
   * A histogram of scores.
   *
   * @param width the viewBox width; the plot sits between {@link #LEFT} and width - {@link #RIGHT}
   * @param binWidth how many score points each bar covers
   */
  public record Histogram(
      int width, int height, int binWidth, long total, long maxCount, List<Bar> bars) {
    public static final int LEFT = 36;
    public static final int RIGHT = 8;
    public static final int TOP = 10;
    public static final int BOTTOM = 34;

    public String viewBox() {
      return "0 0 " + width + " " + height;
    }

    /** The y of the plot's base line. */
    public int baseY() {
      return height - BOTTOM;
    }

    public int rightX() {
      return width - RIGHT;
    }

    public boolean empty() {
      return bars.isEmpty();
    }
  }

  /**
   * One bar: scores {@code from} to {@code to} inclusive, {@code count} results.
   *
   * @param label the bin's first score when it is shown under the axis, else null
   */
  public record Bar(
      int from,
      int to,
      long count,
      double x,
      double y,
      double barWidth,
      double barHeight,
      String label) {

    public double labelX() {
      return x + barWidth / 2;
    }

    public String title() {
      return (from == to ? String.valueOf(from) : from + " to " + to)
          + ": "
          + count
          + (count == 1 ? " result" : " results");
    }
  }

  /** Bars of equal width over the scores present, empty bins included; none for no scores. */
  public static Histogram histogram(SortedMap<Integer, Long> countsByScore) {
    int width = 400;
    int height = 170;
    if (countsByScore.isEmpty()) {
      return new Histogram(width, height, 1, 0, 0, List.of());
    }
    int low = countsByScore.firstKey();
    int high = countsByScore.lastKey();
    int bin = WIDTHS[WIDTHS.length - 1];
    for (int candidate : WIDTHS) {
      if (Math.floorDiv(high, candidate) - Math.floorDiv(low, candidate) + 1 <= MAX_BARS) {
        bin = candidate;
        break;
      }
    }
    int first = Math.floorDiv(low, bin);
    int count = Math.floorDiv(high, bin) - first + 1;
    long[] counts = new long[count];
    long total = 0;
    for (Map.Entry<Integer, Long> e : countsByScore.entrySet()) {
      counts[Math.floorDiv(e.getKey(), bin) - first] += e.getValue();
      total += e.getValue();
    }
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    double plotWidth = width - Histogram.LEFT - Histogram.RIGHT;
    double plotHeight = height - Histogram.TOP - Histogram.BOTTOM;
    double slot = plotWidth / count;
    double gap = slot > 6 ? 2 : 0;
    int labelEvery = Math.max(1, (int) Math.ceil(count / 6.0));
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double h = counts[i] * plotHeight / max;
      int from = (first + i) * bin;
      bars.add(
          new Bar(
              from,
              from + bin - 1,
              counts[i],
              round(Histogram.LEFT + i * slot + gap / 2),
              round(Histogram.TOP + plotHeight - h),
              round(slot - gap),
              round(h),
              i % labelEvery == 0 ? String.valueOf(from) : null));
    }
    return new Histogram(width, height, bin, total, max, bars);
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
