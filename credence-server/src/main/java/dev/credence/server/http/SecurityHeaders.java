package dev.credence.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The headers every answer carries, whether written by a route, a static file, the error mapping of
 * {@link HttpEdge} or Jetty's own error answers ({@link JettyErrors}).
 */
public final class SecurityHeaders {
  public static final String HSTS = "Strict-Transport-Security";

  /** DENY on every answer but the assessment pages of an environment that may be framed. */
  public static final String FRAME_OPTIONS = "X-Frame-Options";

  /**
   * One year. No {@code includeSubDomains}: the operator's other host names under the same domain
   * are not this server's to force onto https.
   */
  public static final String HSTS_VALUE = "max-age=31536000";

  private final Map<String, String> headers = new LinkedHashMap<>();

  /** {@code hsts}: whether to send {@value #HSTS}; only when the public URL is https. */
  public SecurityHeaders(boolean hsts) {
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put(FRAME_OPTIONS, "DENY");
    headers.put("Cache-Control", "no-store");
    if (hsts) {
      headers.put(HSTS, HSTS_VALUE);
    }
  }

  public void forEach(BiConsumer<String, String> header) {
    headers.forEach(header);
  }
}
