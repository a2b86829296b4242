package dev.credence.server.webhooks;

import dev.credence.server.outbound.AddressGuard;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * How the webhook client finds where to connect: the host is looked up once, by {@link
 * AddressGuard#resolve}, and the client is handed exactly the addresses that were checked, already
 * resolved, so nothing looks the name up again between the check and the connection (a name that
 * answers with a public address to the check and with 127.0.0.1 to the connection gets nowhere).
 */
final class GuardedResolver implements SocketAddressResolver {
  private final AddressGuard guard;
  private final Executor executor;

  GuardedResolver(AddressGuard guard, Executor executor) {
    this.guard = guard;
    this.executor = executor;
  }

  @Override
  public void resolve(
      String host,
      int port,
      Map<String, Object> context,
      Promise<List<InetSocketAddress>> promise) {
    // A lookup blocks: never on the thread that asked, which may be one of the client's selectors.
    try {
      executor.execute(() -> resolveNow(host, port, promise));
    } catch (RejectedExecutionException stopping) {
      promise.failed(stopping);
    }
  }

  private void resolveNow(String host, int port, Promise<List<InetSocketAddress>> promise) {
    List<InetSocketAddress> addresses;
    try {
      addresses =
          guard.resolve(host).stream()
              .map(address -> new InetSocketAddress(address, port))
              .toList();
    } catch (Exception e) {
      promise.failed(e);
      return;
    }
    promise.succeeded(addresses);
  }
}
