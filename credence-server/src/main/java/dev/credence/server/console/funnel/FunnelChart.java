package dev.credence.server.console.funnel;

import java.util.ArrayList;
import java.util.List;

/**
 * The funnel as a chart drawn on the server (inline SVG, in the units of its viewBox): one bar a
 * step, as long as the share of the sessions created that reached it, its name and figures above.
 */
public record FunnelChart(int width, int height, List<FunnelChart.Bar> bars) {
  static final int WIDTH = 400;
  static final int ROW = 34;

  /** One step's bar at (0, y), with its label's baseline at {@code textY}. */
  public record Bar(Funnel.Step step, double y, double barWidth, double textY) {
    public static final int HEIGHT = 12;

    public String label() {
      return step.name()
          + ": "
          + step.sessions()
          + (step.share().isEmpty() ? "" : " (" + step.share() + ")");
    }
  }

  public String viewBox() {
    return "0 0 " + width + " " + height;
  }

  public static FunnelChart of(List<Funnel.Step> steps) {
    long created = steps.isEmpty() ? 0 : steps.get(0).sessions();
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Funnel.Step step = steps.get(i);
      double share = created == 0 ? 0 : (double) step.sessions() / created;
      double top = i * ROW;
      bars.add(
          new Bar(
              step,
              top + 16,
              Math.round(Math.max(share * WIDTH, step.sessions() > 0 ? 1 : 0) * 10) / 10.0,
              top + 12));
    }
    return new FunnelChart(WIDTH, Math.max(ROW, steps.size() * ROW), bars);
  }
}
