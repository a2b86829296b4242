package dev.credence.server.http;

import java.util.Map;

/**
 * A refusal at the edge: the status, the machine-readable {@code code} and the human {@code detail}
 * that the caller receives as {@code {"detail": ..., "code": ...}}.
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

  public static ApiException unprocessable(String code, String detail) {
    return new ApiException(422, code, detail);
  }

  public static ApiException notFound(String code, String detail) {
    return new ApiException(404, code, detail);
  }
}
