package dev.credence.server.http;

import dev.credence.api.ErrorBody;
import dev.credence.server.errors.Refusal;
import dev.credence.server.store.StoreErrors;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every response shares: a request id, security headers, and the mapping of every failure to a
 * status with {@code {"detail", "code"}}. A stack trace is logged with the request id, never sent.
 */
public final class HttpEdge {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  public static final String REQUEST_ID = "X-Request-Id";
  public static final int MAX_BODY_KB = 64;

  /** The most of an oversized API request read and dropped so that its sender reads the 413. */
  static final long DRAIN_LIMIT = 1024 * 1024;

  private HttpEdge() {}

  /** Writes a refusal as a page rather than JSON, for the paths a browser reads. */
  @FunctionalInterface
  public interface ErrorPage {
    void render(Context ctx, ApiException e);
  }

  /**
   * Maps failures to JSON bodies; under {@code htmlPrefix} (the dashboard) to {@code htmlErrors}'s
   * pages instead. Jetty's own error answers, for requests it refuses before any route runs, get
   * the same headers and body shape ({@link JettyErrors}). Every answered request is logged and
   * counted in {@code meters}.
   */
  public static void install(
      JavalinConfig config,
      SecurityHeaders headers,
      String htmlPrefix,
      ErrorPage htmlErrors,
      MeterRegistry meters) {
    ErrorPage json = HttpEdge::respond;
    ErrorPage any =
        (ctx, e) -> {
          if (ctx.path().equals(htmlPrefix) || ctx.path().startsWith(htmlPrefix + "/")) {
            handled(ctx);
            e.headers().forEach(ctx::header);
            htmlErrors.render(ctx, e);
          } else {
            json.render(ctx, e);
          }
        };
    config.routes.before(ctx -> beforeEach(ctx, headers));
    RequestLog.install(config, meters);
    config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(headers)));
    config.routes.exception(ApiException.class, (e, ctx) -> any.render(ctx, e));
    config.routes.exception(Refusal.class, (e, ctx) -> any.render(ctx, ApiException.of(e)));
    config.routes.exception(
        HttpResponseException.class, (e, ctx) -> any.render(ctx, fromJavalin(e, ctx)));
    config.routes.exception(Exception.class, (e, ctx) -> any.render(ctx, unexpected(e, ctx)));
    config.routes.error(
        404,
        ctx -> {
          if (ctx.attribute("credence.handled") == null) {
            any.render(ctx, new ApiException(404, "not_found", "No such endpoint: " + ctx.path()));
          }
        });
    config.routes.error(
        405,
        ctx ->
            any.render(
                ctx,
                new ApiException(
                    405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path())));
  }

  private static void beforeEach(Context ctx, SecurityHeaders headers) {
    String requestId = ctx.header(REQUEST_ID);
    if (requestId == null || !SAFE_REQUEST_ID.matcher(requestId).matches()) {
      requestId = newRequestId();
    }
    ctx.attribute(REQUEST_ID, requestId);
    ctx.header(REQUEST_ID, requestId);
    RequestLog.begin(requestId);
    headers.forEach(ctx::header);
  }

  static String newRequestId() {
    // A correlation id, not a secret: no need for a cryptographic generator here.
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** Marks a response as already written by its handler, so the 404 mapping leaves it alone. */
  public static void handled(Context ctx) {
    ctx.attribute("credence.handled", Boolean.TRUE);
  }

  public static void respond(Context ctx, ApiException e) {
    handled(ctx);
    e.headers().forEach(ctx::header);
    ctx.status(e.status()).json(new ErrorBody(e.detail(), e.code()));
  }

  private static ApiException unexpected(Exception e, Context ctx) {
    if (StoreErrors.isUnavailable(e)) {
      // The route, not the path: a path can hold an applicant's access token.
      LOG.warn(
          "request {} {} {}: database unavailable: {}",
          ctx.attribute(REQUEST_ID),
          ctx.method(),
          RequestLog.route(ctx),
          e.toString());
      return new ApiException(
          503,
          "store_unavailable",
          "The service's database is unavailable; retry shortly",
          java.util.Map.of("Retry-After", "5"));
    }
    LOG.error(
        "request {} {} {} failed",
        ctx.attribute(REQUEST_ID),
        ctx.method(),
        RequestLog.route(ctx),
        e);
    return new ApiException(
        500,
        "internal_error",
        "Internal error; quote request id " + ctx.attribute(REQUEST_ID) + " to the operator");
  }

  private static ApiException fromJavalin(HttpResponseException e, Context ctx) {
    if (e.getStatus() == 413) {
      RefusedBodies.drain(ctx, DRAIN_LIMIT);
      return new ApiException(
          413, "body_too_large", "Request body is larger than " + MAX_BODY_KB + " KB");
    }
    return new ApiException(e.getStatus(), codeFor(e.getStatus()), e.getMessage());
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> "http_" + status;
    };
  }
}
