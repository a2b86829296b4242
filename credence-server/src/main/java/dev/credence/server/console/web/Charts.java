package dev.credence.server.console.web;

import java.time.LocalDate;
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
   * @param ticks the count axis' labels, from 0 up to the plot's top, which is the last of them
   */
  public record Histogram(
      int width,
      int height,
      int binWidth,
      long total,
      long maxCount,
      List<Bar> bars,
      List<Tick> ticks) {
    public static final int LEFT = 48;
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

    /** The count at the plot's top: the last tick. */
    public long top() {
      return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1).value();
    }

    /** Where the count axis' title, turned a quarter left, is centred along the axis. */
    public double axisTitleX() {
      return -(TOP + baseY()) / 2.0;
    }
  }

  /** A label of a count axis: {@code value} at height {@code y}. */
  public record Tick(long value, double y) {
    public double textY() {
      return y + 4;
    }
  }

  /**
   * The steps of a count axis from 0 to at least {@code max}: 1, 2 or 5 times a power of ten, the
   * smallest that needs at most five steps, so the labels are round numbers.
   */
  static long countStep(long max) {
    for (long power = 1; ; power *= 10) {
      for (long step : new long[] {power, 2 * power, 5 * power}) {
        if (step * 5 >= max) {
          return step;
        }
      }
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

    /** The bar's scores, as "340" or "300 to 349". */
    public String range() {
      return from == to ? String.valueOf(from) : from + " to " + to;
    }

    public String title() {
      return range() + ": " + count + (count == 1 ? " result" : " results");
    }
  }

  /** Bars of equal width over the scores present, empty bins included; none for no scores. */
  public static Histogram histogram(SortedMap<Integer, Long> countsByScore) {
    int width = 400;
    int height = 170;
    if (countsByScore.isEmpty()) {
      return new Histogram(width, height, 1, 0, 0, List.of(), List.of());
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
    long step = countStep(max);
    long top = Math.max(1, (max + step - 1) / step) * step;
    double plotWidth = width - Histogram.LEFT - Histogram.RIGHT;
    double plotHeight = height - Histogram.TOP - Histogram.BOTTOM;
    List<Tick> ticks = new ArrayList<>();
    for (long value = 0; value <= top; value += step) {
      ticks.add(new Tick(value, round(Histogram.TOP + plotHeight - value * plotHeight / top)));
    }
    double slot = plotWidth / count;
    double gap = slot > 6 ? 2 : 0;
    int labelEvery = Math.max(1, (int) Math.ceil(count / 6.0));
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double h = counts[i] * plotHeight / top;
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
    return new Histogram(width, height, bin, total, max, bars, ticks);
  }

  /** Plot geometry shared by the model page's charts: a square-ish plot with room for labels. */
  public record Frame(int width, int height) {
    public static final int LEFT = 44;
    public static final int RIGHT = 10;
    public static final int TOP = 10;
    public static final int BOTTOM = 40;

    public String viewBox() {
      return "0 0 " + width + " " + height;
    }

    public int baseY() {
      return height - BOTTOM;
    }

    public int rightX() {
      return width - RIGHT;
    }

    public double midX() {
      return (LEFT + rightX()) / 2.0;
    }
  }

  /**
   * Predicted against observed bad rate, one point a decile of predicted PD, on one scale from 0 to
   * {@code max} on both axes, with the diagonal a perfectly calibrated model would follow.
   */
  public record Calibration(Frame frame, double max, List<Point> points) {
    public String maxLabel() {
      return percent(max);
    }

    /** The diagonal's end: (max, max). */
    public double diagonalX() {
      return frame.rightX();
    }

    public double diagonalY() {
      return Frame.TOP;
    }
  }

  /** One decile: {@code predicted} and {@code observed} as rates, at (x, y). */
  public record Point(
      int decile, int n, int bads, double predicted, double observed, double x, double y) {
    public String title() {
      return "Decile "
          + decile
          + ": predicted "
          + percent(predicted)
          + ", observed "
          + percent(observed)
          + " ("
          + bads
          + " of "
          + n
          + ")";
    }
  }

  /** One decile of a calibration table: its size, bads, mean predicted PD and observed rate. */
  public record Decile(int decile, int n, int bads, double predicted, double observed) {}

  public static Calibration calibration(List<Decile> deciles) {
    Frame frame = new Frame(320, 280);
    double highest = 0;
    for (Decile d : deciles) {
      highest = Math.max(highest, Math.max(d.predicted(), d.observed()));
    }
    // Up to the next 5 %, so the top tick is a round figure.
    double max = Math.max(0.05, Math.ceil(highest * 20 - 1e-9) / 20);
    double plotWidth = frame.rightX() - Frame.LEFT;
    double plotHeight = frame.baseY() - Frame.TOP;
    List<Point> points = new ArrayList<>();
    for (Decile d : deciles) {
      points.add(
          new Point(
              d.decile(),
              d.n(),
              d.bads(),
              d.predicted(),
              d.observed(),
              round(Frame.LEFT + d.predicted() / max * plotWidth),
              round(frame.baseY() - d.observed() / max * plotHeight)));
    }
    return new Calibration(frame, max, points);
  }

  /** Bad rate per risk band, one bar a band, from 0 to {@code max}. */
  public record BandBars(Frame frame, double max, List<BandBar> bars) {
    public String maxLabel() {
      return percent(max);
    }
  }

  public record BandBar(
      String band,
      int n,
      int bads,
      double rate,
      double x,
      double y,
      double barWidth,
      double barHeight) {
    public double labelX() {
      return x + barWidth / 2;
    }

    public String title() {
      return "Band " + band + ": " + bads + " of " + n + " bad (" + percent(rate) + ")";
    }
  }

  /** One band of a fit report: applicants, bads and their rate. */
  public record Band(String band, int n, int bads, double rate) {}

  public static BandBars bandRates(List<Band> bands) {
    Frame frame = new Frame(320, 220);
    double highest = 0;
    for (Band b : bands) {
      highest = Math.max(highest, b.rate());
    }
    double max = Math.max(0.05, Math.ceil(highest * 20 - 1e-9) / 20);
    double plotWidth = frame.rightX() - Frame.LEFT;
    double plotHeight = frame.baseY() - Frame.TOP;
    double slot = bands.isEmpty() ? plotWidth : plotWidth / bands.size();
    List<BandBar> bars = new ArrayList<>();
    for (int i = 0; i < bands.size(); i++) {
      Band b = bands.get(i);
      double h = b.rate() / max * plotHeight;
      bars.add(
          new BandBar(
              b.band(),
              b.n(),
              b.bads(),
              b.rate(),
              round(Frame.LEFT + i * slot + slot * 0.15),
              round(frame.baseY() - h),
              round(slot * 0.7),
              round(h)));
    }
    return new BandBars(frame, max, bars);
  }

  /** A rate as a percentage with one decimal: 0.1234 is "12.3%". */
  public static String percent(double rate) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", rate * 100);
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /**
   * The share of delivery attempts answered 200, one bar a UTC day from {@code first} to {@code
   * last}, on a scale of 0 to 100 %; a day without attempts has no bar.
   */
  public record Rates(Frame frame, List<DayRate> days) {
    /** The y of a share (0 to 1) on the plot. */
    public double yOf(double share) {
      return round(Frame.TOP + (frame.baseY() - Frame.TOP) * (1 - share));
    }

    public boolean empty() {
      return days.stream().allMatch(d -> d.attempts() == 0);
    }
  }

  /** One day's attempts and how many were answered 200, with its bar. */
  public record DayRate(
      LocalDate day,
      long attempts,
      long delivered,
      double x,
      double y,
      double barWidth,
      double barHeight,
      String label) {
    public String percent() {
      return attempts == 0 ? "" : Charts.percent((double) delivered / attempts);
    }

    public double labelX() {
      return x + barWidth / 2;
    }

    public String title() {
      return day
          + ": "
          + (attempts == 0
              ? "no attempts"
              : percent() + " answered 200 (" + delivered + " of " + attempts + " attempts)");
    }
  }

  /** A day's attempts, as {@link #rates} takes them. */
  public record DayCount(LocalDate day, long attempts, long delivered) {}

  public static Rates rates(LocalDate first, LocalDate last, List<DayCount> counts) {
    Frame frame = new Frame(400, 180);
    Map<LocalDate, DayCount> byDay = new java.util.HashMap<>();
    counts.forEach(c -> byDay.put(c.day(), c));
    int n = (int) (last.toEpochDay() - first.toEpochDay()) + 1;
    double plotWidth = frame.rightX() - Frame.LEFT;
    double plotHeight = frame.baseY() - Frame.TOP;
    double slot = plotWidth / n;
    double gap = slot > 6 ? 3 : 0;
    int labelEvery = Math.max(1, (int) Math.ceil(n / 5.0));
    List<DayRate> days = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LocalDate day = first.plusDays(i);
      DayCount c = byDay.getOrDefault(day, new DayCount(day, 0, 0));
      double share = c.attempts() == 0 ? 0 : (double) c.delivered() / c.attempts();
      double h = share * plotHeight;
      days.add(
          new DayRate(
              day,
              c.attempts(),
              c.delivered(),
              round(Frame.LEFT + i * slot + gap / 2),
              round(Frame.TOP + plotHeight - h),
              round(slot - gap),
              round(h),
              (n - 1 - i) % labelEvery == 0 ? day.toString().substring(5) : null));
    }
    return new Rates(frame, days);
  }
}
