package dev.credence.server.http;

import dev.credence.server.errors.Refusal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal as the caller receives it: the status, the machine-readable {@code code} and the human
 * {@code detail}, sent as {@code {"detail": ..., "code": ...}}. Made here at the edge only: from a
 * {@link Refusal} the rest of the server throws ({@link #of}), or from Jetty's and Javalin's own
 * refusals.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, String> headers;

  public ApiException(int status, String code, String detail) {
    this(status, code, detail, Map.of());
  }

  public ApiException(int status, String code, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The answer to a refusal: its kind's status, its code and detail, and when to retry. */
  public static ApiException of(Refusal refusal) {
    return new ApiException(
        status(refusal.kind()), refusal.code(), refusal.detail(), headers(refusal));
  }

  private static Map<String, String> headers(Refusal refusal) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (refusal.retryAfterSeconds() != null) {
      headers.put("Retry-After", String.valueOf(refusal.retryAfterSeconds()));
    }
    if (refusal.challenge() != null) {
      headers.put("WWW-Authenticate", refusal.challenge());
    }
    return headers;
  }

  /** The HTTP status a refusal is answered with. */
  public static int statusOf(Refusal refusal) {
    return status(refusal.kind());
  }

  /** The HTTP status of each kind of refusal. */
  public static int status(Refusal.Kind kind) {
    return switch (kind) {
      case UNREADABLE -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_TYPE -> 415;
      case INVALID -> 422;
      case TOO_MANY -> 429;
      case UNAVAILABLE -> 503;
    };
  }
}
