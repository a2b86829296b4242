package dev.credence.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a call is repeated after a network error or a {@code 503}: at most
 * {@code maxAttempts} attempts in all, the waits doubling from {@code firstDelay}, each a random 50
 * to 100% of that figure, never more than {@code maxDelay}. A {@code Retry-After} of the server
 * lengthens a wait, still within {@code maxDelay}.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {

  /** Three attempts, waits from half a second, at most 10 seconds. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(10));

  /** One attempt: nothing is repeated. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException("maxAttempts must be from 1 to 20, got " + maxAttempts);
    }
    if (firstDelay == null
        || firstDelay.isNegative()
        || maxDelay == null
        || maxDelay.isNegative()) {
      throw new IllegalArgumentException("retry delays must be zero or positive durations");
    }
    if (firstDelay.compareTo(maxDelay) > 0) {
      throw new IllegalArgumentException("firstDelay must not be longer than maxDelay");
    }
  }

  /**
   * The wait before attempt {@code failed + 1}.
   *
   * @param failed the attempts made so far (1 or more)
   * @param retryAfter the server's {@code Retry-After}, or null
   */
  public Duration delayAfter(int failed, Duration retryAfter) {
    long full = firstDelay.toMillis() << Math.min(failed - 1, 20);
    long capped = Math.min(full, maxDelay.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    long wanted = retryAfter == null ? jittered : Math.max(jittered, retryAfter.toMillis());
    return Duration.ofMillis(Math.min(wanted, maxDelay.toMillis()));
  }
}
