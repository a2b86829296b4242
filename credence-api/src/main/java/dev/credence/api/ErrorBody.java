package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The body of every error answer: {@code {"detail": "...", "code": "..."}}.
 *
 * <p>{@code detail} is the vendor's field, a sentence for the lender's engineer; {@code code} is
 * Credence's addition, a stable machine-readable token (such as {@code uid_email}) that clients can
 * branch on without parsing English.
 */
@JsonPropertyOrder({"detail", "code"})
public record ErrorBody(String detail, String code) {

  public ErrorBody {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(code, "code");
    if (detail.isBlank() || code.isBlank()) {
      throw new IllegalArgumentException("an error needs both a detail and a code");
    }
  }
}
