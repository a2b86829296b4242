package dev.credence.client;

import java.time.Duration;

/**
 * 429: the integration's allowance of new sessions a minute ({@code rate_limited}) or of open
 * sessions ({@code open_sessions_limit}) is used up. Not retried by the client: wait {@link
 * #retryAfter()}, then call again (a retry for a uid that is still open is safe).
 */
public final class RateLimitedException extends CredenceApiException {
  private final Duration retryAfter;

  public RateLimitedException(String code, String detail, String requestId, Duration retryAfter) {
    super(429, code, detail, requestId);
    this.retryAfter = retryAfter;
  }

  /** The server's {@code Retry-After}; {@link Duration#ZERO} if it sent none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
