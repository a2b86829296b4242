package dev.credence.server;

import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.AssessmentPages;
import dev.credence.server.assessment.AssessmentService;
import dev.credence.server.assessment.AssessmentSetting;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.JourneyEndings;
import dev.credence.server.assessment.Messages;
import dev.credence.server.assessment.SessionLinks;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.calibration.ModelOperatorApi;
import dev.credence.server.calibration.ModelRegistry;
import dev.credence.server.calibration.ReliabilityReport;
import dev.credence.server.config.Config;
import dev.credence.server.console.Console;
import dev.credence.server.console.accounts.Accounts;
import dev.credence.server.console.accounts.Mailer;
import dev.credence.server.console.funnel.FunnelDays;
import dev.credence.server.console.funnel.FunnelQueries;
import dev.credence.server.console.webhooks.AlertMails;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentStore;
import dev.credence.server.deployments.KeyCache;
import dev.credence.server.deployments.OperatorApi;
import dev.credence.server.deployments.SecretBox;
import dev.credence.server.endings.ExpirySweep;
import dev.credence.server.endings.SessionAdminApi;
import dev.credence.server.endings.SessionEndings;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.endings.SimulationApi;
import dev.credence.server.endings.Simulations;
import dev.credence.server.endings.WebhookEventsApi;
import dev.credence.server.erasure.ErasureApi;
import dev.credence.server.erasure.Erasures;
import dev.credence.server.erasure.RetentionSweep;
import dev.credence.server.http.Connectors;
import dev.credence.server.http.HealthApi;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.Json;
import dev.credence.server.http.OpenApiDocument;
import dev.credence.server.http.Routes;
import dev.credence.server.http.SecurityHeaders;
import dev.credence.server.metrics.Metrics;
import dev.credence.server.metrics.MetricsApi;
import dev.credence.server.metrics.MetricsServer;
import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.outcomes.OutcomeOperatorApi;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultApi;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scorer;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.RateLimiter;
import dev.credence.server.sessions.SessionApi;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.sessions.SessionWriter;
import dev.credence.server.sessions.UidHashes;
import dev.credence.server.store.Database;
import dev.credence.server.webhooks.Backoff;
import dev.credence.server.webhooks.DeliveryAlerts;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.WebhookDelivery;
import dev.credence.server.webhooks.WebhookSender;
import dev.credence.server.webhooks.WebhookTestApi;
import dev.credence.server.webhooks.WebhookTestCall;
import dev.credence.server.webhooks.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

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
  private final SessionWriter sessionWriter;
  private final Workers workers;
  private final HealthApi health;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final WebhookSender sender;
  private final Metrics metrics;
  private final MetricsServer metricsServer;

  private Application(
      Database database,
      DeploymentService deployments,
      Accounts accounts,
      Javalin http,
      SessionWriter sessionWriter,
      Workers workers,
      HealthApi health,
      WebhookSender sender,
      Metrics metrics,
      MetricsServer metricsServer) {
    this.database = database;
    this.deployments = deployments;
    this.accounts = accounts;
    this.http = http;
    this.sessionWriter = sessionWriter;
    this.workers = workers;
    this.health = health;
    this.sender = sender;
    this.metrics = metrics;
    this.metricsServer = metricsServer;
  }

  public static Application start(Config config, Clock clock) {
    return start(config, clock, Modules.standard());
  }

  /** With the assessment modules {@code modules} (the standard ones, and more in tests). */
  public static Application start(Config config, Clock clock, AssessmentModules modules) {
    EarlyParts early = EarlyParts.begin(config, clock);
    Metrics metrics = Metrics.create();
    Database database;
    try {
      database = Database.open(config.database(), metrics.registry());
    } catch (RuntimeException e) {
      metrics.close();
      early.abandon();
      throw e;
    }
    try {
      return wire(config, clock, database, modules, metrics, early);
    } catch (RuntimeException e) {
      early.abandon();
      database.close();
      metrics.close();
      throw e;
    }
  }

  /**
   * The parts that need no database, built on another thread while the database opens (with its
   * migrations): the webhook HTTP client and the item bank are a good part of a start, and the main
   * thread would otherwise build everything one part after the other on one core (see
   * docs/BENCHMARKS.md, "Footprint: reading the figures").
   */
  private static final class EarlyParts {
    private final CompletableFuture<WebhookSender> sender;
    private final CompletableFuture<ItemBank> items;

    private EarlyParts(CompletableFuture<WebhookSender> sender, CompletableFuture<ItemBank> items) {
      this.sender = sender;
      this.items = items;
    }

    static EarlyParts begin(Config config, Clock clock) {
      return new EarlyParts(
          CompletableFuture.supplyAsync(
              () ->
                  new WebhookSender(
                      config.workers().webhookTimeout(),
                      clock,
                      new AddressGuard(config.webhookAllowedNetworks()))),
          CompletableFuture.supplyAsync(ItemBank::load));
    }

    WebhookSender sender() {
      return joined(sender);
    }

    ItemBank items() {
      return joined(items);
    }

    /** After a failed start: the sender, once built, is closed (twice is harmless). */
    void abandon() {
      sender.thenAccept(WebhookSender::close);
    }

    private static <T> T joined(CompletableFuture<T> part) {
      try {
        return part.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }

  /**
   * Builds the parts feature by feature, each from the parts it needs, lowest first: nothing is
   * handed a part after it was built.
   */
  private static Application wire(
      Config config,
      Clock clock,
      Database database,
      AssessmentModules modules,
      Metrics metrics,
      EarlyParts early) {
    Jdbi jdbi = database.jdbi();
    AuditLog audit = new AuditLog(jdbi, clock);
    DeploymentService deployments = deployments(config, clock, database, modules);
    deployments.checkMasterKey();
    SessionParts sessions = sessions(config, clock, jdbi, deployments, metrics);
    WebhookParts webhooks;
    try {
      webhooks = webhooks(config, clock, database, deployments, metrics, early.sender());
    } catch (RuntimeException e) {
      sessions.writer().close();
      throw e;
    }
    try {
      AssessmentParts assessment = assessment(clock, jdbi, sessions, modules, early.items());
      ResultParts results = results(clock, jdbi, assessment);
      EndingParts endings =
          endings(config, clock, jdbi, sessions, assessment, results, webhooks, deployments, audit);
      OutcomeUploads outcomeUploads = new OutcomeUploads(jdbi, sessions.store(), audit, clock);
      Erasures erasures = erasures(clock, jdbi, sessions, assessment, webhooks, audit, metrics);
      ModelOperatorApi models =
          calibration(clock, deployments, audit, assessment, results, outcomeUploads);
      Accounts accounts = accounts(config, clock, database, deployments, audit);
      Console console =
          Console.wire(
              config,
              clock,
              database,
              accounts,
              deployments,
              audit,
              sessions.service(),
              sessions.store(),
              sessions.tokens(),
              webhooks.testCall(),
              webhooks.webhooks(),
              webhooks.events(),
              outcomeUploads,
              models,
              results.store(),
              endings.reopener(),
              erasures,
              endings.simulations());
      HealthApi health = new HealthApi(database);
      MetricsApi metricsApi = new MetricsApi(metrics, config.metrics());
      Integer metricsPort = config.metrics().port();
      // With a port of its own, the main port does not serve the scrape at all.
      Routes scrape = metricsPort == null ? metricsApi::routes : MetricsApi::notHere;
      ResultApi resultApi = new ResultApi(deployments, sessions.store(), results.store(), clock);
      List<Routes> features =
          List.of(
              health::routes,
              scrape,
              OpenApiDocument.load()::routes,
              new OperatorApi(deployments, audit, config.operatorToken().value())::routes,
              new SessionApi(sessions.service(), config.publicUrl())::routes,
              resultApi::routes,
              new SimulationApi(sessions.service(), endings.simulations(), resultApi)::routes,
              new WebhookTestApi(deployments, webhooks.testCall())::routes,
              endings.adminApi()::routes,
              endings.eventsApi()::routes,
              new ErasureApi(deployments, erasures)::routes,
              new OutcomeOperatorApi(deployments, outcomeUploads)::routes,
              models::routes,
              console::routes);
      AssessmentPages pages =
          assessmentPages(clock, assessment, sessions, deployments, endings.endings());
      Javalin http = http(config, console, features, pages::routes, metrics);
      KeyCache keys = deployments.keyCache();
      keys.registerMeters(metrics.registry());
      keys.start();
      http.start();
      MetricsServer metricsServer = null;
      try {
        if (metricsPort != null) {
          metricsServer = MetricsServer.start(config, metricsPort, metricsApi, metrics);
        }
        webhooks
            .workers()
            .start(
                endings.sweep(),
                new RetentionSweep(deployments, erasures, clock),
                new DeliveryAlerts(
                    database.jdbi(),
                    new AlertMails(
                        deployments, accounts, config.publicUrl(), config.workers().retryFor()),
                    clock),
                new FunnelDays(
                    database.jdbi(), new FunnelQueries(database.jdbi(), database.isH2()), clock));
      } catch (RuntimeException e) {
        if (metricsServer != null) {
          metricsServer.close();
        }
        http.stop();
        throw e;
      }
      return new Application(
          database,
          deployments,
          accounts,
          http,
          sessions.writer(),
          webhooks.workers(),
          health,
          webhooks.sender(),
          metrics,
          metricsServer);
    } catch (RuntimeException e) {
      // The scheduler was built, the sender opened, the writer started, the key cache's tick
      // perhaps started: none outlives a failed start.
      deployments.keyCache().close();
      webhooks.close();
      sessions.writer().close();
      throw e;
    }
  }

  /** The session API's parts: the table, its lifecycle, its group commit, tokens, and creation. */
  private record SessionParts(
      SessionStore store,
      SessionLifecycle lifecycle,
      SessionWriter writer,
      AccessTokens tokens,
      SessionService service) {}

  private static SessionParts sessions(
      Config config, Clock clock, Jdbi jdbi, DeploymentService deployments, Metrics metrics) {
    SessionStore store = new SessionStore(jdbi, new UidHashes(config.masterKeyBytes()));
    SessionLifecycle lifecycle = new SessionLifecycle(jdbi, store, metrics.registry());
    SessionWriter writer = SessionWriter.start(jdbi, lifecycle, metrics.registry());
    AccessTokens tokens =
        new AccessTokens(
            config.tokenSecret().value(),
            config.previousTokenSecrets().stream().map(Config.Secret::value).toList(),
            config.publicUrl());
    SessionService service =
        new SessionService(
            deployments,
            store,
            lifecycle,
            writer,
            tokens,
            new RateLimiter(),
            clock,
            System::nanoTime,
            metrics.registry());
    return new SessionParts(store, lifecycle, writer, tokens, service);
  }

  /**
   * Webhook delivery: the outbox, the sender, the node's scheduler (built here, started once
   * everything is built), and the test call.
   */
  private record WebhookParts(
      EventStore events,
      WebhookSender sender,
      Workers workers,
      Webhooks webhooks,
      WebhookTestCall testCall) {
    void close() {
      workers.close();
      sender.close();
    }
  }

  private static WebhookParts webhooks(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      Metrics metrics,
      WebhookSender sender) {
    Config.Workers settings = config.workers();
    EventStore events = new EventStore(database.jdbi());
    WebhookDelivery delivery =
        new WebhookDelivery(
            events,
            deployments,
            sender,
            new Backoff(settings.retryBase(), Backoff.DEFAULT_CAP),
            settings.retryFor(),
            clock,
            metrics.registry());
    Workers workers = Workers.create(database.dataSource(), settings, delivery, metrics.registry());
    Webhooks webhooks = new Webhooks(events, delivery, workers.scheduler(), clock);
    return new WebhookParts(
        events, sender, workers, webhooks, new WebhookTestCall(deployments, sender, clock));
  }

  /** The applicant's journey: its answers, the item bank, the journey's rules. */
  private record AssessmentParts(
      AssessmentStore store,
      ItemBank items,
      Messages messages,
      AssessmentModules modules,
      AssessmentService service) {}

  private static AssessmentParts assessment(
      Clock clock, Jdbi jdbi, SessionParts sessions, AssessmentModules modules, ItemBank items) {
    AssessmentStore store = new AssessmentStore(jdbi);
    AssessmentService service =
        new AssessmentService(store, sessions.store(), sessions.lifecycle(), items, modules, clock);
    return new AssessmentParts(store, items, Messages.load(), modules, service);
  }

  /** The applicant's pages, which end sessions through {@code endings}. */
  private static AssessmentPages assessmentPages(
      Clock clock,
      AssessmentParts assessment,
      SessionParts sessions,
      DeploymentService deployments,
      JourneyEndings endings) {
    return new AssessmentPages(
        new SessionLinks(sessions.tokens(), sessions.store(), endings, deployments, clock),
        assessment.service(),
        endings,
        assessment.items(),
        assessment.messages(),
        deployments,
        assessment.modules(),
        clock);
  }

  /** Results: their table, the scoring of a completed session, the model registry. */
  private record ResultParts(ResultStore store, ModelRegistry models, Scorer scorer) {}

  private static ResultParts results(Clock clock, Jdbi jdbi, AssessmentParts assessment) {
    ResultStore store = new ResultStore(jdbi);
    ModelRegistry models = ModelRegistry.open(jdbi, clock);
    Scorer scorer =
        new Scorer(store, assessment.modules(), assessment.items().version(), models, clock);
    return new ResultParts(store, models, scorer);
  }

  /** Calibration: fitting models on outcomes, activating them, their report. */
  private static ModelOperatorApi calibration(
      Clock clock,
      DeploymentService deployments,
      AuditLog audit,
      AssessmentParts assessment,
      ResultParts results,
      OutcomeUploads outcomeUploads) {
    return new ModelOperatorApi(
        deployments,
        audit,
        results.store(),
        outcomeUploads,
        results.scorer(),
        results.models(),
        new ReliabilityReport(
            new QuestionnaireStore(assessment.store(), assessment.modules()), assessment.items()),
        clock);
  }

  /** How sessions end: completed, cancelled, expired (the sweep), re-opened. */
  private record EndingParts(
      SessionEndings endings,
      ExpirySweep sweep,
      SessionReopener reopener,
      SessionAdminApi adminApi,
      WebhookEventsApi eventsApi,
      Simulations simulations) {}

  private static EndingParts endings(
      Config config,
      Clock clock,
      Jdbi jdbi,
      SessionParts sessions,
      AssessmentParts assessment,
      ResultParts results,
      WebhookParts webhooks,
      DeploymentService deployments,
      AuditLog audit) {
    SessionEndings endings =
        new SessionEndings(
            jdbi,
            sessions.store(),
            sessions.lifecycle(),
            assessment.service(),
            results.scorer(),
            webhooks.webhooks(),
            clock);
    SessionReopener reopener =
        new SessionReopener(
            sessions.store(),
            sessions.lifecycle(),
            endings,
            sessions.tokens(),
            config.publicUrl(),
            clock);
    return new EndingParts(
        endings,
        new ExpirySweep(sessions.store(), deployments, endings, clock),
        reopener,
        new SessionAdminApi(deployments, reopener, webhooks.events(), webhooks.webhooks(), audit),
        new WebhookEventsApi(deployments, webhooks.events(), webhooks.webhooks(), audit),
        new Simulations(
            sessions.service(),
            sessions.store(),
            sessions.lifecycle(),
            assessment.service(),
            results.scorer(),
            endings,
            audit,
            clock));
  }

  /** Erasing a session's data: for the operator API, the dashboard and the retention sweep. */
  private static Erasures erasures(
      Clock clock,
      Jdbi jdbi,
      SessionParts sessions,
      AssessmentParts assessment,
      WebhookParts webhooks,
      AuditLog audit,
      Metrics metrics) {
    return new Erasures(
        jdbi,
        sessions.store(),
        sessions.lifecycle(),
        assessment.modules(),
        webhooks.webhooks(),
        audit,
        clock,
        metrics.registry());
  }

  /** The HTTP server: Jetty's settings, the edge (headers, errors), static assets, every route. */
  private static Javalin http(
      Config config, Console console, List<Routes> features, Routes links, Metrics metrics) {
    return Javalin.create(
        c -> {
          c.startup.showJavalinBanner = false;
          c.jsonMapper(Json.javalinMapper());
          Connectors.install(c, config.port(), config.edge(), config.console().trustedProxies());
          // A stop closes the port, then waits (up to this long) for the connections open at that
          // moment to finish their requests before it stops the rest.
          c.jetty.modifyServer(
              server -> server.setStopTimeout(config.shutdown().timeout().toMillis()));
          c.http.maxRequestSize = MAX_REQUEST_BYTES;
          Console.limitUploads(c.jetty.multipartConfig);
          c.http.prefer405over404 = true;
          // Jetty's per-connection header cache matches values ignoring case, which would let a
          // case variant of the operator token pass on a reused connection.
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
              Console.PREFIX,
              console::renderError,
              metrics.registry());
          Routes.declare(c.routes, features, links);
        });
  }

  /** Deployments, with the standard assessment modules checking the assessment setting. */
  static DeploymentService deployments(Config config, Clock clock, Database database) {
    return deployments(config, clock, database, Modules.standard());
  }

  private static DeploymentService deployments(
      Config config, Clock clock, Database database, AssessmentModules modules) {
    AssessmentSetting assessment = new AssessmentSetting(modules);
    DeploymentStore store = new DeploymentStore(database.jdbi(), assessment);
    return new DeploymentService(
        store,
        new SecretBox(config.masterKeyBytes()),
        new AddressGuard(config.webhookAllowedNetworks()),
        assessment,
        new KeyCache(store::settingsVersion),
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

  /** The port of {@code CREDENCE_METRICS_PORT}, or -1 when the main port serves the scrape. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
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
   * the shutdown timeout), the sessions still queued for their commit committed, background work
   * finished and recorded, then the database closed, last (an H2 file compacted, so that erased
   * rows leave the disk).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    beginShutdown();
    try {
      try {
        http.stop();
      } finally {
        // Closed even when the main port's stop fails (requests still running at its time-out).
        if (metricsServer != null) {
          metricsServer.close();
        }
      }
    } finally {
      try {
        sessionWriter.close(); // returns once every session it accepted is committed
        workers.close();
        sender.close();
      } finally {
        deployments.keyCache().close();
        database.closeAndCompact();
        metrics.close();
      }
    }
  }
}
