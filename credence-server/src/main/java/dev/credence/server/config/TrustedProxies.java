package dev.credence.server.config;

import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/** The entries of {@code CREDENCE_TRUSTED_PROXIES}: IP addresses and CIDR ranges, never names. */
public final class TrustedProxies {
  /** An IPv4 or IPv6 literal, optionally with a CIDR prefix; never a host name to look up. */
  public static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}(/[0-9]{1,3})?");

  private TrustedProxies() {}

  /** Why {@code proxy} is not a trusted-proxy entry, or null if it is one. */
  public static String problem(String proxy) {
    if (!LITERAL.matcher(proxy).matches()) {
      return "'" + proxy + "' is not an IP address or a CIDR range such as 10.0.0.0/8";
    }
    try {
      new InetAddressSet().add(proxy);
      return null;
    } catch (RuntimeException e) {
      return "'" + proxy + "' is not an IP address or a CIDR range such as 10.0.0.0/8";
    }
  }
}
