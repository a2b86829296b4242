package dev.credence.server.outbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The operator's exceptions to {@link AddressGuard}: CIDR ranges such as {@code 10.1.0.0/16} or
 * single addresses, to which webhooks may go although they are not public. Written as plain IPv4
 * dotted quads or IPv6, so that no entry is a host name (it would be looked up) or an odd numeric
 * form that means different things to different readers.
 */
public final class AllowedNetworks {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern PREFIX = Pattern.compile("0|[1-9]\\d{0,2}");

  public static final AllowedNetworks NONE = new AllowedNetworks(List.of());

  private final List<String> entries;
  private final InetAddressSet set = new InetAddressSet();

  private AllowedNetworks(List<String> entries) {
    this.entries = List.copyOf(entries);
    this.entries.forEach(set::add);
  }

  /**
   * Reads a comma-separated list; blank for none.
   *
   * @throws IllegalArgumentException naming the entry that is not an address or a CIDR range
   */
  public static AllowedNetworks parse(String list) {
    List<String> entries = new ArrayList<>();
    for (String item : list == null ? new String[0] : list.split(",")) {
      String entry = item.strip();
      if (entry.isEmpty()) {
        continue;
      }
      if (!wellFormed(entry)) {
        throw new IllegalArgumentException(
            "'" + entry + "' is not an IP address or a CIDR range such as 10.1.0.0/16");
      }
      try {
        new InetAddressSet().add(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'"
                + entry
                + "' is not a valid address or CIDR range (a range is written with no bits set"
                + " past its prefix: 10.1.0.0/16, not 10.1.2.3/16)");
      }
      entries.add(entry);
    }
    return new AllowedNetworks(entries);
  }

  private static boolean wellFormed(String entry) {
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    if (slash >= 0 && !PREFIX.matcher(entry.substring(slash + 1)).matches()) {
      return false;
    }
    return IPV4.matcher(address).matches()
        || (IPV6.matcher(address).matches() && address.length() <= 45);
  }

  public boolean contains(InetAddress address) {
    return set.test(address);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries as written, in order. */
  public List<String> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
