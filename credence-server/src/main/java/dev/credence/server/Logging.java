package dev.credence.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.credence.server.config.LogSettings;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sets Logback up from {@link LogSettings}, replacing what {@code logback.xml} set when the first
 * logger was made. docs/configuration.md ("Logs") describes the lines and the JSON fields.
 */
final class Logging {
  /**
   * Libraries whose INFO is start-up chatter and whose DEBUG can carry request headers (an api-key,
   * the operator token) or SQL: they never log below WARN, whatever CREDENCE_LOG_LEVEL says.
   */
  static final List<String> QUIET_LIBRARIES =
      List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb", "io.javalin");

  /**
   * db-scheduler's advice, at WARN on every start on H2, to persist times in UTC "if using
   * zone-less types for time-columns". Its {@code scheduled_tasks} columns are {@code TIMESTAMP
   * WITH TIME ZONE} (migration V3), so the advice does not apply; the library names this logger so
   * that it can be silenced, and only its errors are kept.
   */
  static final String SCHEDULER_UTC_ADVICE =
      "com.github.kagkarlsson.scheduler.jdbc.AutodetectJdbcCustomization.utc_warning";

  /** Text lines: time with its offset, level, thread, logger, the request's ids, the message. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger%replace("
          + " [%mdc]){' \\[\\]', ''} - %msg%n";

  private Logging() {}

  /** The server: {@code settings}, to standard output. */
  static void configure(LogSettings settings) {
    configure(settings, "System.out");
  }

  /** The command line: warnings and errors as text, to standard error (its results go to out). */
  static void configureForCommands() {
    configure(new LogSettings("WARN", LogSettings.Format.TEXT), "System.err");
  }

  private static void configure(LogSettings settings, String target) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder = encoder(settings.format(), context);
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget(target);
    console.setEncoder(encoder);
    console.start();

    Level level = Level.toLevel(settings.level());
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(console);
    Level quiet = level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN;
    for (String library : QUIET_LIBRARIES) {
      context.getLogger(library).setLevel(quiet);
    }
    context.getLogger(SCHEDULER_UTC_ADVICE).setLevel(Level.ERROR);
  }

  /**
   * The encoder of {@code format}. JSON is Logback's own {@link JsonEncoder}, keeping the fields
   * docs/configuration.md lists: the formatted message only (never the arguments apart), the MDC
   * (request and integration ids) and key-value pairs (the access log's fields).
   */
  static Encoder<ILoggingEvent> encoder(LogSettings.Format format, LoggerContext context) {
    Encoder<ILoggingEvent> encoder;
    if (format == LogSettings.Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(TEXT_PATTERN);
      encoder = text;
    }
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }
}
