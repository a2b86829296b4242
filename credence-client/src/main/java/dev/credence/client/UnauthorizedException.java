package dev.credence.client;

/**
 * 401: no API key, a wrong or rotated one, or (with HMAC signing on) a missing or wrong {@code
 * X-Signature}. Codes: {@code api_key_missing}, {@code api_key_invalid}, {@code signature_missing},
 * {@code signature_invalid}.
 */
public final class UnauthorizedException extends CredenceApiException {
  public UnauthorizedException(String code, String detail, String requestId) {
    super(401, code, detail, requestId);
  }
}
