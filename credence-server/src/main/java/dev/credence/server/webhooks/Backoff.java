package dev.credence.server.webhooks;

import java.time.Duration;

/**
 * Exponential backoff with jitter: after the n-th failed attempt, wait base * 2^(n-1), at most
 * {@code cap}, then keep a random 50 to 100% of it ("equal jitter"), so receivers that come back
 * after an outage are not hit by every waiting event at the same instant.
 *
 * <p>With the default base of 30 s and cap of 6 h: about 30 s, 1 min, 2 min, 4 min ... 4 h 16 min,
 * then every 6 h (each kept at 50 to 100%), until the event's retry window (3 days by default)
 * closes: 20 to 33 attempts in all.
 */
public record Backoff(Duration base, Duration cap) {
  public static final Duration DEFAULT_CAP = Duration.ofHours(6);

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
  }

  /**
   * The wait after {@code failures} failed attempts (1 or more).
   *
   * @param random a uniform draw from [0, 1)
   */
  public Duration delay(int failures, double random) {
    if (failures < 1) {
      throw new IllegalArgumentException("delay is asked after a failure");
    }
    long baseMillis = base.toMillis();
    long capMillis = cap.toMillis();
    int doublings = Math.min(failures - 1, 40);
    long full =
        baseMillis > (capMillis >> doublings)
            ? capMillis
            : Math.min(capMillis, baseMillis << doublings);
    long jittered = full / 2 + (long) (random * (full - full / 2));
    return Duration.ofMillis(Math.max(1, jittered));
  }
}
