package dev.credence.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The access log, one line a request on logger {@code credence.access}, and the ids every line
 * logged while a request is served carries (the MDC): its request id, and its integration id once
 * known. A line names the route as declared ({@code /{token}}), never the path as sent, so an
 * applicant's access token, an invitation token or a query string never reaches the log; nor do
 * headers or bodies. docs/configuration.md ("Logs") lists the fields.
 */
public final class RequestLog {
  /** The MDC key of the request id ({@code X-Request-Id}). */
  public static final String REQUEST_ID = "request_id";

  /** The MDC key of the integration a request or a background job works for. */
  public static final String INTEGRATION_ID = "integration_id";

  /** The MDC key of the webhook event a background delivery attempt sends. */
  public static final String EVENT_ID = "event_id";

  /** The logger of the access log. */
  public static final String ACCESS_LOGGER = "credence.access";

  private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);

  /** Integration ids are the server's own; anything else in the path is not logged as one. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private RequestLog() {}

  /**
   * Logs every request once it is answered, counts it in {@code meters} ({@link RequestMetrics}),
   * and clears the ids it carried.
   */
  static void install(JavalinConfig config, MeterRegistry meters) {
    RequestMetrics metrics = new RequestMetrics(meters);
    config.routes.beforeMatched(
        ctx -> {
          String integrationId = ctx.pathParamMap().get("integration_id");
          if (integrationId != null) {
            integration(integrationId);
          }
        });
    config.requestLogger.http(
        (ctx, millis) -> {
          try {
            metrics.record(
                ctx.method().name(), route(ctx), ctx.statusCode(), millis == null ? 0 : millis);
          } finally {
            answered(ctx, millis);
          }
        });
  }

  /** Starts a request's ids afresh: a thread serves one request after another. */
  static void begin(String requestId) {
    MDC.clear();
    MDC.put(REQUEST_ID, requestId);
  }

  /**
   * Names the integration the request (or background job) on this thread works for, from now on
   * until it ends: an api-key's, or one in the path.
   */
  public static void integration(String integrationId) {
    if (integrationId != null && SAFE_ID.matcher(integrationId).matches()) {
      MDC.put(INTEGRATION_ID, integrationId);
    }
  }

  private static void answered(Context ctx, Float millis) {
    try {
      String route = route(ctx);
      String method = ctx.method().name();
      int status = ctx.statusCode();
      long duration = Math.round(millis == null ? 0 : millis);
      ACCESS
          .atLevel(levelOf(route))
          .addKeyValue("method", method)
          .addKeyValue("route", route)
          .addKeyValue("status", status)
          .addKeyValue("duration_ms", duration)
          .log("{} {} {} {} ms", method, route, status, duration);
    } finally {
      MDC.clear();
    }
  }

  /**
   * The route as declared, e.g. {@code /{token}}; {@code /assets/*} for a static file; {@code
   * (unmatched)} for a path no route has, which is never written as sent.
   */
  static String route(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    if (endpoint != null && !endpoint.path.isEmpty()) {
      return endpoint.path;
    }
    return ctx.path().startsWith("/assets/") ? "/assets/*" : "(unmatched)";
  }

  /** Health checks and static files come often and say little: DEBUG. */
  private static Level levelOf(String route) {
    return route.startsWith("/health/") || route.equals("/assets/*") ? Level.DEBUG : Level.INFO;
  }
}
