package dev.credence.server;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.config.Config;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.KeyCache;
import dev.credence.server.store.Database;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerHttp;
import dev.credence.server.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The operator's command line, straight on the embedded H2 file of a data directory. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The tests whose data directory starts empty, so that the command line (or the server beside it)
   * creates and migrates the database there. Every other test's starts with a migrated database,
   * which the command line only checks, as it does on each command after the first.
   */
  private static final Set<String> EMPTY_DATA_DIRECTORY =
      Set.of("createsAndListsCompanies", "worksOnTheSameDataDirectoryWhileTheServerRuns");

  @TempDir Path dataDir;
  private Map<String, String> env;

  @BeforeEach
  void environment(TestInfo test) {
    env = Map.of("CREDENCE_DATA_DIR", dataDir.toString());
    if (!EMPTY_DATA_DIRECTORY.contains(test.getTestMethod().orElseThrow().getName())) {
      TestDatabase.H2.newMigratedDatabase(dataDir);
    }
  }

  record Result(int exit, String out, String err) {
    JsonNode json() {
      assertThat(exit).as("exit code; stderr: %s", err).isZero();
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  private Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Cli.run(List.of(args), env, o, e);
    }
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String newCompany(String name) {
    return cli("companies", "create", "--name", name).json().get("company_id").asText();
  }

  private JsonNode newDeployment() {
    String company = newCompany("Acme Lending");
    return cli("deployments", "create", "--company-id", company, "--name", "Loans").json();
  }

  // ---------------------------------------------------------------- dashboard

  @Test
  void theFirstDashboardAdminIsInvitedFromTheShell() {
    String company = newCompany("Acme Lending");
    JsonNode invited =
        cli("admins", "invite", "--company-id", company, "--email", "Boss@Acme.example").json();
    assertThat(invited.get("email").asText()).isEqualTo("boss@acme.example");
    assertThat(invited.get("role").asText()).isEqualTo("admin");
    assertThat(invited.get("emailed").asBoolean()).isFalse();
    assertThat(invited.get("invitation_url").asText())
        .matches("http://localhost:8080/console/invitations/[A-Za-z0-9_-]{43}");
    assertThat(Instant.ofEpochSecond(invited.get("expires_at").asLong()))
        .isBetween(Instant.now().plusSeconds(23 * 3600), Instant.now().plusSeconds(24 * 3600));

    Result unknown = cli("admins", "invite", "--company-id", "nope", "--email", "a@b.example");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("company_not_found");
    Result invalid = cli("admins", "invite", "--company-id", company, "--email", "nobody");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.err()).contains("email_invalid");
    Result missing = cli("admins", "invite", "--company-id", company);
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("give --email");
  }

  // ---------------------------------------------------------------- usage

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help"})) {
      Result r = cli(args);
      assertThat(r.exit()).as(Arrays.toString(args)).isZero();
      assertThat(r.out())
          .contains(
              "Usage:",
              "companies create --name NAME",
              "rotate-key",
              "sessions erase INTEGRATION_ID UID",
              "--retention-days 1..3650|null");
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void theUsageListsTheVersionAndTheBackup() {
    assertThat(cli("--help").out()).contains("--version", "backup --to FILE.zip", "pg_dump");
  }

  @Test
  void versionPrintsTheVersionAndSucceeds() {
    for (String command : List.of("--version", "version")) {
      Result r = cli(command);
      assertThat(r.exit()).as(command).isZero();
      // From compiled classes there is no jar manifest; JarTest runs the built jar.
      assertThat(r.out()).isEqualTo("credence development build\n");
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void anUnknownCommandExits2WithTheUsage() {
    Result r = cli("frobnicate", "things");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown command 'frobnicate things'").contains("Usage:");
    assertThat(r.out()).isEmpty();

    Result verb = cli("companies", "delete");
    assertThat(verb.exit()).isEqualTo(2);
    assertThat(verb.err()).contains("unknown command 'companies delete'", "Usage:");

    Result lone = cli("companies");
    assertThat(lone.exit()).isEqualTo(2);
    assertThat(lone.err()).contains("Usage:");
    assertThat(lone.out()).isEmpty();
  }

  @Test
  void malformedOptionsExit2() {
    String id = newDeployment().at("/test/integration_id").asText();
    Result missingValue = cli("integrations", "set", id, "--session-expiry-hours");
    assertThat(missingValue.exit()).isEqualTo(2);
    assertThat(missingValue.err()).contains("--session-expiry-hours", "Usage:");

    Result noSetting = cli("integrations", "set", id);
    assertThat(noSetting.exit()).isEqualTo(2);
    assertThat(noSetting.err()).contains("at least one");

    Result noId = cli("integrations", "show");
    assertThat(noId.exit()).isEqualTo(2);
    assertThat(noId.err()).contains("integration id");

    for (String[] args :
        List.of(
            new String[] {"companies", "create"},
            new String[] {"deployments", "create", "--name", "Loans"},
            new String[] {"deployments", "create", "--company-id", "0123456789abcdef01234567"},
            new String[] {"deployments", "list"})) {
      Result missing = cli(args);
      assertThat(missing.exit()).as("%s: %s", Arrays.toString(args), missing.err()).isEqualTo(2);
      assertThat(missing.err()).contains("give --", "Usage:");
    }

    Result notAnOption = cli("companies", "create", "Acme");
    assertThat(notAnOption.exit()).isEqualTo(2);
    assertThat(notAnOption.err()).contains("'Acme'");
    // Only the company of newDeployment() above: the malformed create wrote nothing.
    assertThat(cli("companies", "list").json().get("companies")).hasSize(1);
  }

  // ---------------------------------------------------------------- companies and deployments

  @Test
  void createsAndListsCompanies() {
    Result created = cli("companies", "create", "--name", "Acme Lending");
    JsonNode company = created.json();
    assertThat(created.err()).isEmpty();
    assertThat(company.get("company_id").asText()).matches("[0-9a-f]{24}");
    assertThat(company.get("name").asText()).isEqualTo("Acme Lending");
    String second = newCompany("Beta Bank");

    JsonNode list = cli("companies", "list").json().get("companies");
    assertThat(list).hasSize(2);
    List<String> names = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    list.forEach(
        c -> {
          names.add(c.get("name").asText());
          ids.add(c.get("company_id").asText());
        });
    assertThat(names).containsExactlyInAnyOrder("Acme Lending", "Beta Bank");
    assertThat(ids).containsExactlyInAnyOrder(company.get("company_id").asText(), second);
  }

  @Test
  void createsAndListsDeployments() {
    String company = newCompany("Acme Lending");
    JsonNode created =
        cli("deployments", "create", "--company-id", company, "--name", "Personal loans").json();
    assertThat(created.get("deployment_id").asText()).matches("[0-9a-f]{24}");
    assertThat(created.get("company_id").asText()).isEqualTo(company);
    assertThat(created.at("/test/api_key").asText()).matches("crd_test_[0-9A-Za-z]{40}");
    assertThat(created.at("/production/api_key").asText()).matches("crd_live_[0-9A-Za-z]{40}");
    assertThat(created.at("/test/integration_id").asText())
        .matches("[0-9a-f]{24}")
        .isNotEqualTo(created.at("/production/integration_id").asText());

    Result listed = cli("deployments", "list", "--company-id", company);
    JsonNode deployments = listed.json().get("deployments");
    assertThat(deployments).hasSize(1);
    JsonNode d = deployments.get(0);
    assertThat(d.get("deployment_id").asText()).isEqualTo(created.get("deployment_id").asText());
    assertThat(d.get("name").asText()).isEqualTo("Personal loans");
    assertThat(d.at("/test/integration_id").asText())
        .isEqualTo(created.at("/test/integration_id").asText());
    assertThat(d.at("/production/environment").asText()).isEqualTo("PRODUCTION");
    // Keys are shown once, at creation; never in a list.
    assertThat(listed.out())
        .doesNotContain(created.at("/test/api_key").asText())
        .doesNotContain(created.at("/production/api_key").asText())
        .doesNotContain("\"api_key\"");
  }

  @Test
  void unknownIdsAndBadNamesExit1WithTheReason() {
    Result noCompany =
        cli("deployments", "create", "--company-id", "0123456789abcdef01234567", "--name", "x");
    assertThat(noCompany.exit()).isEqualTo(1);
    assertThat(noCompany.err()).contains("company_not_found").contains("0123456789abcdef01234567");
    assertThat(noCompany.out()).isEmpty();

    Result noIntegration = cli("integrations", "show", "0123456789abcdef01234567");
    assertThat(noIntegration.exit()).isEqualTo(1);
    assertThat(noIntegration.err()).contains("integration_not_found");

    Result noName = cli("companies", "create", "--name", "   ");
    assertThat(noName.exit()).isEqualTo(1);
    assertThat(noName.err()).contains("invalid_name");
    assertThat(cli("companies", "list").json().get("companies")).isEmpty();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void showsAnIntegrationWithItsDefaultsAndNoKey() {
    JsonNode created = newDeployment();
    String id = created.at("/test/integration_id").asText();
    Result shown = cli("integrations", "show", id);
    JsonNode test = shown.json();
    assertThat(test.get("integration_id").asText()).isEqualTo(id);
    assertThat(test.get("environment").asText()).isEqualTo("TEST");
    assertThat(test.get("session_expiry_hours").asInt()).isEqualTo(24);
    assertThat(test.get("rate_limit_per_minute").asInt()).isEqualTo(60);
    assertThat(test.get("max_open_sessions").asInt()).isEqualTo(100);
    assertThat(test.get("show_completion_page").asBoolean()).isTrue();
    assertThat(test.get("hmac_required").asBoolean()).isFalse();
    assertThat(test.get("api_key_hint").asText()).startsWith("crd_test_");
    assertThat(shown.out()).doesNotContain(created.at("/test/api_key").asText());

    JsonNode live =
        cli("integrations", "show", created.at("/production/integration_id").asText()).json();
    assertThat(live.get("rate_limit_per_minute").isNull()).isTrue();
    assertThat(live.get("max_open_sessions").isNull()).isTrue();
  }

  @Test
  void setsSettingsFromFlags() {
    String id = newDeployment().at("/test/integration_id").asText();
    JsonNode set =
        cli(
                "integrations",
                "set",
                id,
                "--session-expiry-hours",
                "48",
                "--webhook-url",
                "https://example.com/hook",
                "--rate-limit-per-minute",
                "null")
            .json();
    assertThat(set.get("session_expiry_hours").asInt()).isEqualTo(48);
    assertThat(set.get("webhook_url").asText()).isEqualTo("https://example.com/hook");
    assertThat(set.get("rate_limit_per_minute").isNull()).isTrue();
    assertThat(set.get("max_open_sessions").asInt()).isEqualTo(100);

    // It was stored, not only echoed.
    JsonNode shown = cli("integrations", "show", id).json();
    assertThat(shown).isEqualTo(set);

    JsonNode more =
        cli(
                "integrations",
                "set",
                id,
                "--show-completion-page",
                "false",
                "--hmac-required",
                "true",
                "--brand-primary-color",
                "#1a73e8",
                "--max-open-sessions",
                "5",
                "--expired-url",
                "https://lender.example.com/expired",
                "--webhook-url",
                "null")
            .json();
    assertThat(more.get("show_completion_page").asBoolean()).isFalse();
    assertThat(more.get("hmac_required").asBoolean()).isTrue();
    assertThat(more.get("brand_primary_color").asText()).isEqualTo("#1a73e8");
    assertThat(more.get("max_open_sessions").asInt()).isEqualTo(5);
    assertThat(more.get("expired_url").asText()).isEqualTo("https://lender.example.com/expired");
    assertThat(more.get("webhook_url").isNull()).isTrue();
    assertThat(more.get("session_expiry_hours").asInt()).isEqualTo(48);
  }

  @Test
  void setsTheAssessmentFromJsonAndRestoresTheDefaultWithNull() {
    String id = newDeployment().at("/test/integration_id").asText();
    JsonNode set =
        cli(
                "integrations",
                "set",
                id,
                "--assessment",
                "{\"modules\": [{\"type\": \"choices\"}, {\"type\": \"balloons\", \"balloons\": 5}]}")
            .json();
    assertThat(set.at("/assessment/modules/0/type").asText()).isEqualTo("choices");
    assertThat(set.at("/assessment/modules/1/balloons").asInt()).isEqualTo(5);
    JsonNode restored = cli("integrations", "set", id, "--assessment", "null").json();
    assertThat(restored.at("/assessment/modules").size()).isEqualTo(4);
  }

  @Test
  void theRetentionIsSetAndClearedFromTheShell() {
    String id = newDeployment().at("/test/integration_id").asText();
    assertThat(cli("integrations", "show", id).json().get("retention_days").isNull()).isTrue();
    JsonNode set = cli("integrations", "set", id, "--retention-days", "30").json();
    assertThat(set.get("retention_days").asInt()).isEqualTo(30);
    assertThat(cli("integrations", "show", id).json().get("retention_days").asInt()).isEqualTo(30);
    JsonNode cleared = cli("integrations", "set", id, "--retention-days", "null").json();
    assertThat(cleared.get("retention_days").isNull()).isTrue();
  }

  @Test
  void anInvalidSettingExits1AndChangesNothing() {
    String id = newDeployment().at("/test/integration_id").asText();
    cli("integrations", "set", id, "--complete-url", "https://lender.example.com/done").json();
    JsonNode before = cli("integrations", "show", id).json();

    for (String[] bad :
        List.of(
            new String[] {"--session-expiry-hours", "0"},
            new String[] {"--session-expiry-hours", "10001"},
            new String[] {"--session-expiry-hours", "abc"},
            new String[] {"--webhook-url", "ftp://x"},
            new String[] {"--expired-url", "javascript:alert(1)"},
            new String[] {"--brand-primary-color", "blue"},
            new String[] {"--show-completion-page", "maybe"},
            new String[] {"--retention-days", "0"},
            new String[] {"--retention-days", "3651"},
            new String[] {"--retention-days", "abc"},
            new String[] {"--unknown-setting", "5"},
            // valid first, invalid second: neither is applied
            new String[] {"--session-expiry-hours", "48", "--complete-url", "ftp://x"})) {
      List<String> args = new ArrayList<>(List.of("integrations", "set", id));
      args.addAll(List.of(bad));
      Result r = cli(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", Arrays.toString(bad), r.err()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      String named = bad[bad.length - 2].substring(2).replace('-', '_');
      assertThat(r.err())
          .as(Arrays.toString(bad))
          .startsWith("credence: ")
          .contains(named)
          .contains("(invalid_settings)")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      assertThat(cli("integrations", "show", id).json()).isEqualTo(before);
    }
  }

  // ---------------------------------------------------------------- keys

  @Test
  void rotateKeyRetiresTheOldKey() {
    JsonNode created = newDeployment();
    String testId = created.at("/test/integration_id").asText();
    String oldKey = created.at("/test/api_key").asText();
    String liveKey = created.at("/production/api_key").asText();

    JsonNode rotated = cli("integrations", "rotate-key", testId).json();
    assertThat(rotated.get("integration_id").asText()).isEqualTo(testId);
    String newKey = rotated.get("api_key").asText();
    assertThat(newKey).matches("crd_test_[0-9A-Za-z]{40}").isNotEqualTo(oldKey);
    assertThat(cli("integrations", "show", testId).json().get("api_key_hint").asText())
        .isEqualTo(newKey.substring(0, 13) + "...");

    Config config = Config.fromEnvironment(env);
    try (Database database = Database.open(config.database())) {
      DeploymentService deployments = Application.deployments(config, Clock.systemUTC(), database);
      assertThat(deployments.authenticate(oldKey)).isEmpty();
      Optional<Environment> current = deployments.authenticate(newKey);
      assertThat(current).isPresent();
      assertThat(current.get().integrationId()).isEqualTo(testId);
      // The stored ciphertext is the new key, under the same master key the server uses.
      assertThat(deployments.apiKey(current.get())).isEqualTo(newKey);
      // The Production key is untouched.
      assertThat(deployments.authenticate(liveKey))
          .map(Environment::integrationId)
          .hasValue(created.at("/production/integration_id").asText());
    }

    Result unknown = cli("integrations", "rotate-key", "0123456789abcdef01234567");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("integration_not_found");
  }

  // ---------------------------------------------------------------- backup

  @Test
  void backupCopiesTheDatabaseIntoAnOwnerOnlyZipThatRestores() throws Exception {
    String company = newCompany("Backed up");
    Path zip = Files.createTempDirectory("credence-backups-").resolve("credence.zip");
    JsonNode made = cli("backup", "--to", zip.toString()).json();
    assertThat(made.get("file").asText()).isEqualTo(zip.toString());
    assertThat(made.get("bytes").asLong()).isEqualTo(Files.size(zip));
    assertThat(Files.getPosixFilePermissions(zip))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.list(zip.getParent()).map(Path::getFileName).map(Path::toString))
        .noneMatch(name -> name.startsWith(".credence-backup-"));
    newCompany("After the backup");

    // Restored into a new data directory with the same secrets: the company made before it.
    Path restored = Files.createTempDirectory("credence-restored-");
    try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
      assertThat(file.stream().map(java.util.zip.ZipEntry::getName))
          .containsExactly("credence.mv.db");
      try (InputStream in = file.getInputStream(file.getEntry("credence.mv.db"))) {
        Files.copy(in, restored.resolve("credence.mv.db"));
      }
    }
    env = Map.of("CREDENCE_DATA_DIR", restored.toString());
    String companies = cli("companies", "list").json().toString();
    assertThat(companies).contains(company, "Backed up").doesNotContain("After the backup");
  }

  @Test
  void backupRefusesClearlyAndWritesNothing() throws Exception {
    newCompany("Exists");
    Path taken = Files.createTempFile("credence-taken-", ".zip");
    Result existing = cli("backup", "--to", taken.toString());
    assertThat(existing.exit()).isEqualTo(1);
    assertThat(existing.err())
        .isEqualTo("credence: " + taken + " already exists: give a new file name\n");
    assertThat(Files.size(taken)).isZero();

    Path nowhere = dataDir.resolve("no-such-dir").resolve("b.zip");
    Result noDirectory = cli("backup", "--to", nowhere.toString());
    assertThat(noDirectory.exit()).isEqualTo(1);
    assertThat(noDirectory.err())
        .contains("the directory " + nowhere.getParent() + " does not exist");

    Path target = taken.resolveSibling(taken.getFileName() + "-new.zip");
    Map<String, String> server = env;
    env = Map.of("CREDENCE_DATA_DIR", dataDir.resolve("elsewhere").toString());
    Result noDatabase = cli("backup", "--to", target.toString());
    assertThat(noDatabase.exit()).isEqualTo(1);
    assertThat(noDatabase.err()).contains("there is no database at jdbc:h2:", "CREDENCE_DATA_DIR");

    env =
        Map.of(
            "CREDENCE_DATA_DIR",
            dataDir.toString(),
            "CREDENCE_DATABASE_URL",
            "jdbc:postgresql://127.0.0.1:1/credence?password=hidden");
    Result postgres = cli("backup", "--to", target.toString());
    assertThat(postgres.exit()).isEqualTo(1);
    assertThat(postgres.err())
        .isEqualTo(
            "credence: backup copies the embedded H2 database only, and this server's database is"
                + " PostgreSQL: back it up with pg_dump (see docs/operations.md)\n");

    env = server;
    Result noTarget = cli("backup");
    assertThat(noTarget.exit()).isEqualTo(2);
    assertThat(noTarget.err()).contains("Usage:");
    Result noFile = cli("backup", "--file", target.toString());
    assertThat(noFile.exit()).isEqualTo(2);
    assertThat(noFile.err()).contains("credence: give --to", "Usage:");
    Result extra = cli("backup", "--to", target.toString(), "--level", "9");
    assertThat(extra.exit()).isEqualTo(2);
    assertThat(extra.err()).contains("credence: unknown option --level", "Usage:");
    assertThat(target).doesNotExist();
    Files.delete(taken);
  }

  @Test
  void backupWhileTheServerRunsIsTakenThroughTheServer() throws Exception {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATA_DIR", dataDir.toString()))) {
      newCompany("Live");
      Path zip = Files.createTempDirectory("credence-live-").resolve("live.zip");
      Process backup = launchMain(List.of("backup", "--to", zip.toString()));
      String out = output(backup);
      assertThat(backup.exitValue()).as(out).isZero();
      assertThat(out).contains(zip.toString());
      // The server went on serving, and the copy holds what it had.
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
      try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
        assertThat(file.getEntry("credence.mv.db").getSize()).isPositive();
      }
    }
  }

  // ---------------------------------------------------------------- beside a running server

  @Test
  void rotateKeyWithAnOverlapKeepsTheOldKeyUntilItEndsOrIsEnded() {
    JsonNode created = newDeployment();
    String testId = created.at("/test/integration_id").asText();
    String oldKey = created.at("/test/api_key").asText();
    long before = Instant.now().getEpochSecond();

    JsonNode rotated = cli("integrations", "rotate-key", testId, "--overlap-hours", "48").json();
    String newKey = rotated.get("api_key").asText();
    assertThat(rotated.get("previous_api_key_expires_at").asLong())
        .isBetween(before + 48 * 3600, Instant.now().getEpochSecond() + 48 * 3600);
    JsonNode shown = cli("integrations", "show", testId).json();
    assertThat(shown.get("previous_api_key_hint").asText())
        .isEqualTo(oldKey.substring(0, 13) + "...");
    assertThat(shown.get("previous_api_key_expires_at").asLong())
        .isEqualTo(rotated.get("previous_api_key_expires_at").asLong());
    assertThat(authenticated(oldKey)).hasValue(testId);
    assertThat(authenticated(newKey)).hasValue(testId);

    JsonNode ended = cli("integrations", "end-key-overlap", testId).json();
    assertThat(ended.get("previous_api_key_expires_at").isNull()).isTrue();
    assertThat(authenticated(oldKey)).isEmpty();
    assertThat(authenticated(newKey)).hasValue(testId);
    Result again = cli("integrations", "end-key-overlap", testId);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("no_key_overlap");

    // Without the option, the old key stops at once, as before.
    JsonNode plain = cli("integrations", "rotate-key", testId).json();
    assertThat(plain.get("previous_api_key_expires_at").isNull()).isTrue();
    assertThat(authenticated(newKey)).isEmpty();
  }

  @Test
  void aBadOverlapIsRefusedAndChangesNothing() {
    JsonNode created = newDeployment();
    String testId = created.at("/test/integration_id").asText();
    JsonNode before = cli("integrations", "show", testId).json();
    for (String bad : List.of("169", "-1", "1.5", "24h", "")) {
      Result refused = cli("integrations", "rotate-key", testId, "--overlap-hours", bad);
      assertThat(refused.exit()).as(bad).isEqualTo(1);
      assertThat(refused.err())
          .contains("overlap_hours must be a whole number of hours from 0 to 168")
          .contains("(invalid_overlap_hours)");
      assertThat(refused.out()).isEmpty();
    }
    Result unknown = cli("integrations", "rotate-key", testId, "--overlap", "24");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown option --overlap");
    Result missing = cli("integrations", "rotate-key", testId, "--overlap-hours");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(cli("integrations", "show", testId).json()).isEqualTo(before);
    assertThat(authenticated(created.at("/test/api_key").asText())).hasValue(testId);
  }

  /** The integration id a key authenticates for now, as the server would find it. */
  private Optional<String> authenticated(String key) {
    Config config = Config.fromEnvironment(env);
    try (Database database = Database.open(config.database())) {
      DeploymentService deployments = Application.deployments(config, Clock.systemUTC(), database);
      return deployments.authenticate(key).map(Environment::integrationId);
    }
  }

  @Test
  void worksOnTheSameDataDirectoryWhileTheServerRuns() throws Exception {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATA_DIR", dataDir.toString()))) {
      assertThat(server.config().database().isEmbeddedDefault(dataDir.toAbsolutePath())).isTrue();

      // What the CLI writes, the server sees at once ...
      String company = newCompany("Made by the CLI");
      JsonNode companies = json(server.operator("GET", "/v1/admin/companies", null));
      assertThat(companies.get("companies").toString()).contains(company, "Made by the CLI");
      JsonNode created =
          cli("deployments", "create", "--company-id", company, "--name", "CLI loans").json();
      String testId = created.at("/test/integration_id").asText();
      String oldKey = created.at("/test/api_key").asText();
      assertThat(server.createSession(oldKey, sessionBody("CLI-KEY-00001", testId)).statusCode())
          .isEqualTo(200);

      // ... a key rotated from the shell works at once, and the old one stops working on the
      // server within the bound of its cache of keys (docs/decisions/0024-api-key-cache.md) ...
      String newKey = cli("integrations", "rotate-key", testId).json().get("api_key").asText();
      long rotatedAt = System.nanoTime();
      HttpAssert.status(server.createSession(newKey, sessionBody("CLI-KEY-00002", testId)), 200);
      int[] uid = {3};
      assertThat(
              ServerHttp.untilStatus(
                  rotatedAt,
                  KeyCache.BOUND.multipliedBy(2),
                  401,
                  () ->
                      server.createSession(
                          oldKey, sessionBody(String.format("CLI-KEY-%05d", uid[0]++), testId))))
          .isLessThan(KeyCache.BOUND.plusMillis(500));

      // ... and what the server writes, the CLI sees.
      server.patchIntegration(testId, "{\"session_expiry_hours\":12}");
      assertThat(cli("integrations", "show", testId).json().get("session_expiry_hours").asInt())
          .isEqualTo(12);

      // A separate process (the way an operator runs it) goes through H2's AUTO_SERVER.
      Process list = launchMain(List.of("companies", "list"));
      String listOut = output(list);
      assertThat(list.exitValue()).as(listOut).isZero();
      assertThat(listOut).contains(company, "Made by the CLI");

      Process set =
          launchMain(List.of("integrations", "set", testId, "--session-expiry-hours", "36"));
      String setOut = output(set);
      assertThat(set.exitValue()).as(setOut).isZero();
      assertThat(
              json(server.operator("GET", "/v1/admin/integrations/" + testId, null))
                  .get("session_expiry_hours")
                  .asInt())
          .isEqualTo(36);

      Process bad =
          launchMain(List.of("integrations", "set", testId, "--session-expiry-hours", "0"));
      String badOut = output(bad);
      assertThat(bad.exitValue()).as(badOut).isEqualTo(1);
      assertThat(badOut).contains("session_expiry_hours", "invalid_settings");
    }
  }

  @Test
  void aSessionIsErasedFromTheShellAsByTheOperatorApi() {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATA_DIR", dataDir.toString()))) {
      RunningServer.Deployment d = server.newDeployment();
      String id = d.productionIntegrationId();
      String uid = "CLI-ERASE-0001";
      HttpAssert.status(server.createSession(d.productionKey(), sessionBody(uid, id)), 200);

      JsonNode erased = cli("sessions", "erase", id, uid).json();
      assertThat(erased.fieldNames()).toIterable().containsExactly("uid", "erased_at");
      assertThat(erased.get("uid").asText()).isEqualTo(uid);
      assertThat(erased.get("erased_at").asLong())
          .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
      java.net.http.HttpResponse<String> result =
          server.send("GET", "/v1/results/" + uid, null, "api-key", d.productionKey());
      HttpAssert.status(result, 404);
      assertThat(json(result).get("code").asText()).isEqualTo("erased");
      assertThat(
              server.<String>database(
                  h ->
                      h.createQuery("SELECT erased_by FROM sessions WHERE integration_id = ?")
                          .bind(0, id)
                          .mapTo(String.class)
                          .one()))
          .isEqualTo("operator (cli)");
      // session.erased waits in the outbox for the server's repair pass to send it.
      assertThat(
              server.<String>database(
                  h ->
                      h.createQuery("SELECT status FROM events WHERE type = 'session.erased'")
                          .mapTo(String.class)
                          .one()))
          .isEqualTo("PENDING");

      Result again = cli("sessions", "erase", id, uid);
      assertThat(again.exit()).isEqualTo(1);
      assertThat(again.err()).startsWith("credence: ").contains("(erased)");
      Result unknown = cli("sessions", "erase", id, "CLI-NOBODY-0001");
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.err()).contains("(uid_not_found)");
      Result missing = cli("sessions", "erase", id);
      assertThat(missing.exit()).isEqualTo(2);
      assertThat(missing.err()).contains("give the integration id and the uid", "Usage:");
    }
  }

  @Test
  void modelsAreListedFittedActivatedAndReportedAsInTheOperatorApi() {
    String id = newDeployment().at("/test/integration_id").asText();

    JsonNode models = cli("models", "list", id).json().get("models");
    assertThat(models).hasSize(1);
    assertThat(models.at("/0/version").asText()).isEqualTo("settings");
    assertThat(models.at("/0/status").asText()).isEqualTo("active");
    assertThat(models.at("/0/calibrated").asBoolean()).isFalse();

    Result tooFew = cli("models", "fit", id, "--bad", "dpd60,dpd90,default");
    assertThat(tooFew.exit()).isEqualTo(1);
    assertThat(tooFew.err())
        .contains("there are 0 labelled, 0 of them bad")
        .contains("(insufficient_outcomes)");
    Result badOutcome = cli("models", "fit", id, "--bad", "dpd90,late");
    assertThat(badOutcome.exit()).isEqualTo(1);
    assertThat(badOutcome.err()).contains("bad must name").contains("(invalid_request)");
    Result badConfidence = cli("models", "fit", id, "--min-confidence", "medium");
    assertThat(badConfidence.exit()).isEqualTo(1);
    assertThat(badConfidence.err()).contains("min_confidence").contains("(invalid_request)");
    assertThat(cli("models", "fit", id, "--minimum", "3").exit()).isEqualTo(2);

    JsonNode active = cli("models", "activate", id, "settings").json();
    assertThat(active.get("status").asText()).isEqualTo("active");
    assertThat(active.at("/model/version").asText()).isEqualTo("default-2026.1");
    Result unknown = cli("models", "activate", id, "fit-20990101-000000");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("fit-20990101-000000").contains("(model_not_found)");
    assertThat(cli("models", "activate", id).exit()).isEqualTo(2);
    assertThat(cli("models", "list", id, "extra").exit()).isEqualTo(2);
    assertThat(cli("models", "retire", id).exit()).isEqualTo(2);

    JsonNode report = cli("models", "report", id).json();
    assertThat(report.get("version").asText()).isEqualTo("settings");
    assertThat(report.at("/stability/status").asText()).isEqualTo("no_reference");
    assertThat(report.at("/reliability/sessions").asInt()).isZero();
    assertThat(report.at("/reliability/forms")).isEmpty();
    assertThat(cli("models", "list", id).json().get("models")).hasSize(1);
  }

  @Test
  void outcomesAreUploadedFromACsvFileAsInTheDashboard() throws IOException {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATA_DIR", dataDir.toString()))) {
      JsonNode created = newDeployment();
      String production = created.at("/production/integration_id").asText();
      String key = created.at("/production/api_key").asText();
      assertThat(
              server
                  .createSession(key, RunningServer.sessionBody("LOAN-7", production))
                  .statusCode())
          .isEqualTo(200);
      Path file = dataDir.resolve("outcomes.csv");
      Files.writeString(
          file, "uid,outcome,date\nLOAN-7,dpd90,2026-11-01\nLOAN-8,repaid,2026-11-01\n");

      JsonNode report = cli("outcomes", "upload", production, "--file", file.toString()).json();
      assertThat(report.get("added").asInt()).isEqualTo(1);
      assertThat(report.get("refused_count").asInt()).isEqualTo(1);
      assertThat(report.at("/refused/0/line").asInt()).isEqualTo(3);

      Result missing = cli("outcomes", "upload", production, "--file", "/no/such/file.csv");
      assertThat(missing.exit()).isEqualTo(2);
      assertThat(missing.err()).contains("cannot read /no/such/file.csv");
    }
  }

  @Test
  void aServerWhosePortIsTakenSaysSoAndExits2() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      Process server =
          launchMain(
              List.of(),
              Map.of(
                  "CREDENCE_PORT", String.valueOf(taken.getLocalPort()), "CREDENCE_DEMO", "false"));
      String out = output(server);
      assertThat(server.exitValue()).as(out).isEqualTo(2);
      assertThat(out)
          .contains("credence: Port already in use")
          .doesNotContain("\tat ")
          .doesNotContain("Exception in thread");
    }
  }

  @Test
  void itsChangesAreInTheCompanysAuditLogAsTheOperators() {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATA_DIR", dataDir.toString()))) {
      String company = newCompany("Made by the CLI");
      JsonNode created =
          cli("deployments", "create", "--company-id", company, "--name", "CLI loans").json();
      String testId = created.at("/test/integration_id").asText();
      cli("integrations", "set", testId, "--session-expiry-hours", "36", "--hmac-required", "false")
          .json();
      String newKey = cli("integrations", "rotate-key", testId).json().get("api_key").asText();
      String link =
          cli("admins", "invite", "--company-id", company, "--email", "cli.admin@example.com")
              .json()
              .get("invitation_url")
              .asText();

      ConsoleClient admin = ConsoleClient.firstAdmin(server, company);
      AuditPage audit = AuditPage.read(admin);
      assertThat(audit.rows())
          .extracting(AuditPage.Row::action)
          .containsExactly(
              "invitation.accepted", // the Admin reading it, invited through the operator API
              "user.invited",
              "user.invited",
              "environment.key_rotated",
              "environment.settings_changed",
              "deployment.created",
              "company.created");
      assertThat(audit.rows().subList(1, audit.rows().size()))
          .extracting(AuditPage.Row::who)
          .containsOnly("operator");
      assertThat(audit.rows())
          .extracting(AuditPage.Row::target)
          .containsExactly(
              admin.email(),
              admin.email(),
              "cli.admin@example.com",
              "CLI loans · Test",
              "CLI loans · Test",
              "CLI loans",
              "Made by the CLI");
      // hmac_required was given the value it had: only the time limit changed.
      AuditPage.Row settings = audit.only("environment.settings_changed");
      assertThat(settings.before()).isEqualTo(AuditPage.json("{\"session_expiry_hours\":24}"));
      assertThat(settings.after()).isEqualTo(AuditPage.json("{\"session_expiry_hours\":36}"));
      assertThat(audit.only("deployment.created").after().get("test_integration_id").asText())
          .isEqualTo(testId);
      assertThat(audit.of("user.invited").get(1).after())
          .isEqualTo(AuditPage.json("{\"email\":\"cli.admin@example.com\",\"role\":\"ADMIN\"}"));

      for (String key :
          List.of(
              created.at("/test/api_key").asText(),
              created.at("/production/api_key").asText(),
              newKey)) {
        assertThat(audit.text()).doesNotContain(key).doesNotContain(key.substring(0, 13));
      }
      assertThat(audit.text()).doesNotContain(URI.create(link).getPath());
    }
  }

  @Test
  void mainRefusesABadConfigurationWithExitCode2() throws Exception {
    Process p = launchMain(List.of("companies", "list"), Map.of("CREDENCE_PORT", "70000"));
    String out = output(p);
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("CREDENCE_PORT").doesNotContain("\tat ");
  }

  /** Runs {@code Main} in a new JVM on the test class path, with only this test's variables. */
  private Process launchMain(List<String> args) throws IOException {
    return launchMain(args, Map.of());
  }

  private Process launchMain(List<String> args, Map<String, String> extra) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.credence.server.Main");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("CREDENCE_"));
    builder.environment().putAll(env);
    builder.environment().putAll(extra);
    return builder.start();
  }

  private static String output(Process process) throws Exception {
    byte[] bytes = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the CLI process did not finish");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static final class HttpAssert {
    static void status(java.net.http.HttpResponse<String> response, int status) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    }
  }
}
