package dev.credence.server;

import dev.credence.server.config.Config;
import dev.credence.server.config.ConfigException;
import io.javalin.util.JavalinBindException;
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
    configureLogging(serve ? "info" : "warn");
    try {
      if (serve) {
        serve(Config.fromEnvironment(System.getenv()));
      } else {
        System.exit(Cli.run(Arrays.asList(args), System.getenv(), System.out, System.err));
      }
    } catch (ConfigException | JavalinBindException e) {
      System.err.println("credence: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void serve(Config config) {
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("Credence starting with:");
    for (Map.Entry<String, String> line : config.describe().entrySet()) {
      log.info("  {} = {}", line.getKey(), line.getValue());
    }
    Application app = Application.start(config, Clock.systemUTC());
    DemoSetup.runIfFirstStart(config, app.deployments(), app.accounts(), System.out);
    OrderlyStop.install(app, config.shutdown());
    log.info("Credence listening on port {}; public URL {}", app.port(), config.publicUrl());
  }

  /** slf4j-simple reads these once, so they are set before the first logger is made. */
  static void configureLogging(String level) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
    setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    setDefault("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    setDefault("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.javalin", "warn");
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
