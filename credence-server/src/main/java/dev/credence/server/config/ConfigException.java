package dev.credence.server.config;

/** A setting that cannot be used; the message names the variable and what it must be. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
