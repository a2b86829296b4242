package dev.credence.server;

import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.AssessmentPages;
import dev.credence.server.assessment.AssessmentService;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.Messages;
import dev.credence.server.assessment.SessionLinks;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.calibration.ModelOperatorApi;
import dev.credence.server.calibration.ModelRegistry;
import dev.credence.server.calibration.ReliabilityReport;
import dev.credence.server.config.Config;
import dev.credence.server.console.Accounts;
import dev.credence.server.console.AuthPages;
import dev.credence.server.console.CompanyEnvironments;
import dev.credence.server.console.ConsoleOperatorApi;
import dev.credence.server.console.ConsoleWeb;
import dev.credence.server.console.DeploymentPages;
import dev.credence.server.console.LinkBatches;
import dev.credence.server.console.LinkPages;
import dev.credence.server.console.LoanOutcomes;
import dev.credence.server.console.Mailer;
import dev.credence.server.console.ModelPages;
import dev.credence.server.console.OutcomePages;
import dev.credence.server.console.ResultPages;
import dev.credence.server.console.ResultQuery;
import dev.credence.server.console.UserPages;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentStore;
import dev.credence.server.deployments.OperatorApi;
import dev.credence.server.deployments.SecretBox;
import dev.credence.server.http.ClientAddress;
import dev.credence.server.http.Connectors;
import dev.credence.server.http.HealthApi;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.Json;
import dev.credence.server.http.OpenApiDocument;
import dev.credence.server.http.SecurityHeaders;
import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.outcomes.OutcomeOperatorApi;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ExpirySweep;
import dev.credence.server.results.Outcomes;
import dev.credence.server.results.ResultApi;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scorer;
import dev.credence.server.results.SessionAdminApi;
import dev.credence.server.results.SessionReopener;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.RateLimiter;
import dev.credence.server.sessions.SessionApi;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.Database;
import dev.credence.server.webhooks.Backoff;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.WebhookSender;
import dev.credence.server.webhooks.WebhookTest;
import dev.credence.server.webhooks.WebhookTestApi;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole server, built by hand from its configuration: reading this class shows every part and
 * what it depends on.
 */
public final class Application implements AutoCloseable {
  private static final long MAX_REQUEST_BYTES = HttpEdge.MAX_BODY_KB * 1024L;

  private final Database database;
  private final DeploymentService deployments;
  private final Accounts accounts;
  private final Javalin http;
  private final Workers workers;
  private final HealthApi health;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final WebhookSender sender;

  private Application(
      Database database,
      DeploymentService deployments,
      Accounts accounts,
      Javalin http,
      Workers workers,
      HealthApi health,
      WebhookSender sender) {
    this.database = database;
    this.deployments = deployments;
    this.accounts = accounts;
    this.http = http;
    this.workers = workers;
    this.health = health;
    this.sender = sender;
  }

  public static Application start(Config config, Clock clock) {
    return start(config, clock, Modules.standard());
  }

  /** With the assessment modules {@code modules} (e.g. the standard ones and more). */
  public static Application start(Config config, Clock clock, AssessmentModules modules) {
    AssessmentModules.readSettingsWith(modules);
    Database database = Database.open(config.database());
    try {
      return wire(config, clock, database, modules);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private static Application wire(
      Config config, Clock clock, Database database, AssessmentModules modules) {
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
    AssessmentStore assessmentStore = new AssessmentStore(database.jdbi());
    AssessmentService assessmentService =
        new AssessmentService(assessmentStore, items, modules, clock);
    Config.Workers workerSettings = config.workers();
    WebhookSender sender =
        new WebhookSender(
            workerSettings.webhookTimeout(),
            clock,
            new AddressGuard(config.webhookAllowedNetworks()));
    EventStore events = new EventStore(database.jdbi());
    Webhooks webhooks =
        new Webhooks(
            events,
            deployments,
            sender,
            new Backoff(workerSettings.retryBase(), Backoff.DEFAULT_CAP),
            workerSettings.retryFor(),
            clock);
    ResultStore results = new ResultStore(database.jdbi());
    ModelRegistry modelRegistry = ModelRegistry.open(database.jdbi(), clock);
    Scorer scorer = new Scorer(results, items.version(), modelRegistry, clock);
    Outcomes outcomes = new Outcomes(database.jdbi(), assessmentService, scorer, webhooks, clock);
    AssessmentPages assessment =
        new AssessmentPages(
            new SessionLinks(tokens, sessionStore, outcomes, deployments, clock),
            assessmentService,
            outcomes,
            items,
            Messages.load(),
            deployments,
            modules,
            clock);
    ExpirySweep sweep = new ExpirySweep(sessionStore, deployments, outcomes, clock);

    HealthApi health = new HealthApi(database);
    OpenApiDocument openApi = OpenApiDocument.load();
    AuditLog audit = new AuditLog(database.jdbi(), clock);
    OperatorApi operator = new OperatorApi(deployments, audit, config.operatorToken().value());
    SessionApi sessionApi = new SessionApi(sessions, config.publicUrl());
    ResultApi resultApi = new ResultApi(deployments, sessionStore, results, clock);
    WebhookTest webhookTest = new WebhookTest(deployments, sender, clock);
    WebhookTestApi webhookTestApi = new WebhookTestApi(deployments, webhookTest);
    SessionReopener reopener =
        new SessionReopener(sessionStore, outcomes, tokens, config.publicUrl(), clock);
    SessionAdminApi sessionAdmin =
        new SessionAdminApi(deployments, reopener, events, webhooks, audit);

    Accounts accounts = accounts(config, clock, database, deployments, audit);
    ConsoleWeb console = new ConsoleWeb(accounts, deployments, config.publicUrl());
    ConsoleOperatorApi consoleOperator = new ConsoleOperatorApi(accounts);
    AuthPages authPages =
        new AuthPages(
            accounts, deployments, console, new ClientAddress(config.console().trustedProxies()));
    UserPages userPages = new UserPages(accounts, audit, console);
    DeploymentPages deploymentPages = new DeploymentPages(deployments, webhookTest, audit, console);
    CompanyEnvironments companyEnvironments = new CompanyEnvironments(deployments);
    LinkPages linkPages =
        new LinkPages(
            new LinkBatches(
                database.jdbi(),
                companyEnvironments,
                sessions,
                sessionStore,
                tokens,
                audit,
                config.publicUrl(),
                clock),
            companyEnvironments,
            console);
    OutcomeUploads outcomeUploads = new OutcomeUploads(database.jdbi(), sessionStore, audit, clock);
    OutcomeOperatorApi outcomeOperator = new OutcomeOperatorApi(deployments, outcomeUploads);
    ModelOperatorApi modelOperator =
        new ModelOperatorApi(
            deployments,
            audit,
            results,
            outcomeUploads,
            scorer,
            modelRegistry,
            new ReliabilityReport(new QuestionnaireStore(assessmentStore, modules), items),
            clock);
    OutcomePages outcomePages =
        new OutcomePages(
            new LoanOutcomes(database.jdbi(), companyEnvironments, outcomeUploads),
            companyEnvironments,
            console);
    ModelPages modelPages = new ModelPages(modelOperator, companyEnvironments, console);
    ResultPages resultPages =
        new ResultPages(
            new ResultQuery(database.jdbi(), database.isH2()),
            deployments,
            results,
            events,
            webhooks,
            reopener,
            audit,
            console,
            clock,
            config.dataDir().resolve("exports"));

    Javalin http =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.jsonMapper(Json.javalinMapper());
              Connectors.install(
                  c, config.port(), config.edge(), config.console().trustedProxies());
              // A stop closes the port, then waits (up to this long) for the connections open at
              // that moment to finish their requests before it stops the rest.
              c.jetty.modifyServer(
                  server -> server.setStopTimeout(config.shutdown().timeout().toMillis()));
              c.http.maxRequestSize = MAX_REQUEST_BYTES;
              ConsoleWeb.limitUploads(c.jetty.multipartConfig);
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
              HttpEdge.install(
                  c,
                  new SecurityHeaders(config.edge().hsts()),
                  ConsoleWeb.PREFIX,
                  console::renderError);
              health.routes(c.routes);
              openApi.routes(c.routes);
              operator.routes(c.routes);
              sessionApi.routes(c.routes);
              resultApi.routes(c.routes);
              webhookTestApi.routes(c.routes);
              sessionAdmin.routes(c.routes);
              outcomeOperator.routes(c.routes);
              modelOperator.routes(c.routes);
              consoleOperator.routes(c.routes);
              console.routes(c.routes);
              authPages.routes(c.routes);
              userPages.routes(c.routes);
              deploymentPages.routes(c.routes);
              linkPages.routes(c.routes);
              outcomePages.routes(c.routes);
              modelPages.routes(c.routes);
              resultPages.routes(c.routes);
              assessment.routes(c.routes);
            });
    Workers workers;
    try {
      http.start();
      try {
        workers = Workers.start(database.dataSource(), workerSettings, webhooks, sweep);
      } catch (RuntimeException e) {
        http.stop();
        throw e;
      }
    } catch (RuntimeException e) {
      sender.close();
      throw e;
    }
    return new Application(database, deployments, accounts, http, workers, health, sender);
  }

  static DeploymentService deployments(Config config, Clock clock, Database database) {
    return new DeploymentService(
        new DeploymentStore(database.jdbi()),
        new SecretBox(config.masterKeyBytes()),
        new AddressGuard(config.webhookAllowedNetworks()),
        clock);
  }

  static Accounts accounts(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      AuditLog audit) {
    return new Accounts(
        database.jdbi(),
        audit,
        deployments,
        new Mailer(config.console().smtp()),
        config.publicUrl(),
        config.console().idleTimeout(),
        clock);
  }

  public int port() {
    return http.port();
  }

  /** Every HTTP route, as {@code "GET /v1/results/{uid}"}: what the OpenAPI test checks. */
  public List<String> routes() {
    return http.unsafe.internalRouter.allHttpHandlers().stream()
        .map(handler -> handler.endpoint.method + " " + handler.endpoint.path)
        .toList();
  }

  public DeploymentService deployments() {
    return deployments;
  }

  public Accounts accounts() {
    return accounts;
  }

  /** The first step of a stop: readiness answers 503 while everything else is still served. */
  public void beginShutdown() {
    health.markStopping();
  }

  /**
   * Stops in the order that loses nothing: no new connections, requests in flight finished (up to
   * the shutdown timeout), background work finished and recorded, then the database closed, last.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    beginShutdown();
    try {
      http.stop();
    } finally {
      try {
        workers.close();
        sender.close();
      } finally {
        database.close();
      }
    }
  }
}
