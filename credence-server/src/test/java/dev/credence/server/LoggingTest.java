package dev.credence.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.config.LogSettings;
import dev.credence.server.config.LogSettings.Format;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The two line formats, and the levels CREDENCE_LOG_LEVEL gives Credence and its libraries. */
class LoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void backToTheTestSetup() throws Exception {
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void aJsonLineHasTheDocumentedFieldsAndTheMessageOnlyAsFormatted() throws Exception {
    LoggingEvent event = event("request {} failed", "abc123");
    event.setMDCPropertyMap(Map.of("request_id", "0f1e2d3c", "integration_id", "int42"));
    event.addKeyValuePair(new KeyValuePair("status", 500));
    event.setThrowableProxy(
        new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("broken")));

    String line = encode(Format.JSON, event);
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("timestamp").asLong()).isEqualTo(1_700_000_000_123L);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("loggerName").asText()).isEqualTo("dev.credence.server.Example");
    assertThat(json.get("threadName").asText()).isEqualTo("worker-1");
    assertThat(json.get("formattedMessage").asText()).isEqualTo("request abc123 failed");
    assertThat(json.at("/mdc/request_id").asText()).isEqualTo("0f1e2d3c");
    assertThat(json.at("/mdc/integration_id").asText()).isEqualTo("int42");
    assertThat(json.at("/kvpList/0/status").asText()).isEqualTo("500");
    assertThat(json.at("/throwable/className").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(json.at("/throwable/message").asText()).isEqualTo("broken");
    // Neither the template apart nor its arguments: only what the text line would say.
    assertThat(json.has("message")).isFalse();
    assertThat(json.has("arguments")).isFalse();
    assertThat(json.has("sequenceNumber")).isFalse();
    assertThat(json.has("context")).isFalse();
  }

  @Test
  void aTextLineNamesTheRequestsIdsOnlyWhenThereAreAny() {
    LoggingEvent event = event("request {} failed", "abc123");
    event.setMDCPropertyMap(Map.of("request_id", "0f1e2d3c"));
    assertThat(encode(Format.TEXT, event))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN "
                + " \\[worker-1\\] dev.credence.server.Example \\[request_id=0f1e2d3c\\]"
                + " - request abc123 failed\n");

    LoggingEvent bare = event("started", null);
    bare.setMDCPropertyMap(Map.of());
    assertThat(encode(Format.TEXT, bare))
        .endsWith(" WARN  [worker-1] dev.credence.server.Example - started\n");
  }

  @Test
  void theLevelSetsCredenceAndNeverOpensTheLibrariesBelowWarn() {
    Logging.configure(new LogSettings("DEBUG", Format.TEXT));
    assertThat(context.getLogger("dev.credence.server.Main").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("credence.access").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    for (String library : Logging.QUIET_LIBRARIES) {
      assertThat(context.getLogger(library + ".any.Thing").getEffectiveLevel())
          .as(library)
          .isEqualTo(Level.WARN);
    }

    Logging.configure(new LogSettings("ERROR", Format.JSON));
    assertThat(context.getLogger("credence.access").getEffectiveLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
  }

  private LoggingEvent event(String message, Object argument) {
    LoggingEvent event = new LoggingEvent();
    event.setLoggerContext(context);
    event.setLoggerName("dev.credence.server.Example");
    event.setLevel(Level.WARN);
    event.setThreadName("worker-1");
    event.setMessage(message);
    event.setArgumentArray(argument == null ? null : new Object[] {argument});
    event.setTimeStamp(1_700_000_000_123L);
    return event;
  }

  private String encode(Format format, ILoggingEvent event) {
    Encoder<ILoggingEvent> encoder = Logging.encoder(format, context);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
