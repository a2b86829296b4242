package dev.credence.api;

import java.util.Objects;

/**
 * The first rule a uid breaks: a stable {@code code} (such as {@code uid_length}) and a {@code
 * detail} sentence meant for the lender's engineer. See {@link UidRules}.
 */
public record UidViolation(String code, String detail) {

  public UidViolation {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }

  /** The violation as the body of the 422 answer. */
  public ErrorBody toErrorBody() {
    return new ErrorBody(detail, code);
  }
}
