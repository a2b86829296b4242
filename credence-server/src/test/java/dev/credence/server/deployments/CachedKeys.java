package dev.credence.server.deployments;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.metrics.PrometheusText;
import dev.credence.server.testing.ServerHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the contracts of the API-key cache (decisions 0024 and 0027) share: creating sessions on a
 * node until its cache holds the key, timing a refusal against the cache's bound, and the answers
 * they expect.
 */
final class CachedKeys {
  /** The bound, and room for the polling request's own time on a loaded machine. */
  static final Duration WITHIN_THE_BOUND = KeyCache.BOUND.plusMillis(500);

  private CachedKeys() {}

  /**
   * Runs {@code create} (a create call on {@code node}, each with a new uid) until the node's cache
   * holds one entry more (a node just started trusts its cache once its first check has run).
   */
  static void awaitCached(ServerHttp node, Supplier<HttpResponse<String>> create) {
    double before = entries(node);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      assertCreated(create.get());
      if (entries(node) > before) {
        return;
      }
      pause(Duration.ofMillis(20));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the key was never cached on " + node.baseUrl());
  }

  /** How many keys {@code node} caches, from its metrics. */
  static double entries(ServerHttp node) {
    HttpResponse<String> metrics = node.get("/metrics");
    assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
    return PrometheusText.parse(metrics.body()).value("credence_api_key_cache_entries");
  }

  /** How long after {@code since} (nanoTime) {@code call} first answered {@code status}. */
  static Duration untilRefused(long since, Supplier<HttpResponse<String>> call, int status) {
    return ServerHttp.untilStatus(since, KeyCache.BOUND.multipliedBy(2), status, call);
  }

  static void assertCreated(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).get("code").asText()).isEqualTo(code);
    assertThat(json(response).get("detail").asText()).isNotBlank();
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
