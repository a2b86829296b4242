package dev.credence.server.outbound;

import java.io.IOException;

/** A connection that {@link AddressGuard} does not allow; its message is safe to show anyone. */
public final class AddressRefusedException extends IOException {
  private final String reason;

  public AddressRefusedException(String reason) {
    super("address refused: " + reason, null);
    this.reason = reason;
  }

  /** Which kind of address it was: {@code loopback}, {@code private}, ... */
  public String reason() {
    return reason;
  }
}
