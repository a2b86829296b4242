package dev.credence.server.http;

import dev.credence.server.config.Config;
import io.javalin.config.JavalinConfig;
import java.util.List;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server's HTTP connector, in place of Javalin's default one: where it listens, and the limits
 * that keep a few slow or greedy clients from holding every connection ({@link HeadDeadline},
 * {@link ConnectionsPerAddress}).
 */
public final class Connectors {
  private Connectors() {}

  /**
   * @param trustedProxies the reverse proxies, not held to the per-address cap: every user's
   *     connections come from them
   */
  public static void install(
      JavalinConfig config, int port, Config.Edge edge, List<String> trustedProxies) {
    ClientAddress proxies = new ClientAddress(trustedProxies);
    config.jetty.addConnector(
        (server, http) -> {
          ServerConnector connector =
              new ServerConnector(server, new HeadDeadline(http, edge.headTimeout()));
          connector.setHost(edge.bindAddress());
          connector.setPort(port);
          connector.addBean(
              new ConnectionsPerAddress(edge.connectionsPerAddress(), proxies::isTrustedProxy));
          return connector;
        });
  }
}
