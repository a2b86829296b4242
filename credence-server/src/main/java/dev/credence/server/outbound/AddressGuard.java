package dev.credence.server.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the server may open outbound connections on a lender's behalf: public unicast addresses
 * only, unless the operator allowed a network ({@link AllowedNetworks}). Otherwise a webhook URL
 * would let whoever sets it make the server call its own loopback services, the cloud metadata
 * address or the operator's private network, and read the answers back.
 *
 * <p>An address that carries an IPv4 address inside an IPv6 one (IPv4-mapped, IPv4-compatible,
 * NAT64's 64:ff9b::/96, 6to4's 2002::/16) is refused if the IPv4 address is: it may be where the
 * packets end up.
 */
public final class AddressGuard {
  /** Looks a host up, as {@link InetAddress#getAllByName} does outside tests. */
  @FunctionalInterface
  public interface NameLookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final AllowedNetworks allowed;
  private final NameLookup lookup;

  public AddressGuard(AllowedNetworks allowed) {
    this(allowed, InetAddress::getAllByName);
  }

  public AddressGuard(AllowedNetworks allowed, NameLookup lookup) {
    this.allowed = allowed;
    this.lookup = lookup;
  }

  /** Why a connection to {@code address} is refused ({@code loopback}, ...), or null if allowed. */
  public String refusal(InetAddress address) {
    InetAddress plain = unmapped(address);
    if (allowed.contains(plain)) {
      return null;
    }
    Inet4Address inner = embeddedIpv4(plain);
    if (inner != null) {
      String reason = refusal(inner);
      if (reason != null) {
        return reason;
      }
    }
    return SpecialAddresses.reason(plain);
  }

  /**
   * Looks {@code host} up once and returns its addresses if every one is allowed: the addresses to
   * connect to, with no second lookup that could answer differently.
   *
   * @throws AddressRefusedException if any of them is refused
   * @throws UnknownHostException if the host has no address
   */
  public List<InetAddress> resolve(String host)
      throws UnknownHostException, AddressRefusedException {
    String name = unbracketed(host);
    String numeric = numericRefusal(name);
    if (numeric != null) {
      throw new AddressRefusedException(numeric);
    }
    InetAddress[] addresses = lookup.lookup(name);
    for (InetAddress address : addresses) {
      String reason = refusal(address);
      if (reason != null) {
        throw new AddressRefusedException(reason);
      }
    }
    return List.of(addresses);
  }

  /**
   * The check when a URL is saved: {@code "address refused: loopback"} if its host is a refused
   * address, in any numeric form, or a name whose every address is refused; null if it may be
   * saved, including a name that is not found now (each connection checks it again) and a URL that
   * is not one (the settings' own checks refuse it).
   */
  public String urlRefusal(String url) {
    String host;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return null;
      }
      host = host(uri);
    } catch (URISyntaxException e) {
      return null;
    }
    if (host == null) {
      return null;
    }
    String name = unbracketed(host);
    String numeric = numericRefusal(name);
    if (numeric != null) {
      return new AddressRefusedException(numeric).getMessage();
    }
    InetAddress[] addresses;
    try {
      addresses = lookup.lookup(name);
    } catch (UnknownHostException e) {
      return null;
    }
    String first = null;
    for (InetAddress address : addresses) {
      String reason = refusal(address);
      if (reason == null) {
        return null;
      }
      first = first == null ? reason : first;
    }
    return first == null ? null : new AddressRefusedException(first).getMessage();
  }

  /**
   * The URL's host, also where {@link URI} sees none because it reads the authority as a registry
   * name ({@code 127.1}, {@code 0x7f.1}): such a URL is refused as malformed anyway, but for its
   * address it is clearer.
   */
  private static String host(URI uri) {
    if (uri.getHost() != null || uri.getRawAuthority() == null) {
      return uri.getHost();
    }
    String authority = uri.getRawAuthority();
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = authority.lastIndexOf(':');
    return colon < 0 || authority.endsWith("]") ? authority : authority.substring(0, colon);
  }

  /** A host written as a number that a resolver may read as a refused IPv4 address. */
  private String numericRefusal(String host) {
    Inet4Address address = NumericHosts.parse(host);
    return address == null ? null : refusal(address);
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is. */
  private static InetAddress unmapped(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address && startsWith(bytes, MAPPED)) {
      return ipv4(bytes, 12);
    }
    return address;
  }

  private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
  private static final byte[] COMPATIBLE = new byte[12];
  private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] SIX_TO_FOUR = {0x20, 0x02};

  /** The IPv4 address inside an IPv6 one, where the IPv6 form leads packets to it; else null. */
  private static Inet4Address embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] bytes = address.getAddress();
    if (startsWith(bytes, NAT64)) {
      return ipv4(bytes, 12);
    }
    if (startsWith(bytes, COMPATIBLE) && (bytes[12] | bytes[13] | bytes[14]) != 0) {
      return ipv4(bytes, 12); // not :: or ::1, which have names of their own
    }
    if (startsWith(bytes, SIX_TO_FOUR)) {
      return ipv4(bytes, 2);
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static Inet4Address ipv4(byte[] bytes, int from) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(bytes, from, from + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}
