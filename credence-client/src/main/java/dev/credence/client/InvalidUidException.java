package dev.credence.client;

import dev.credence.api.UidViolation;

/**
 * A uid that breaks the uid rules, refused by the client before any request, with the same {@code
 * code} and {@code detail} as the server's 422 would have. {@link #requestId()} is null: nothing
 * was sent.
 */
public final class InvalidUidException extends InvalidRequestException {
  public InvalidUidException(UidViolation violation) {
    super(violation.code(), violation.detail(), null);
  }
}
