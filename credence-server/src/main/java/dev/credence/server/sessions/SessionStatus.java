package dev.credence.server.sessions;

/**
 * Where one assessment stands. CREATED and STARTED are open; the others are final. ERASED is a
 * tombstone: the session's data is gone, its uid is kept only as a keyed hash.
 */
public enum SessionStatus {
  CREATED,
  STARTED,
  COMPLETED,
  CANCELLED,
  EXPIRED,
  ERASED;

  public boolean isOpen() {
    return this == CREATED || this == STARTED;
  }
}
