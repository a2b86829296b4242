package dev.credence.client;

import java.time.Duration;

/**
 * 503 ({@code store_unavailable}): the server's database is unavailable. The client has already
 * retried as often as its retry policy allows; the call is safe to repeat later.
 */
public final class ServiceUnavailableException extends CredenceApiException {
  private final Duration retryAfter;

  public ServiceUnavailableException(
      String code, String detail, String requestId, Duration retryAfter) {
    super(503, code, detail, requestId);
    this.retryAfter = retryAfter;
  }

  /** The server's {@code Retry-After}; {@link Duration#ZERO} if it sent none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
