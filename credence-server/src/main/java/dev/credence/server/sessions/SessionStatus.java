package dev.credence.server.sessions;

/** Where one assessment stands. CREATED and STARTED are open; the others are final. */
public enum SessionStatus {
  CREATED,
  STARTED,
  COMPLETED,
  CANCELLED,
  EXPIRED;

  public boolean isOpen() {
    return this == CREATED || this == STARTED;
  }
}
