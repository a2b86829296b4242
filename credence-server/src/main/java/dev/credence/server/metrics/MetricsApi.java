package dev.credence.server.metrics;

import dev.credence.server.config.Config;
import dev.credence.server.errors.Refusal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: the node's meters for a Prometheus scrape. Open unless {@code
 * CREDENCE_METRICS_TOKEN} is set; then a scrape sends {@code Authorization: Bearer <token>},
 * compared in constant time, and anything else is a 401. Served on the main port, or, with {@code
 * CREDENCE_METRICS_PORT}, only on that one ({@link MetricsServer}).
 */
public final class MetricsApi {
  /** The path of the scrape, on whichever port serves it. */
  public static final String PATH = "/metrics";

  private final Metrics metrics;
  private final byte[] token;

  public MetricsApi(Metrics metrics, Config.Metrics settings) {
    this.metrics = metrics;
    this.token =
        settings.token() == null ? null : settings.token().value().getBytes(StandardCharsets.UTF_8);
  }

  /** Declares {@link #PATH}. */
  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::scrape);
  }

  /**
   * Declares {@link #PATH} as a JSON 404, for the main port when the scrape has a port of its own:
   * otherwise the path would reach the applicant's link ({@code /{token}}) and answer its page.
   */
  public static void notHere(RoutesConfig routes) {
    routes.get(
        PATH,
        ctx -> {
          throw Refusal.notFound("not_found", "No such endpoint: " + PATH);
        });
  }

  private void scrape(Context ctx) {
    authorize(ctx);
    ctx.header("Cache-Control", "no-store");
    ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape());
  }

  private void authorize(Context ctx) {
    if (token == null) {
      return;
    }
    String header = ctx.header("Authorization");
    String prefix = "Bearer ";
    if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw Refusal.unauthenticated(
          "metrics_token_missing", "Missing Authorization: Bearer <metrics token>", "Bearer");
    }
    byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw Refusal.unauthenticated("metrics_token_invalid", "Invalid metrics token", "Bearer");
    }
  }
}
