package dev.credence.server.deployments;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The origins that may show an environment's assessment pages in a frame (decision 0031): https
 * origins, a scheme, a host and an optional port, nothing else; and, for a developer's own machine,
 * http on loopback ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}). Kept in their normal form
 * (lower case, without the default port), so that the page's {@code frame-ancestors} and the {@code
 * postMessage} target name each the same origin.
 */
public final class FrameAncestors {
  public static final int MAX_ORIGINS = 10;
  public static final int MAX_ORIGIN_LENGTH = 200;

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  /** A DNS name or an IPv4 address; IPv6 only as loopback, above. */
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private FrameAncestors() {}

  /**
   * {@code origins} in their normal form, each once, in the order given; or null after adding to
   * {@code problems} every origin that is not one.
   */
  public static List<String> check(List<String> origins, List<String> problems) {
    List<String> bad = new ArrayList<>();
    Set<String> normal = new LinkedHashSet<>();
    for (String origin : origins) {
      String one = normal(origin);
      if (one == null) {
        bad.add("'" + shorten(origin) + "'");
      } else {
        normal.add(one);
      }
    }
    int before = problems.size();
    if (!bad.isEmpty()) {
      problems.add(
          "frame_ancestors: each must be an origin like https://app.lender.example or"
              + " https://app.lender.example:8443 (https, a host and an optional port; no path,"
              + " query, user or wildcard; http only for localhost, 127.0.0.1 or [::1]); not "
              + String.join(", ", bad));
    }
    if (normal.size() > MAX_ORIGINS) {
      problems.add(
          "frame_ancestors: at most " + MAX_ORIGINS + " origins (got " + normal.size() + ")");
    }
    return problems.size() == before ? List.copyOf(normal) : null;
  }

  /** The origin in its normal form, or null if it is not an origin this setting takes. */
  static String normal(String origin) {
    if (origin == null || origin.isEmpty() || origin.length() > MAX_ORIGIN_LENGTH) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    boolean bare =
        host != null
            && uri.getRawUserInfo() == null
            && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null;
    if (!bare || !(LOOPBACK.contains(host) || HOST.matcher(host).matches())) {
      return null;
    }
    boolean allowed = scheme.equals("https") || (scheme.equals("http") && LOOPBACK.contains(host));
    int port = uri.getPort();
    if (!allowed || port == 0 || port > 65535 || origin.endsWith(":")) {
      return null;
    }
    boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
    return scheme + "://" + host + (port < 0 || defaultPort ? "" : ":" + port);
  }

  private static String shorten(String origin) {
    if (origin == null) {
      return "null";
    }
    return origin.length() <= 80 ? origin : origin.substring(0, 80) + "...";
  }
}
