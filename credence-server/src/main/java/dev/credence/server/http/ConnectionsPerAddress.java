package dev.credence.server.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cap on the open connections from one client address (the TCP peer), so that a few clients
 * holding sockets open cannot take every connection the server has. A connection over the cap is
 * closed as soon as it is accepted, before anything is read from it. Addresses {@code exempt} (the
 * operator's reverse proxies, which carry every user's connections) are not counted.
 */
final class ConnectionsPerAddress implements SelectorManager.AcceptListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerAddress.class);

  private final int max;
  private final Predicate<InetAddress> exempt;

  /** This and the other maps are guarded by {@code this}. */
  private final Map<InetAddress, Integer> open = new HashMap<>();

  /** Each counted connection's address, since a closed channel no longer tells its peer. */
  private final Map<SelectableChannel, InetAddress> counted = new IdentityHashMap<>();

  /** The addresses refused since they last had no connection open. */
  private final Set<InetAddress> refused = new HashSet<>();

  ConnectionsPerAddress(int max, Predicate<InetAddress> exempt) {
    this.max = max;
    this.exempt = exempt;
  }

  @Override
  public void onAccepting(SelectableChannel channel) {
    InetAddress address = peer(channel);
    if (address == null || exempt.test(address)) {
      return;
    }
    if (!admit(channel, address)) {
      IO.close(channel);
    }
  }

  private synchronized boolean admit(SelectableChannel channel, InetAddress address) {
    int count = open.getOrDefault(address, 0);
    if (count >= max) {
      // Once until the address has no connection left, so that a client held at the cap does not
      // fill the log; an unlisted reverse proxy shows up here.
      if (refused.add(address)) {
        LOG.warn(
            "{} has {} connections open, the most one address may (CREDENCE_CONNECTIONS_PER_ADDRESS);"
                + " its further connections are closed until some close. If it is a reverse proxy,"
                + " name it in CREDENCE_TRUSTED_PROXIES",
            address.getHostAddress(),
            max);
      }
      return false;
    }
    open.put(address, count + 1);
    counted.put(channel, address);
    return true;
  }

  @Override
  public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
    release(channel);
  }

  @Override
  public void onClosed(SelectableChannel channel) {
    release(channel);
  }

  private synchronized void release(SelectableChannel channel) {
    InetAddress address = counted.remove(channel);
    if (address != null) {
      if (open.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1) == null) {
        refused.remove(address);
      }
    }
  }

  private static InetAddress peer(SelectableChannel channel) {
    try {
      if (channel instanceof SocketChannel socket
          && socket.getRemoteAddress() instanceof InetSocketAddress remote) {
        return remote.getAddress();
      }
    } catch (IOException e) {
      // closed already: nothing to count
    }
    return null;
  }
}
