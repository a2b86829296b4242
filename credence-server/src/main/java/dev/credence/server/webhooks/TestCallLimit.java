package dev.credence.server.webhooks;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Test calls a minute, per environment: at most {@code perMinute} in any 60 seconds. Each call
 * holds a request thread for up to the webhook time-out, so an unlimited caller could tie up the
 * server's threads, or use it to knock on a receiver. Counted on this node only.
 */
final class TestCallLimit {
  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

  private final int perMinute;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Deque<Long>> calls = new ConcurrentHashMap<>();

  TestCallLimit(int perMinute, LongSupplier nanoTime) {
    this.perMinute = perMinute;
    this.nanoTime = nanoTime;
  }

  int perMinute() {
    return perMinute;
  }

  /**
   * Counts one call of the environment if it is within the limit.
   *
   * @return {@link Duration#ZERO} if it is, otherwise how long until the next one would be
   */
  Duration acquire(String integrationId) {
    Deque<Long> times = calls.computeIfAbsent(integrationId, id -> new ArrayDeque<>());
    synchronized (times) {
      long now = nanoTime.getAsLong();
      while (!times.isEmpty() && now - times.peekFirst() >= MINUTE_NANOS) {
        times.pollFirst();
      }
      if (times.size() < perMinute) {
        times.addLast(now);
        return Duration.ZERO;
      }
      return Duration.ofNanos(MINUTE_NANOS - (now - times.peekFirst()));
    }
  }
}
