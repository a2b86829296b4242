package dev.credence.server.console.funnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.credence.server.console.funnel.FunnelQueries.Timing;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationsTest {
  /** PERCENTILE_CONT of the times themselves, in order: what SQL computes. */
  private static double percentileCont(long[] times, double p) {
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    double rank = p * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    double fraction = rank - below;
    return fraction == 0
        ? sorted[below]
        : sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
  }

  @Test
  void theMedianAndNinetiethPercentileInterpolateAsPercentileContDoes() {
    Durations durations = new Durations();
    durations.add(270, 1);
    durations.add(90, 1);
    durations.add(150, 1);
    // 90, 150, 270: the middle one, and 150 + 0.8 x 120.
    assertThat(durations.timing().n()).isEqualTo(3);
    assertThat(durations.timing().median()).isEqualTo(150.0);
    assertThat(durations.timing().p90()).isCloseTo(246.0, within(1e-9));
  }

  @Test
  void countsOfEachSecondGiveWhatTheTimesOneByOneGive() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(400);
      long[] times = new long[n];
      Durations durations = new Durations();
      for (int i = 0; i < n; i++) {
        // Few distinct values, so that most seconds are shared by several sessions.
        times[i] = 30 + random.nextInt(1 + random.nextInt(120));
        durations.add(times[i], 1);
      }
      for (double p : new double[] {0, 0.1, 0.5, 0.9, 1}) {
        assertThat(durations.percentile(p))
            .as("trial %d, p %s", trial, p)
            .isCloseTo(percentileCont(times, p), within(1e-9));
      }
    }
  }

  @Test
  void addingToASecondAlreadyCountedAddsItsSessions() {
    Durations durations = new Durations();
    durations.add(60, 2);
    durations.add(60, 3);
    durations.add(600, 5);
    // Ten times: five of 60 s, five of 600 s. Rank 4.5 falls between them.
    assertThat(durations.timing()).isEqualTo(new Timing(10, 330.0, 600.0));
  }

  @Test
  void noTimesHaveNoTiming() {
    assertThat(new Durations().timing()).isEqualTo(Timing.NONE);
  }
}
