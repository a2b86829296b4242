package dev.credence.server.store;

/**
 * The database could not take a write in time, for a reason no driver exception names: a commit
 * queued behind others that did not happen within its bound, or a writer already stopped. Answered
 * 503 {@code store_unavailable} like an unreachable database ({@link StoreErrors#isUnavailable}).
 */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message) {
    super(message);
  }
}
