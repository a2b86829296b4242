package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofHours(6));

  @Test
  void eachFailureDoublesTheWaitUpToTheCap() {
    // random = 1 keeps (almost) the full delay; 0 keeps half of it.
    assertThat(backoff.delay(1, 0.999999))
        .isBetween(Duration.ofMillis(29_999), Duration.ofSeconds(30));
    assertThat(backoff.delay(2, 0.0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(2, 0.999999))
        .isBetween(Duration.ofMillis(59_999), Duration.ofSeconds(60));
    assertThat(backoff.delay(10, 0.0)).isEqualTo(Duration.ofSeconds(30L * 512 / 2));
    assertThat(backoff.delay(11, 0.0)).as("30 s * 2^10 is past 6 h").isEqualTo(Duration.ofHours(3));
    assertThat(backoff.delay(500, 0.0)).isEqualTo(Duration.ofHours(3));
    assertThat(backoff.delay(500, 0.999999))
        .isBetween(Duration.ofMillis(21_599_900), Duration.ofHours(6));
  }

  @Test
  void jitterSpreadsTheWaitBetweenHalfAndAllOfIt() {
    for (double r = 0; r < 1; r += 0.05) {
      assertThat(backoff.delay(3, r)).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120));
    }
    assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void threeDaysOfRetriesMakeAboutTwentyAttempts() {
    Duration window = Duration.ofDays(3);
    for (double r : new double[] {0.0, 0.999999}) {
      Duration elapsed = Duration.ZERO;
      int attempts = 1;
      while (elapsed.plus(backoff.delay(attempts, r)).compareTo(window) <= 0) {
        elapsed = elapsed.plus(backoff.delay(attempts, r));
        attempts++;
      }
      assertThat(attempts).as("random " + r).isBetween(15, 35);
    }
  }

  @Test
  void aBackoffNeedsAPositiveBaseNoLargerThanItsCap() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofHours(2), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
