package dev.credence.server.metrics;

import dev.credence.server.config.Config;
import dev.credence.server.http.Connectors;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.Json;
import dev.credence.server.http.SecurityHeaders;
import io.javalin.Javalin;

/**
 * The port of {@code CREDENCE_METRICS_PORT}: {@code GET /metrics} and nothing else, listening on
 * the same address as the main port and with its limits, so that a scrape can be kept on a network
 * the public never reaches. Every other path answers the usual JSON 404.
 */
public final class MetricsServer implements AutoCloseable {
  private final Javalin http;

  private MetricsServer(Javalin http) {
    this.http = http;
  }

  /** Starts listening on {@code port}; fails, as the main port does, if it is taken. */
  public static MetricsServer start(Config config, int port, MetricsApi api, Metrics metrics) {
    Javalin http =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.jsonMapper(Json.javalinMapper());
              Connectors.install(c, port, config.edge(), config.console().trustedProxies());
              c.http.prefer405over404 = true;
              // No dashboard here: every refusal is JSON.
              HttpEdge.install(
                  c,
                  new SecurityHeaders(config.edge().hsts()),
                  MetricsApi.PATH,
                  HttpEdge::respond,
                  metrics.registry());
              api.routes(c.routes);
            });
    http.start();
    return new MetricsServer(http);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.stop();
  }
}
