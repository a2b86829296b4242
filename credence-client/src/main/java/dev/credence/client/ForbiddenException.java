package dev.credence.client;

/**
 * 403: the key is valid but belongs to another integration ({@code integration_forbidden}: the
 * other environment, or another deployment); from the webhook test call, a key that matches no
 * environment ({@code api_key_invalid}, the vendor's status for that call).
 */
public final class ForbiddenException extends CredenceApiException {
  public ForbiddenException(String code, String detail, String requestId) {
    super(403, code, detail, requestId);
  }
}
