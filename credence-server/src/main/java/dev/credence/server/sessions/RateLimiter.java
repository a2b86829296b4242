package dev.credence.server.sessions;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session creations a minute, per integration: a token bucket that holds one minute's allowance and
 * refills continuously. It counts on this node only; the open-session cap is the limit that holds
 * across nodes (it is counted in the database).
 */
public final class RateLimiter {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * Takes one creation from the integration's allowance.
   *
   * @return {@link Duration#ZERO} if allowed, otherwise how long until the next one would be
   */
  public Duration acquire(String integrationId, int perMinute, long nowNanos) {
    Bucket bucket = buckets.computeIfAbsent(integrationId, id -> new Bucket(perMinute, nowNanos));
    return bucket.take(perMinute, nowNanos);
  }

  private static final class Bucket {
    private static final double NANOS_PER_MINUTE = 60e9;
    private int perMinute;
    private double tokens;
    private long updatedNanos;

    Bucket(int perMinute, long nowNanos) {
      this.perMinute = perMinute;
      this.tokens = perMinute;
      this.updatedNanos = nowNanos;
    }

    synchronized Duration take(int limit, long nowNanos) {
      if (limit != perMinute) {
        tokens = Math.min(tokens, limit);
        perMinute = limit;
      }
      double refill = (nowNanos - updatedNanos) * perMinute / NANOS_PER_MINUTE;
      tokens = Math.min(perMinute, tokens + refill);
      updatedNanos = nowNanos;
      if (tokens >= 1) {
        tokens -= 1;
        return Duration.ZERO;
      }
      double missing = 1 - tokens;
      return Duration.ofNanos((long) Math.ceil(missing * NANOS_PER_MINUTE / perMinute));
    }
  }
}
