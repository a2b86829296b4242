package dev.credence.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.credence.server.assessment.AssessmentStore;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.modules.Modules;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.calibration.ModelOperatorApi;
import dev.credence.server.calibration.ModelRegistry;
import dev.credence.server.calibration.ReliabilityReport;
import dev.credence.server.config.Config;
import dev.credence.server.console.accounts.Accounts;
import dev.credence.server.console.accounts.ConsoleOperatorApi;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.KeyOverlap;
import dev.credence.server.deployments.OperatorChanges;
import dev.credence.server.deployments.OperatorViews;
import dev.credence.server.erasure.ErasedBy;
import dev.credence.server.erasure.Erasures;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.outcomes.OutcomeCsv;
import dev.credence.server.outcomes.OutcomeOperatorApi;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scorer;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.sessions.UidHashes;
import dev.credence.server.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operator API from a shell: the same operations and the same JSON, straight on the database
 * the server uses (same environment variables). Works while the server runs, on PostgreSQL and on
 * the embedded H2 file alike. Its changes go to the company's audit log as the operator's, like the
 * operator API's.
 */
final class Cli {
  static final String USAGE =
      """
      Usage: java -jar credence.jar [serve]              run the server
             java -jar credence.jar <command> [options]   administer, printing JSON
             java -jar credence.jar --version             print the version

      Commands:
        backup --to FILE.zip
            a copy of the embedded H2 database, taken while the server runs (on
            PostgreSQL use pg_dump; see docs/operations.md)
        companies create --name NAME
        companies list
        deployments create --company-id ID --name NAME
        deployments list --company-id ID
        integrations show INTEGRATION_ID
        integrations set INTEGRATION_ID --SETTING VALUE [--SETTING VALUE ...]
            settings: --session-expiry-hours 1..10000, --complete-url, --cancelled-url,
            --expired-url, --show-completion-page true|false, --webhook-url,
            --privacy-policy-url, --brand-logo-url, --brand-primary-color '#RRGGBB',
            --hmac-required true|false, --rate-limit-per-minute N|null,
            --max-open-sessions N|null, --assessment '{"modules": [...]}'|null,
            --scoring-model '{"version": ..., ...}'|null, --norms-minimum 20..100000,
            --retention-days 1..3650|null
            (null clears a URL or a limit, keeps finished sessions for ever, or restores
            the default assessment or model)
        integrations rotate-key INTEGRATION_ID [--overlap-hours 0..168]
            a new API key; the old one keeps working beside it for that many hours
            (0, the default: it stops at once)
        integrations end-key-overlap INTEGRATION_ID
            the old key of a rotation with an overlap stops working now
        sessions erase INTEGRATION_ID UID
            erases the session's answers, result, events and loan outcomes; its uid stays
            used (a running server sends session.erased within two minutes)
        admins invite --company-id ID --email ADDRESS
            a link (valid 24 hours) for the company's first dashboard Admin to set a password
        outcomes upload INTEGRATION_ID --file PATH
            loan outcomes from a uid,outcome,date CSV file, as in the dashboard
        models fit INTEGRATION_ID [--bad dpd90,default] [--min-confidence MEDIUM]
            a draft model fitted on the environment's results and loan outcomes
        models list INTEGRATION_ID
        models activate INTEGRATION_ID VERSION
            the version scores from now on (a running server takes it up within 30 seconds)
        models report INTEGRATION_ID
            the active model, its validation report, the stability of recent scores and
            the reliability (alpha, SEM) of the domain scales from stored answers

      The database and secrets come from the same CREDENCE_* variables as the server.
      """;

  private Cli() {}

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("--help") || args.get(0).equals("help")) {
      out.print(USAGE);
      return 0;
    }
    if (args.get(0).equals("--version") || args.get(0).equals("version")) {
      out.println("credence " + Main.version());
      return 0;
    }
    if (args.size() < 2) {
      err.print(USAGE);
      return 2;
    }
    Config config = Config.fromEnvironment(env);
    if (args.get(0).equals("backup")) {
      return backup(config, args.subList(1, args.size()), out, err);
    }
    try (Database database = Database.open(config.database())) {
      Clock clock = Clock.systemUTC();
      DeploymentService deployments = Application.deployments(config, clock, database);
      AuditLog audit = new AuditLog(database.jdbi(), clock);
      List<String> rest = args.subList(2, args.size());
      Object result =
          args.get(0).equals("admins") && args.get(1).equals("invite")
              ? inviteAdmin(config, clock, database, deployments, audit, options(rest))
              : args.get(0).equals("outcomes") && args.get(1).equals("upload")
                  ? uploadOutcomes(config, clock, database, deployments, audit, rest)
                  : args.get(0).equals("models")
                      ? models(config, clock, database, deployments, audit, args.get(1), rest)
                      : args.get(0).equals("sessions") && args.get(1).equals("erase")
                          ? erase(config, clock, database, deployments, audit, rest)
                          : execute(
                              deployments,
                              new OperatorChanges(deployments, audit),
                              args.get(0),
                              args.get(1),
                              rest);
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
      return 0;
    } catch (UsageException e) {
      err.println("credence: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (Refusal e) {
      err.println("credence: " + e.detail() + " (" + e.code() + ")");
      return 1;
    } catch (JsonProcessingException e) {
      err.println("credence: " + e.getMessage());
      return 1;
    }
  }

  private static int backup(Config config, List<String> rest, PrintStream out, PrintStream err) {
    try {
      Map<String, String> options = options(rest);
      Path to = Path.of(required(options, "to"));
      options.remove("to");
      if (!options.isEmpty()) {
        throw new UsageException("unknown option --" + options.keySet().iterator().next());
      }
      out.println(
          Json.MAPPER
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(Backup.of(config.database(), to)));
      return 0;
    } catch (UsageException e) {
      err.println("credence: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (Backup.Failed e) {
      err.println("credence: " + e.getMessage());
      return 1;
    } catch (JsonProcessingException e) {
      err.println("credence: " + e.getMessage());
      return 1;
    }
  }

  private static Object execute(
      DeploymentService deployments,
      OperatorChanges changes,
      String noun,
      String verb,
      List<String> rest) {
    switch (noun + " " + verb) {
      case "companies create":
        return OperatorViews.company(changes.createCompany(required(options(rest), "name")));
      case "companies list":
        return OperatorViews.list(
            "companies", deployments.listCompanies().stream().map(OperatorViews::company).toList());
      case "deployments create":
        {
          Map<String, String> options = options(rest);
          return OperatorViews.createdDeployment(
              changes.createDeployment(required(options, "company-id"), required(options, "name")));
        }
      case "deployments list":
        return OperatorViews.list(
            "deployments",
            deployments.listDeployments(required(options(rest), "company-id")).stream()
                .map(OperatorViews::deployment)
                .toList());
      case "integrations show":
        return OperatorViews.integration(deployments.getIntegration(id(rest)));
      case "integrations set":
        return OperatorViews.integration(
            changes.patchSettings(id(rest), settingsPatch(rest.subList(1, rest.size()))));
      case "integrations rotate-key":
        {
          String id = id(rest);
          Map<String, String> options = options(rest.subList(1, rest.size()));
          String hours = options.remove("overlap-hours");
          if (!options.isEmpty()) {
            throw new UsageException("unknown option --" + options.keySet().iterator().next());
          }
          KeyOverlap overlap = hours == null ? KeyOverlap.NONE : KeyOverlap.parse(hours);
          return OperatorViews.rotatedKey(id, changes.rotateKey(id, overlap));
        }
      case "integrations end-key-overlap":
        {
          String id = id(rest);
          noMore(rest.subList(1, rest.size()));
          return OperatorViews.integration(changes.endKeyOverlap(id));
        }
      default:
        throw new UsageException("unknown command '" + noun + " " + verb + "'");
    }
  }

  private static Object inviteAdmin(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      AuditLog audit,
      Map<String, String> options) {
    Accounts accounts = Application.accounts(config, clock, database, deployments, audit);
    return new ConsoleOperatorApi(accounts)
        .inviteFirstAdmin(required(options, "company-id"), required(options, "email"));
  }

  private static Object erase(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      AuditLog audit,
      List<String> rest) {
    if (rest.size() != 2 || rest.get(0).startsWith("--") || rest.get(1).startsWith("--")) {
      throw new UsageException("give the integration id and the uid");
    }
    Environment environment = deployments.getIntegration(rest.get(0));
    SessionStore sessions = sessionStore(config, database);
    Erasures erasures =
        Erasures.withoutScheduler(
            database.jdbi(),
            sessions,
            new SessionLifecycle(database.jdbi(), sessions, new SimpleMeterRegistry()),
            Modules.standard(),
            config.workers().retryFor(),
            audit,
            clock,
            new SimpleMeterRegistry());
    return erasures.erase(environment, rest.get(1), ErasedBy.operatorCli()).toJson();
  }

  private static SessionStore sessionStore(Config config, Database database) {
    return new SessionStore(database.jdbi(), new UidHashes(config.masterKeyBytes()));
  }

  private static Object uploadOutcomes(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      AuditLog audit,
      List<String> rest) {
    Path file =
        Path.of(required(options(rest.subList(Math.min(1, rest.size()), rest.size())), "file"));
    byte[] csv;
    try (InputStream in = Files.newInputStream(file)) {
      csv = in.readNBytes(OutcomeCsv.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
    OutcomeUploads uploads =
        new OutcomeUploads(database.jdbi(), sessionStore(config, database), audit, clock);
    return new OutcomeOperatorApi(deployments, uploads).upload(id(rest), csv);
  }

  private static Object models(
      Config config,
      Clock clock,
      Database database,
      DeploymentService deployments,
      AuditLog audit,
      String verb,
      List<String> rest) {
    ResultStore results = new ResultStore(database.jdbi());
    ModelRegistry registry = ModelRegistry.open(database.jdbi(), clock);
    AssessmentStore answers = new AssessmentStore(database.jdbi());
    ItemBank items = ItemBank.load();
    ModelOperatorApi models =
        new ModelOperatorApi(
            deployments,
            audit,
            results,
            new OutcomeUploads(database.jdbi(), sessionStore(config, database), audit, clock),
            new Scorer(results, Modules.standard(), items.version(), registry, clock),
            registry,
            new ReliabilityReport(new QuestionnaireStore(answers, Modules.standard()), items),
            clock);
    String id = id(rest);
    List<String> after = rest.subList(1, rest.size());
    switch (verb) {
      case "fit":
        return models.fit(id, fitOptions(options(after)));
      case "list":
        noMore(after);
        return models.list(id);
      case "activate":
        if (after.size() != 1 || after.get(0).startsWith("--")) {
          throw new UsageException("give the integration id and the version");
        }
        return models.activate(id, after.get(0));
      case "report":
        noMore(after);
        return models.report(id);
      default:
        throw new UsageException("unknown command 'models " + verb + "'");
    }
  }

  /** {@code --bad dpd90,default --min-confidence LOW} as the API's JSON body, or null for none. */
  private static ObjectNode fitOptions(Map<String, String> options) {
    if (options.isEmpty()) {
      return null;
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    options.forEach(
        (flag, value) -> {
          switch (flag) {
            case "bad" -> {
              ArrayNode bad = json.putArray("bad");
              for (String outcome : value.split(",", -1)) {
                bad.add(outcome.strip());
              }
            }
            case "min-confidence" -> json.put("min_confidence", value);
            default -> throw new UsageException("unknown option --" + flag);
          }
        });
    return json;
  }

  private static void noMore(List<String> rest) {
    if (!rest.isEmpty()) {
      throw new UsageException("unexpected '" + rest.get(0) + "'");
    }
  }

  private static String id(List<String> rest) {
    if (rest.isEmpty() || rest.get(0).startsWith("--")) {
      throw new UsageException("give the integration id");
    }
    return rest.get(0);
  }

  /** {@code --name value} pairs. */
  private static Map<String, String> options(List<String> rest) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < rest.size(); i += 2) {
      String flag = rest.get(i);
      if (!flag.startsWith("--") || i + 1 >= rest.size()) {
        throw new UsageException("expected --option value, got '" + flag + "'");
      }
      options.put(flag.substring(2), rest.get(i + 1));
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new UsageException("give --" + name);
    }
    return value;
  }

  /** {@code --session-expiry-hours 48} becomes {@code {"session_expiry_hours": 48}}. */
  static ObjectNode settingsPatch(List<String> rest) {
    ObjectNode patch = Json.MAPPER.createObjectNode();
    options(rest)
        .forEach(
            (flag, value) ->
                patch.set(flag.replace('-', '_').toLowerCase(Locale.ROOT), settingValue(value)));
    if (patch.isEmpty()) {
      throw new UsageException("give at least one --setting value");
    }
    return patch;
  }

  /**
   * Numbers, true, false, null and objects (the assessment configuration) as JSON; anything else (a
   * URL, a colour) as a string.
   */
  private static JsonNode settingValue(String value) {
    if (value.matches("-?\\d+|true|false|null") || value.strip().startsWith("{")) {
      try {
        return Json.MAPPER.readTree(value);
      } catch (JsonProcessingException e) {
        throw new UsageException("cannot read '" + value + "'");
      }
    }
    return TextNode.valueOf(value);
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
