package dev.credence.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code http_server_requests_seconds}: every answered request, by method, route template and
 * status, with a latency histogram. The route is the access log's ({@link RequestLog#route}), never
 * the path as sent, so an access token never becomes a label and the series stay few.
 */
final class RequestMetrics {
  /** The histogram's bucket bounds: from a cached page to a slow export. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry meters;

  RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void record(String method, String route, int status, float millis) {
    Timer.builder("http.server.requests")
        .description("HTTP requests answered, by method, route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(BUCKETS)
        .register(meters)
        .record(Duration.ofNanos(Math.round(millis * 1_000_000.0)));
  }
}
