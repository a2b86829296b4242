package dev.credence.server;

import dev.credence.server.config.Config;
import dev.credence.server.config.ConfigException;
import dev.credence.server.config.LogSettings;
import io.javalin.util.JavalinBindException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar credence.jar} serves; {@code java -jar credence.jar <command>} administers. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    boolean serve = args.length == 0 || args[0].equals("serve");
    try {
      if (serve) {
        Config config = Config.fromEnvironment(System.getenv());
        Logging.configure(config.logging());
        serve(config);
      } else {
        Logging.configureForCommands();
        System.exit(Cli.run(Arrays.asList(args), System.getenv(), System.out, System.err));
      }
    } catch (ConfigException | JavalinBindException e) {
      System.err.println("credence: " + e.getMessage());
      System.exit(2);
    }
  }

  /**
   * The demo's credentials, on the first start only: printed as they are, or with JSON logs as one
   * log line, so that every line of standard output stays a JSON object.
   */
  private static void demo(Config config, Application app, Logger log) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    DemoSetup.runIfFirstStart(
        config,
        app.deployments(),
        app.accounts(),
        new PrintStream(text, true, StandardCharsets.UTF_8));
    if (text.size() == 0) {
      return;
    }
    if (config.logging().format() == LogSettings.Format.JSON) {
      log.info(text.toString(StandardCharsets.UTF_8).strip());
    } else {
      System.out.print(text.toString(StandardCharsets.UTF_8));
      System.out.flush();
    }
  }

  private static void serve(Config config) {
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("Credence {} starting with:", version());
    for (Map.Entry<String, String> line : config.describe().entrySet()) {
      log.info("  {} = {}", line.getKey(), line.getValue());
    }
    Application app = Application.start(config, Clock.systemUTC());
    demo(config, app, log);
    OrderlyStop.install(app, config.shutdown());
    if (app.metricsPort() > 0) {
      log.info(
          "Credence listening on port {} (metrics on port {}); public URL {}",
          app.port(),
          app.metricsPort(),
          config.publicUrl());
    } else {
      log.info("Credence listening on port {}; public URL {}", app.port(), config.publicUrl());
    }
  }

  /**
   * The version the jar was built as ({@code Implementation-Version} in its manifest, which
   * credence-server/pom.xml writes); {@code development build} when run from compiled classes.
   */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
