package dev.credence.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.Application;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Start-up configuration from CREDENCE_* variables. */
class ConfigTest {
  private static final String OPERATOR_TOKEN = "operator-token-from-env-0123456789";
  private static final String TOKEN_SECRET = "token-secret-from-env-0123456789abcdef";
  private static final String PREVIOUS_SECRET = "previous-token-secret-0123456789abcdef";
  private static final String MASTER_KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  private static final String DB_PASSWORD = "db-pass-w0rd-never-shown";
  private static final String URL_PASSWORD = "url-pass-w0rd-never-shown";

  @TempDir Path dataDir;

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("CREDENCE_DATA_DIR", dataDir.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void defaults() {
    Config config = Config.fromEnvironment(env());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(dataDir.toAbsolutePath());
    assertThat(config.publicUrl()).isEqualTo("http://localhost:8080");
    // Durable commits: DSYNC file access and no write delay (decision 0017).
    assertThat(config.database().url())
        .startsWith("jdbc:h2:dsync:")
        .contains(dataDir.toString())
        .endsWith(";WRITE_DELAY=0;LOCK_TIMEOUT=10000");
    assertThat(config.database().url()).isEqualTo(Config.Database.h2Url(dataDir));
    assertThat(config.database().isH2()).isTrue();
    assertThat(config.database().isEmbeddedDefault(dataDir)).isTrue();
    assertThat(config.database().url()).contains("AUTO_SERVER=TRUE");
    assertThat(config.database().poolSize()).isEqualTo(16);
    assertThat(config.shutdown().drain()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.shutdown().timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(config.workers().heartbeat()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.describe())
        .containsEntry("CREDENCE_SCHEDULER_HEARTBEAT_MS", "5000")
        .containsEntry("CREDENCE_SHUTDOWN_DRAIN_SECONDS", "5")
        .containsEntry("CREDENCE_SHUTDOWN_TIMEOUT_SECONDS", "30");
    assertThat(config.previousTokenSecrets()).isEmpty();
    assertThat(config.demoOnFirstStart()).isTrue();
  }

  @Test
  void theDataDirectoryDefaultsToDataInTheWorkingDirectory() {
    Path expected = Path.of("./data").toAbsolutePath();
    boolean existedBefore = Files.exists(expected);
    // With every secret given, nothing has to be written, so the default can be read safely.
    Config config =
        Config.fromEnvironment(
            Map.of(
                "CREDENCE_OPERATOR_TOKEN", OPERATOR_TOKEN,
                "CREDENCE_TOKEN_SECRET", TOKEN_SECRET,
                "CREDENCE_MASTER_KEY", MASTER_KEY));
    assertThat(config.dataDir()).isEqualTo(expected);
    assertThat(config.database().url()).isEqualTo(Config.Database.h2Url(expected));
    assertThat(Files.exists(expected)).isEqualTo(existedBefore);
  }

  @Test
  void blankValuesCountAsUnset() {
    Config config =
        Config.fromEnvironment(
            env(
                "CREDENCE_PORT", " ",
                "CREDENCE_PUBLIC_URL", "",
                "CREDENCE_DATABASE_URL", "  ",
                "CREDENCE_OPERATOR_TOKEN", ""));
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(config.database().isEmbeddedDefault(dataDir)).isTrue();
    assertThat(config.operatorToken().value()).hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void thePublicUrlDefaultsToThePort() {
    Config config = Config.fromEnvironment(env("CREDENCE_PORT", "9091"));
    assertThat(config.port()).isEqualTo(9091);
    assertThat(config.publicUrl()).isEqualTo("http://localhost:9091");
  }

  // ---------------------------------------------------------------- generated secrets

  @Test
  void unsetSecretsAreGeneratedOnceIntoTheDataDirectoryOwnerOnly() throws IOException {
    Config first = Config.fromEnvironment(env());
    Path secrets = dataDir.resolve("secrets");
    Path operator = secrets.resolve("operator-token");
    Path token = secrets.resolve("token-secret");
    Path master = secrets.resolve("master-key");
    assertThat(operator).isRegularFile();
    assertThat(token).isRegularFile();
    assertThat(master).isRegularFile();

    assertThat(Files.readString(operator, StandardCharsets.UTF_8).trim())
        .isEqualTo(first.operatorToken().value());
    assertThat(Files.readString(token, StandardCharsets.UTF_8).trim())
        .isEqualTo(first.tokenSecret().value());
    assertThat(Files.readString(master, StandardCharsets.UTF_8).trim())
        .isEqualTo(first.masterKey().value());

    assertThat(first.operatorToken().value()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(first.tokenSecret().value().getBytes(StandardCharsets.UTF_8).length)
        .isGreaterThanOrEqualTo(32);
    assertThat(first.masterKeyBytes()).hasSize(32);
    assertThat(
            List.of(
                first.operatorToken().value(),
                first.tokenSecret().value(),
                first.masterKey().value()))
        .doesNotHaveDuplicates();
    assertThat(first.operatorToken().source()).startsWith("generated");

    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      for (Path file : List.of(operator, token, master)) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.toString())
            .isEqualTo("rw-------");
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)))
          .isEqualTo("rwx------");
    }

    Config second = Config.fromEnvironment(env());
    assertThat(second.operatorToken().value()).isEqualTo(first.operatorToken().value());
    assertThat(second.tokenSecret().value()).isEqualTo(first.tokenSecret().value());
    assertThat(second.masterKey().value()).isEqualTo(first.masterKey().value());
    assertThat(second.operatorToken().source()).startsWith("file");
  }

  @Test
  void aDataDirectoryItCreatesIsOwnerOnly() throws IOException {
    Path fresh = dataDir.resolve("new").resolve("data");
    Config.fromEnvironment(Map.of("CREDENCE_DATA_DIR", fresh.toString()));
    assertThat(fresh).isDirectory();
    assertThat(fresh.resolve("secrets/master-key")).isRegularFile();
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
          .isEqualTo("rwx------");
      // A directory the operator made is theirs: its permissions are left alone.
      Path own = Files.createDirectory(dataDir.resolve("own"));
      Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-x---"));
      Config.fromEnvironment(Map.of("CREDENCE_DATA_DIR", own.toString()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own)))
          .isEqualTo("rwxr-x---");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(own.resolve("secrets/token-secret"))))
          .isEqualTo("rw-------");
    }
    // No temporary file of the generation is left behind.
    try (Stream<Path> files = Files.list(fresh.resolve("secrets"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("operator-token", "token-secret", "master-key");
    }
  }

  @Test
  void aMasterKeyThatCannotOpenTheStoredKeysStopsStartUp() {
    Map<String, String> first =
        env(
            "CREDENCE_PORT",
            String.valueOf(freePort()),
            "CREDENCE_DEMO",
            "false",
            "CREDENCE_MASTER_KEY",
            MASTER_KEY);
    try (Application app = Application.start(Config.fromEnvironment(first), Clock.systemUTC())) {
      String company = app.deployments().createCompany("Acme Lending").id();
      app.deployments().createDeployment(company, "Loans");
    }
    String otherKey = Base64.getEncoder().encodeToString(new byte[32]);
    Map<String, String> wrong = new HashMap<>(first);
    wrong.put("CREDENCE_MASTER_KEY", otherKey);
    wrong.put("CREDENCE_PORT", String.valueOf(freePort()));
    assertThatThrownBy(() -> Application.start(Config.fromEnvironment(wrong), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CREDENCE_MASTER_KEY")
        .message()
        .doesNotContain(otherKey)
        .doesNotContain(MASTER_KEY);
    // The failed start released the database: the right key still starts.
    Map<String, String> right = new HashMap<>(first);
    right.put("CREDENCE_PORT", String.valueOf(freePort()));
    try (Application app = Application.start(Config.fromEnvironment(right), Clock.systemUTC())) {
      assertThat(app.deployments().listCompanies()).hasSize(1);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void anotherDataDirectoryGetsOtherSecrets(@TempDir Path otherDir) {
    Config first = Config.fromEnvironment(env());
    Config other = Config.fromEnvironment(Map.of("CREDENCE_DATA_DIR", otherDir.toString()));
    assertThat(other.operatorToken().value()).isNotEqualTo(first.operatorToken().value());
    assertThat(other.tokenSecret().value()).isNotEqualTo(first.tokenSecret().value());
    assertThat(other.masterKey().value()).isNotEqualTo(first.masterKey().value());
  }

  /**
   * A server and a CLI (or two replicas on one volume) starting together on a fresh data directory
   * must all come up, with the same secrets: none may read a secret file that another one has
   * created but not yet written.
   */
  @Test
  void concurrentFirstStartsAllSucceedWithTheSameSecrets() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        Path fresh = Files.createDirectory(dataDir.resolve("round-" + round));
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      Config c =
                          Config.fromEnvironment(Map.of("CREDENCE_DATA_DIR", fresh.toString()));
                      return c.operatorToken().value()
                          + " "
                          + c.tokenSecret().value()
                          + " "
                          + c.masterKey().value();
                    } catch (ConfigException e) {
                      return "failed: " + e.getMessage();
                    }
                  }));
        }
        Set<String> distinct = new HashSet<>();
        for (Future<String> result : results) {
          distinct.add(result.get(30, TimeUnit.SECONDS));
        }
        assertThat(distinct).as("round %d", round).hasSize(1);
        assertThat(distinct.iterator().next()).as("round %d", round).doesNotStartWith("failed");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- values from the environment

  @Test
  void environmentValuesAreUsedAndNothingIsGeneratedForThem() {
    Config config =
        Config.fromEnvironment(
            env(
                "CREDENCE_PORT",
                "9443",
                "CREDENCE_PUBLIC_URL",
                "https://assess.example.com",
                "CREDENCE_OPERATOR_TOKEN",
                OPERATOR_TOKEN,
                "CREDENCE_TOKEN_SECRET",
                TOKEN_SECRET,
                "CREDENCE_TOKEN_SECRET_PREVIOUS",
                PREVIOUS_SECRET + ", " + PREVIOUS_SECRET + "2",
                "CREDENCE_MASTER_KEY",
                MASTER_KEY,
                "CREDENCE_DATABASE_URL",
                "jdbc:postgresql://db.example.com:5432/credence",
                "CREDENCE_DATABASE_USER",
                "credence",
                "CREDENCE_DATABASE_PASSWORD",
                DB_PASSWORD,
                "CREDENCE_DATABASE_POOL_SIZE",
                "4"));
    assertThat(config.port()).isEqualTo(9443);
    assertThat(config.publicUrl()).isEqualTo("https://assess.example.com");
    assertThat(config.operatorToken().value()).isEqualTo(OPERATOR_TOKEN);
    assertThat(config.tokenSecret().value()).isEqualTo(TOKEN_SECRET);
    assertThat(config.previousTokenSecrets())
        .extracting(Config.Secret::value)
        .containsExactly(PREVIOUS_SECRET, PREVIOUS_SECRET + "2");
    assertThat(config.masterKey().value()).isEqualTo(MASTER_KEY);
    assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.example.com:5432/credence");
    assertThat(config.database().isH2()).isFalse();
    assertThat(config.database().user()).isEqualTo("credence");
    assertThat(config.database().password().value()).isEqualTo(DB_PASSWORD);
    assertThat(config.database().poolSize()).isEqualTo(4);
    // The demo belongs to the embedded default only.
    assertThat(config.demoOnFirstStart()).isFalse();
    assertThat(dataDir.resolve("secrets")).doesNotExist();
  }

  @Test
  void anEnvironmentValueWinsOverAGeneratedFileWithoutReplacingIt() throws IOException {
    Config generated = Config.fromEnvironment(env());
    Config fromEnv =
        Config.fromEnvironment(
            env("CREDENCE_OPERATOR_TOKEN", OPERATOR_TOKEN, "CREDENCE_TOKEN_SECRET", TOKEN_SECRET));
    assertThat(fromEnv.operatorToken().value()).isEqualTo(OPERATOR_TOKEN);
    assertThat(fromEnv.tokenSecret().value()).isEqualTo(TOKEN_SECRET);
    assertThat(fromEnv.masterKey().value()).isEqualTo(generated.masterKey().value());
    assertThat(Files.readString(dataDir.resolve("secrets/operator-token")).trim())
        .isEqualTo(generated.operatorToken().value());
    // Unset again: the generated one comes back.
    assertThat(Config.fromEnvironment(env()).operatorToken().value())
        .isEqualTo(generated.operatorToken().value());
  }

  @Test
  void trustedProxiesAreAddressesAndRanges() {
    assertThat(Config.fromEnvironment(env()).console().trustedProxies()).isEmpty();
    assertThat(
            Config.fromEnvironment(
                    env("CREDENCE_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8,,::1 , fd00::/8"))
                .console()
                .trustedProxies())
        .containsExactly("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8");
  }

  @Test
  void aStopDrainsAndWaitsAsLongAsItIsTold() {
    Config.Shutdown shutdown =
        Config.fromEnvironment(
                env(
                    "CREDENCE_SHUTDOWN_DRAIN_SECONDS",
                    "0",
                    "CREDENCE_SHUTDOWN_TIMEOUT_SECONDS",
                    "90"))
            .shutdown();
    assertThat(shutdown.drain()).isZero();
    assertThat(shutdown.timeout()).isEqualTo(java.time.Duration.ofSeconds(90));
  }

  @Test
  void edgeDefaults() {
    Config.Edge edge = Config.fromEnvironment(env()).edge();
    assertThat(edge.bindAddress()).isNull();
    assertThat(edge.hsts()).isFalse();
    assertThat(edge.headTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(edge.connectionsPerAddress()).isEqualTo(64);
    assertThat(Config.fromEnvironment(env()).describe())
        .containsEntry("CREDENCE_BIND_ADDRESS", "(all interfaces)")
        .containsEntry("CREDENCE_HSTS", "off (the public URL is http)")
        .containsEntry("CREDENCE_REQUEST_HEAD_TIMEOUT_MS", "10000")
        .containsEntry("CREDENCE_CONNECTIONS_PER_ADDRESS", "64");
  }

  @Test
  void hstsIsOnForAnHttpsPublicUrlUnlessSwitchedOff() {
    String https = "HTTPS://assess.example.com";
    assertThat(Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", https)).edge().hsts()).isTrue();
    assertThat(
            Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", https, "CREDENCE_HSTS", "false"))
                .edge()
                .hsts())
        .isFalse();
    assertThat(
            Config.fromEnvironment(
                    env(
                        "CREDENCE_PUBLIC_URL",
                        "http://assess.example.com",
                        "CREDENCE_HSTS",
                        "true"))
                .edge()
                .hsts())
        .isFalse();
    assertThat(Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", https)).describe())
        .containsEntry("CREDENCE_HSTS", "on (max-age=31536000)");
  }

  @Test
  void theBindAddressIsALocalAddressOrANameForOne() {
    Config literal = Config.fromEnvironment(env("CREDENCE_BIND_ADDRESS", " 127.0.0.1 "));
    assertThat(literal.edge().bindAddress()).isEqualTo("127.0.0.1");
    assertThat(literal.describe()).containsEntry("CREDENCE_BIND_ADDRESS", "127.0.0.1");
    assertThat(
            Config.fromEnvironment(env("CREDENCE_BIND_ADDRESS", "localhost")).edge().bindAddress())
        .isEqualTo("localhost");
    assertThat(Config.fromEnvironment(env("CREDENCE_BIND_ADDRESS", "0.0.0.0")).edge().bindAddress())
        .isEqualTo("0.0.0.0");
  }

  @Test
  void webhooksGoToPublicAddressesOnlyUnlessNetworksAreAllowed() {
    Config none = Config.fromEnvironment(env());
    assertThat(none.webhookAllowedNetworks().isEmpty()).isTrue();
    assertThat(none.describe().get("CREDENCE_WEBHOOK_ALLOWED_NETWORKS"))
        .isEqualTo("(none: webhooks go to public addresses only)");
    Config some =
        Config.fromEnvironment(
            env("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", " 10.20.0.0/16, ,fd00:1::/64,192.168.7.7 "));
    assertThat(some.webhookAllowedNetworks().entries())
        .containsExactly("10.20.0.0/16", "fd00:1::/64", "192.168.7.7");
    assertThat(some.describe().get("CREDENCE_WEBHOOK_ALLOWED_NETWORKS"))
        .isEqualTo("10.20.0.0/16,fd00:1::/64,192.168.7.7");
  }

  @Test
  void demoCanBeSwitchedOff() {
    assertThat(Config.fromEnvironment(env("CREDENCE_DEMO", "false")).demoOnFirstStart()).isFalse();
    assertThat(Config.fromEnvironment(env("CREDENCE_DEMO", "true")).demoOnFirstStart()).isTrue();
  }

  @Test
  void trailingSlashesAreTrimmedFromThePublicUrl() {
    assertThat(
            Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", "https://assess.example.com/"))
                .publicUrl())
        .isEqualTo("https://assess.example.com");
    assertThat(
            Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", "https://assess.example.com///"))
                .publicUrl())
        .isEqualTo("https://assess.example.com");
    assertThat(
            Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", " https://example.com/credence/ "))
                .publicUrl())
        .isEqualTo("https://example.com/credence");
    assertThat(
            Config.fromEnvironment(env("CREDENCE_PUBLIC_URL", "http://localhost:8080")).publicUrl())
        .isEqualTo("http://localhost:8080");
  }

  // ---------------------------------------------------------------- describe()

  @Test
  void describeNamesEverySettingAndNeverShowsASecret() {
    Config config =
        Config.fromEnvironment(
            env(
                "CREDENCE_OPERATOR_TOKEN", OPERATOR_TOKEN,
                "CREDENCE_TOKEN_SECRET", TOKEN_SECRET,
                "CREDENCE_TOKEN_SECRET_PREVIOUS", PREVIOUS_SECRET,
                "CREDENCE_MASTER_KEY", MASTER_KEY,
                "CREDENCE_DATABASE_URL",
                    "jdbc:postgresql://db.example.com/credence?user=credence&password="
                        + URL_PASSWORD
                        + "&ssl=true",
                "CREDENCE_DATABASE_USER", "credence",
                "CREDENCE_DATABASE_PASSWORD", DB_PASSWORD));
    Map<String, String> lines = config.describe();
    assertThat(lines)
        .containsKeys(
            "CREDENCE_PORT",
            "CREDENCE_DATA_DIR",
            "CREDENCE_DATABASE_URL",
            "CREDENCE_DATABASE_USER",
            "CREDENCE_DATABASE_PASSWORD",
            "CREDENCE_PUBLIC_URL",
            "CREDENCE_OPERATOR_TOKEN",
            "CREDENCE_TOKEN_SECRET",
            "CREDENCE_TOKEN_SECRET_PREVIOUS",
            "CREDENCE_MASTER_KEY");
    String all = lines.toString();
    for (String secret :
        List.of(
            OPERATOR_TOKEN, TOKEN_SECRET, PREVIOUS_SECRET, MASTER_KEY, DB_PASSWORD, URL_PASSWORD)) {
      assertThat(all).as("describe() shows a secret").doesNotContain(secret);
    }
    // Still useful: where each secret came from, and the database it talks to.
    assertThat(lines.get("CREDENCE_OPERATOR_TOKEN")).contains("env");
    assertThat(lines.get("CREDENCE_DATABASE_URL"))
        .contains("db.example.com/credence")
        .contains("ssl=true")
        .contains("password=********");
    assertThat(lines.get("CREDENCE_DATABASE_USER")).isEqualTo("credence");
    assertThat(lines.get("CREDENCE_PUBLIC_URL")).isEqualTo("http://localhost:8080");
    assertThat(lines.get("CREDENCE_TOKEN_SECRET_PREVIOUS")).contains("1");
  }

  @Test
  void describeNeverShowsGeneratedSecretsEither() {
    Config config = Config.fromEnvironment(env());
    String all = config.describe().toString();
    assertThat(all)
        .doesNotContain(config.operatorToken().value())
        .doesNotContain(config.tokenSecret().value())
        .doesNotContain(config.masterKey().value());
    assertThat(config.describe().get("CREDENCE_MASTER_KEY")).contains("generated");
    assertThat(Config.fromEnvironment(env()).describe().get("CREDENCE_MASTER_KEY"))
        .contains("file");
  }

  @Test
  void aPasswordInsideAJdbcUrlIsMaskedInAnyCase() {
    assertThat(
            Config.maskUrl(
                "jdbc:h2:file:/data/credence;USER=sa;PASSWORD="
                    + URL_PASSWORD
                    + ";AUTO_SERVER=TRUE"))
        .doesNotContain(URL_PASSWORD)
        .contains("AUTO_SERVER=TRUE");
    assertThat(Config.maskUrl("jdbc:postgresql://h/db?Password=" + URL_PASSWORD))
        .doesNotContain(URL_PASSWORD);
    assertThat(Config.maskUrl("jdbc:postgresql://h/db?password=" + URL_PASSWORD + "&a=b"))
        .isEqualTo("jdbc:postgresql://h/db?password=********&a=b");
  }

  @Test
  void aSecretsToStringIsMasked() {
    Config config = Config.fromEnvironment(env("CREDENCE_OPERATOR_TOKEN", OPERATOR_TOKEN));
    assertThat(config.operatorToken().toString()).doesNotContain(OPERATOR_TOKEN).contains("****");
  }

  // ---------------------------------------------------------------- invalid values

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of("CREDENCE_PORT", "70000"),
        Arguments.of("CREDENCE_PORT", "-1"),
        Arguments.of("CREDENCE_PORT", "eighty"),
        Arguments.of("CREDENCE_PUBLIC_URL", "ftp://assess.example.com"),
        Arguments.of("CREDENCE_PUBLIC_URL", "assess.example.com"),
        Arguments.of("CREDENCE_PUBLIC_URL", "javascript:alert(1)"),
        Arguments.of("CREDENCE_PUBLIC_URL", "https://"),
        Arguments.of("CREDENCE_PUBLIC_URL", "not a url"),
        Arguments.of("CREDENCE_OPERATOR_TOKEN", "short-token"),
        Arguments.of("CREDENCE_OPERATOR_TOKEN", "x".repeat(23)),
        Arguments.of("CREDENCE_TOKEN_SECRET", "y".repeat(31)),
        Arguments.of("CREDENCE_TOKEN_SECRET_PREVIOUS", "too-short-previous"),
        Arguments.of("CREDENCE_MASTER_KEY", "not base64 at all!"),
        Arguments.of("CREDENCE_MASTER_KEY", Base64.getEncoder().encodeToString(new byte[16])),
        Arguments.of("CREDENCE_MASTER_KEY", Base64.getEncoder().encodeToString(new byte[33])),
        Arguments.of("CREDENCE_DATABASE_URL", "postgres://db.example.com/credence"),
        Arguments.of("CREDENCE_DATABASE_URL", "jdbc:mysql://db.example.com/credence"),
        Arguments.of("CREDENCE_DATABASE_POOL_SIZE", "0"),
        Arguments.of("CREDENCE_DEMO", "maybe"),
        Arguments.of("CREDENCE_TRUSTED_PROXIES", "proxy.example.com"),
        Arguments.of("CREDENCE_TRUSTED_PROXIES", "10.0.0.0/99"),
        Arguments.of("CREDENCE_TRUSTED_PROXIES", "10.0.0.1, 300.1.1.1"),
        Arguments.of("CREDENCE_TRUSTED_PROXIES", "*"),
        Arguments.of("CREDENCE_BIND_ADDRESS", "no-such-host.invalid"),
        Arguments.of("CREDENCE_BIND_ADDRESS", "198.51.100.7"),
        Arguments.of("CREDENCE_HSTS", "maybe"),
        Arguments.of("CREDENCE_REQUEST_HEAD_TIMEOUT_MS", "50"),
        Arguments.of("CREDENCE_CONNECTIONS_PER_ADDRESS", "0"),
        Arguments.of("CREDENCE_SHUTDOWN_DRAIN_SECONDS", "-1"),
        Arguments.of("CREDENCE_SHUTDOWN_DRAIN_SECONDS", "301"),
        Arguments.of("CREDENCE_SHUTDOWN_TIMEOUT_SECONDS", "0"),
        Arguments.of("CREDENCE_SCHEDULER_HEARTBEAT_MS", "249"),
        Arguments.of("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "intranet.example.com"),
        Arguments.of("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, 10.1.2.3/16"),
        Arguments.of("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "127.1/8"),
        Arguments.of("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "::1/200"),
        Arguments.of("CREDENCE_LOG_LEVEL", "LOUD"),
        Arguments.of("CREDENCE_LOG_LEVEL", "warning"),
        Arguments.of("CREDENCE_LOG_LEVEL", "OFF"),
        Arguments.of("CREDENCE_LOG_FORMAT", "xml"),
        Arguments.of("CREDENCE_LOG_FORMAT", "logstash"),
        Arguments.of("CREDENCE_METRICS_TOKEN", "short-metrics-token"),
        Arguments.of("CREDENCE_METRICS_PORT", "0"),
        Arguments.of("CREDENCE_METRICS_PORT", "65536"),
        Arguments.of("CREDENCE_METRICS_PORT", "nine"),
        // The main port's default.
        Arguments.of("CREDENCE_METRICS_PORT", "8080"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("invalidValues")
  void anInvalidValueIsAConfigExceptionNamingTheVariable(String name, String value) {
    assertThatThrownBy(() -> Config.fromEnvironment(env(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name);
  }

  // ---------------------------------------------------------------- metrics

  @Test
  void metricsAskForNoTokenAndShareTheMainPortUnlessSaidOtherwise() {
    Config config = Config.fromEnvironment(env());
    assertThat(config.metrics()).isEqualTo(new Config.Metrics(null, null));
    assertThat(config.describe())
        .containsEntry("CREDENCE_METRICS_TOKEN", "(none: /metrics asks for no token)")
        .containsEntry("CREDENCE_METRICS_PORT", "(none: /metrics is on the main port)");
  }

  @Test
  void aMetricsTokenAndPortAreReadAndTheTokenNeverShown() {
    String token = "metrics-token-0123456789abcdef";
    Config config =
        Config.fromEnvironment(
            env("CREDENCE_METRICS_TOKEN", " " + token + " ", "CREDENCE_METRICS_PORT", "9091"));
    assertThat(config.metrics().token().value()).isEqualTo(token);
    assertThat(config.metrics().port()).isEqualTo(9091);
    assertThat(config.describe().toString()).doesNotContain(token);
    assertThat(config.describe())
        .containsEntry("CREDENCE_METRICS_TOKEN", "******** (env CREDENCE_METRICS_TOKEN)")
        .containsEntry("CREDENCE_METRICS_PORT", "9091");
  }

  // ---------------------------------------------------------------- logs

  @Test
  void logsAreTextAtInfoUnlessSaidOtherwise() {
    Config config = Config.fromEnvironment(env());
    assertThat(config.logging()).isEqualTo(new LogSettings("INFO", LogSettings.Format.TEXT));
    assertThat(config.describe())
        .containsEntry("CREDENCE_LOG_LEVEL", "INFO")
        .containsEntry("CREDENCE_LOG_FORMAT", "text");
  }

  @Test
  void theLogLevelAndFormatAreReadWhateverTheirCase() {
    for (String level : List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE")) {
      Config config =
          Config.fromEnvironment(
              env(
                  "CREDENCE_LOG_LEVEL",
                  " " + level.toLowerCase() + " ",
                  "CREDENCE_LOG_FORMAT",
                  "JSON"));
      assertThat(config.logging()).isEqualTo(new LogSettings(level, LogSettings.Format.JSON));
      assertThat(config.describe())
          .containsEntry("CREDENCE_LOG_LEVEL", level)
          .containsEntry("CREDENCE_LOG_FORMAT", "json");
    }
    assertThat(Config.fromEnvironment(env("CREDENCE_LOG_FORMAT", "text")).logging().format())
        .isEqualTo(LogSettings.Format.TEXT);
  }

  @Test
  void aBadLogSettingIsRefusedWithTheValuesItMayTake() {
    assertThatThrownBy(() -> Config.fromEnvironment(env("CREDENCE_LOG_LEVEL", "verbose")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CREDENCE_LOG_LEVEL must be ERROR, WARN, INFO, DEBUG or TRACE, got verbose");
    assertThatThrownBy(() -> Config.fromEnvironment(env("CREDENCE_LOG_FORMAT", "xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CREDENCE_LOG_FORMAT must be text or json, got xml");
  }

  @Test
  void anInvalidSecretIsNotEchoedInTheError() {
    for (String[] bad :
        List.of(
            new String[] {"CREDENCE_OPERATOR_TOKEN", "short-secret-xyz"},
            new String[] {"CREDENCE_TOKEN_SECRET", "short-token-secret-xyz"},
            new String[] {"CREDENCE_TOKEN_SECRET_PREVIOUS", "short-previous-xyz"},
            new String[] {"CREDENCE_MASTER_KEY", "c2hvcnQtbWFzdGVyLWtleQ=="})) {
      assertThatThrownBy(() -> Config.fromEnvironment(env(bad[0], bad[1])))
          .isInstanceOf(ConfigException.class)
          .message()
          .contains(bad[0])
          .doesNotContain(bad[1]);
    }
  }

  @Test
  void aMistypedDatabaseUrlIsNotEchoedWithItsPassword() {
    // The operator forgot "jdbc:"; the error goes to the console and the logs.
    String url = "postgresql://db.example.com/credence?user=credence&password=" + URL_PASSWORD;
    assertThatThrownBy(() -> Config.fromEnvironment(env("CREDENCE_DATABASE_URL", url)))
        .isInstanceOf(ConfigException.class)
        .message()
        .contains("CREDENCE_DATABASE_URL")
        .doesNotContain(URL_PASSWORD);
  }
}
