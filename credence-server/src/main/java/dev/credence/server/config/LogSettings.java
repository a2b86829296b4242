package dev.credence.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the server logs, from {@code CREDENCE_LOG_LEVEL} and {@code CREDENCE_LOG_FORMAT}
 * (docs/configuration.md, "Logs").
 *
 * @param level the least severe level written: ERROR, WARN, INFO, DEBUG or TRACE
 * @param format plain text lines, or one JSON object a line
 */
public record LogSettings(String level, Format format) {
  /** The levels, most severe first. */
  public static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  /** What a log line looks like. */
  public enum Format {
    TEXT,
    JSON
  }

  public LogSettings {
    if (!LEVELS.contains(level)) {
      throw new IllegalArgumentException("not a log level: " + level);
    }
  }

  /** Reads both settings; throws {@link ConfigException} naming the variable at fault. */
  public static LogSettings fromEnvironment(Map<String, String> env) {
    String level = upper(env.get("CREDENCE_LOG_LEVEL"), "INFO");
    if (!LEVELS.contains(level)) {
      throw new ConfigException(
          "CREDENCE_LOG_LEVEL must be ERROR, WARN, INFO, DEBUG or TRACE, got "
              + env.get("CREDENCE_LOG_LEVEL"));
    }
    String format = upper(env.get("CREDENCE_LOG_FORMAT"), "TEXT");
    return switch (format) {
      case "TEXT" -> new LogSettings(level, Format.TEXT);
      case "JSON" -> new LogSettings(level, Format.JSON);
      default ->
          throw new ConfigException(
              "CREDENCE_LOG_FORMAT must be text or json, got " + env.get("CREDENCE_LOG_FORMAT"));
    };
  }

  private static String upper(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip().toUpperCase(Locale.ROOT);
  }
}
