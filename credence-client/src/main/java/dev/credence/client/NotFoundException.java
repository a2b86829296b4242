package dev.credence.client;

/** 404: no session with that uid in the key's environment ({@code uid_not_found}). */
public final class NotFoundException extends CredenceApiException {
  public NotFoundException(String code, String detail, String requestId) {
    super(404, code, detail, requestId);
  }
}
