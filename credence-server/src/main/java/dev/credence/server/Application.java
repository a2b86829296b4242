package dev.credence.server;

import dev.credence.server.assessment.AssessmentPages;
import dev.credence.server.assessment.AssessmentService;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.Messages;
import dev.credence.server.assessment.SessionLinks;
import dev.credence.server.config.Config;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentStore;
import dev.credence.server.deployments.OperatorApi;
import dev.credence.server.deployments.SecretBox;
import dev.credence.server.http.HealthApi;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.Json;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.RateLimiter;
import dev.credence.server.sessions.SessionApi;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.Database;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;

/**
 * The whole server, built by hand from its configuration: reading this class shows every part and
 * what it depends on.
 */
public final class Application implements AutoCloseable {
  private static final long MAX_REQUEST_BYTES = HttpEdge.MAX_BODY_KB * 1024L;

  private final Database database;
  private final DeploymentService deployments;
  private final Javalin http;

  private Application(Database database, DeploymentService deployments, Javalin http) {
    this.database = database;
    this.deployments = deployments;
    this.http = http;
  }

  public static Application start(Config config, Clock clock) {
    Database database = Database.open(config.database());
    try {
      return wire(config, clock, database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private static Application wire(Config config, Clock clock, Database database) {
    DeploymentService deployments = deployments(config, clock, database);
    deployments.checkMasterKey();
    SessionStore sessionStore = new SessionStore(database.jdbi());
    AccessTokens tokens =
        new AccessTokens(
            config.tokenSecret().value(),
            config.previousTokenSecrets().stream().map(Config.Secret::value).toList(),
            config.publicUrl());
    SessionService sessions =
        new SessionService(
            deployments, sessionStore, tokens, new RateLimiter(), clock, System::nanoTime);
    ItemBank items = ItemBank.load();
    AssessmentPages assessment =
        new AssessmentPages(
            new SessionLinks(tokens, sessionStore, deployments, clock),
            new AssessmentService(new AssessmentStore(database.jdbi()), items, clock),
            items,
            Messages.load(),
            deployments,
            clock);

    HealthApi health = new HealthApi(database);
    OperatorApi operator = new OperatorApi(deployments, config.operatorToken().value());
    SessionApi sessionApi = new SessionApi(sessions, config.publicUrl());

    Javalin http =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.jsonMapper(Json.javalinMapper());
              c.jetty.port = config.port();
              c.http.maxRequestSize = MAX_REQUEST_BYTES;
              c.http.prefer405over404 = true;
              // Jetty's per-connection header cache matches values ignoring case, which would let
              // a case variant of the operator token pass on a reused connection.
              c.jetty.modifyHttpConfiguration(h -> h.setHeaderCacheCaseSensitive(true));
              c.staticFiles.add(
                  files -> {
                    files.hostedPath = "/assets";
                    files.directory = "/public/assets";
                    files.location = Location.CLASSPATH;
                    files.headers = java.util.Map.of("Cache-Control", "public, max-age=3600");
                  });
              HttpEdge.install(c);
              health.routes(c.routes);
              operator.routes(c.routes);
              sessionApi.routes(c.routes);
              assessment.routes(c.routes);
            });
    http.start();
    return new Application(database, deployments, http);
  }

  static DeploymentService deployments(Config config, Clock clock, Database database) {
    return new DeploymentService(
        new DeploymentStore(database.jdbi()), new SecretBox(config.masterKeyBytes()), clock);
  }

  public int port() {
    return http.port();
  }

  public DeploymentService deployments() {
    return deployments;
  }

  @Override
  public void close() {
    http.stop();
    database.close();
  }
}
