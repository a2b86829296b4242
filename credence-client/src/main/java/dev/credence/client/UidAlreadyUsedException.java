package dev.credence.client;

/**
 * 409 {@code uid_already_used}: the uid's assessment is finished or expired. A uid names one
 * assessment; to assess the customer again, use a new uid such as {@code CUST123-2}.
 */
public final class UidAlreadyUsedException extends CredenceApiException {
  public UidAlreadyUsedException(String code, String detail, String requestId) {
    super(409, code, detail, requestId);
  }
}
