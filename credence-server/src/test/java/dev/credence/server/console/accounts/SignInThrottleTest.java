package dev.credence.server.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The throttle's arithmetic, without a database: which count holds an attempt back, how long. */
class SignInThrottleTest {
  private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  private static final List<Instant> NONE = List.of();

  @Test
  void theDelayDoublesFromTheThirdFailureUpToAMinute() {
    List<Long> seconds = new ArrayList<>();
    for (int failures = 0; failures <= 12; failures++) {
      seconds.add(SignInThrottle.delay(failures).toSeconds());
    }
    assertThat(seconds).containsExactly(0L, 0L, 0L, 1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L, 60L);
    assertThat(SignInThrottle.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aClientThatHasNotFailedForTheAddressIsNeverDelayed() {
    assertThat(SignInThrottle.wait(NONE, 10_000, NONE, NOW)).isZero();
  }

  @Test
  void aClientThatFailedWaitsFromItsOwnLastFailure() {
    List<Instant> pair = List.of(NOW.minusSeconds(30), NOW.minusSeconds(3));
    assertThat(SignInThrottle.wait(pair, 2, NONE, NOW)).isZero();
    assertThat(SignInThrottle.wait(pair, 5, NONE, NOW)).isEqualTo(Duration.ofSeconds(1));
    assertThat(SignInThrottle.wait(pair, 500, NONE, NOW)).isEqualTo(Duration.ofSeconds(57));
  }

  @Test
  void thePairAndTheClientLimitsHoldUntilTheirOldestCountedFailureLeavesTheWindow() {
    List<Instant> four = times(4, NOW.minusSeconds(600));
    assertThat(SignInThrottle.wait(four, 0, NONE, NOW)).isZero();
    List<Instant> five = times(5, NOW.minusSeconds(600));
    assertThat(SignInThrottle.wait(five, 0, NONE, NOW)).isEqualTo(Duration.ofSeconds(300));

    List<Instant> nineteen = times(19, NOW.minusSeconds(100));
    assertThat(SignInThrottle.wait(NONE, 0, nineteen, NOW)).isZero();
    List<Instant> twenty = new ArrayList<>(times(1, NOW.minusSeconds(800)));
    twenty.addAll(times(19, NOW.minusSeconds(100)));
    // Free when the oldest of the last twenty leaves: the one 800 s ago, 100 s from now.
    assertThat(SignInThrottle.wait(NONE, 0, twenty, NOW)).isEqualTo(Duration.ofSeconds(100));
  }

  private static List<Instant> times(int count, Instant at) {
    return Collections.nCopies(count, at);
  }
}
