package dev.credence.server.http;

import dev.credence.server.config.TrustedProxies;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The address of the client behind a request, for counting failed sign-ins per client. It is the
 * TCP peer, unless the peer is one of the operator's trusted reverse proxies: then it is the
 * nearest address in {@code X-Forwarded-For} that is not a trusted proxy, read from the right, so
 * that a client cannot choose its own address by sending the header itself.
 */
public final class ClientAddress {
  private final InetAddressSet trusted = new InetAddressSet();
  private final boolean any;

  /** {@code proxies}: addresses and CIDR ranges such as {@code 10.0.0.0/8}; empty for none. */
  public ClientAddress(List<String> proxies) {
    for (String proxy : proxies) {
      trusted.add(proxy);
    }
    this.any = !proxies.isEmpty();
  }

  public String of(Context ctx) {
    String peer = ctx.ip();
    if (!any || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : Collections.list(ctx.req().getHeaders("X-Forwarded-For"))) {
      for (String hop : header.split(",")) {
        hops.add(hop.strip());
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (address(hop) == null) {
        return client; // not an address: nothing to its left can be believed
      }
      client = hop;
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean isTrustedProxy(InetAddress address) {
    return any && trusted.test(address);
  }

  private boolean isTrusted(String address) {
    InetAddress parsed = address(address);
    return parsed != null && trusted.test(parsed);
  }

  /** The address written in {@code text}, or null; never a name lookup. */
  private static InetAddress address(String text) {
    if (text == null || text.contains("/") || !TrustedProxies.LITERAL.matcher(text).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
