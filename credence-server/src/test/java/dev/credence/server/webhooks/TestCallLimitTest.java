package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TestCallLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TestCallLimit limit = new TestCallLimit(10, now::get);

  @Test
  void tenCallsInAnySixtySecondsThenAWaitUntilTheOldestIsAMinuteOld() {
    for (int i = 0; i < 10; i++) {
      assertThat(limit.acquire("env-a")).as("call " + i).isZero();
      advance(Duration.ofSeconds(1));
    }
    // 10 s after the first call: it leaves the window in 50 s.
    assertThat(limit.acquire("env-a")).isEqualTo(Duration.ofSeconds(50));
    assertThat(limit.acquire("env-b")).as("each environment counts apart").isZero();

    advance(Duration.ofSeconds(50));
    assertThat(limit.acquire("env-a")).isZero();
    assertThat(limit.acquire("env-a")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aRefusedCallIsNotCounted() {
    for (int i = 0; i < 10; i++) {
      limit.acquire("env-a");
    }
    for (int i = 0; i < 5; i++) {
      assertThat(limit.acquire("env-a")).isEqualTo(Duration.ofMinutes(1));
    }
    advance(Duration.ofMinutes(1));
    assertThat(limit.acquire("env-a")).isZero();
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }
}
