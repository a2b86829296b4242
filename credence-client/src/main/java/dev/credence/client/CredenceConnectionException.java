package dev.credence.client;

/**
 * No answer from the API: the connection was refused or broke, or the time-out passed, on every
 * attempt the retry policy allowed. The cause is the last attempt's {@code IOException}. A create
 * call is safe to repeat: an open session's uid gives the same session again.
 */
public final class CredenceConnectionException extends RuntimeException {
  private final int attempts;

  public CredenceConnectionException(String message, int attempts, Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
  }

  /** How many attempts were made. */
  public int attempts() {
    return attempts;
  }
}
