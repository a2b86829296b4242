package dev.credence.server.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.eclipse.jetty.util.InetAddressPattern;

/**
 * The address ranges that are not public unicast, after the IANA IPv4 and IPv6 special-purpose
 * address registries, each with the reason a webhook may not go there. The first range that holds
 * an address names it; a {@code null} reason marks the public ranges.
 */
final class SpecialAddresses {
  private record Range(InetAddressPattern pattern, String reason) {
    static Range of(String cidr, String reason) {
      return new Range(InetAddressPattern.from(cidr), reason);
    }
  }

  private static final List<Range> IPV4 =
      List.of(
          Range.of("0.0.0.0/32", "unspecified"),
          Range.of("0.0.0.0/8", "reserved"), // "this network"
          Range.of("10.0.0.0/8", "private"),
          Range.of("100.64.0.0/10", "carrier-grade NAT"),
          Range.of("127.0.0.0/8", "loopback"),
          Range.of("169.254.0.0/16", "link-local"),
          Range.of("172.16.0.0/12", "private"),
          Range.of("192.0.0.0/24", "reserved"), // IETF protocol assignments
          Range.of("192.0.2.0/24", "documentation"),
          Range.of("192.88.99.0/24", "reserved"), // the withdrawn 6to4 relay anycast
          Range.of("192.168.0.0/16", "private"),
          Range.of("198.18.0.0/15", "reserved"), // benchmarking
          Range.of("198.51.100.0/24", "documentation"),
          Range.of("203.0.113.0/24", "documentation"),
          Range.of("224.0.0.0/4", "multicast"),
          Range.of("255.255.255.255/32", "broadcast"),
          Range.of("240.0.0.0/4", "reserved"));

  private static final List<Range> IPV6 =
      List.of(
          Range.of("::/128", "unspecified"),
          Range.of("::1/128", "loopback"),
          // NAT64's well-known prefix reaches the IPv4 address in its last 32 bits, which
          // AddressGuard checks on its own: public behind it, like the IPv4 address itself.
          Range.of("64:ff9b::/96", null),
          Range.of("fe80::/10", "link-local"),
          Range.of("fec0::/10", "private"), // the withdrawn site-local range
          Range.of("fc00::/7", "private"), // unique local addresses
          Range.of("ff00::/8", "multicast"),
          Range.of("2001:db8::/32", "documentation"),
          Range.of("3fff::/20", "documentation"),
          // IETF protocol assignments: Teredo, benchmarking, ORCHID and the like.
          Range.of("2001::/23", "reserved"),
          Range.of("2000::/3", null), // global unicast
          // Everything else is unassigned or reserved, IPv4-compatible addresses (::/96),
          // 64:ff9b:1::/48 (local NAT64) and 100::/64 (discard) included.
          Range.of("::/0", "reserved"));

  private SpecialAddresses() {}

  /** Why {@code address} is not public unicast, or null when it is. */
  static String reason(InetAddress address) {
    for (Range range : address instanceof Inet4Address ? IPV4 : IPV6) {
      if (range.pattern().test(address)) {
        return range.reason();
      }
    }
    return null;
  }
}
