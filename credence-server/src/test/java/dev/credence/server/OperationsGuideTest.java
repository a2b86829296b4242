package dev.credence.server;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.DocBlocks;
import dev.credence.server.testing.Prerequisites;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md followed as written, with the built jar: its fenced blocks {@code sh
 * tested=<name>} run with bash in a directory holding credence.jar, with the server's variables and
 * the guide's ({@code BACKUP_DIR}, {@code BACKUP}, {@code DUMP}, libpq's {@code PG*}) set. A backup
 * taken while the server runs, restored as the guide says into a fresh data directory (H2) or
 * database (PostgreSQL), serves the sessions made before it and not those made after.
 */
@Tag("jar")
class OperationsGuideTest {
  private static final Path GUIDE = Path.of("..", "docs", "operations.md");
  private static final String NOT_BEFORE = "OPS-AFTER-0001";
  private static final String BEFORE = "OPS-BEFORE-0001";

  @Test
  void theGuidesTestedBlocksAreTheseAndNoOthers() throws IOException {
    assertThat(DocBlocks.read(GUIDE))
        .containsOnlyKeys(
            "secrets-backup", "h2-backup", "h2-restore", "pg-dump", "pg-restore", "pg-role");
  }

  @Test
  void anH2BackupTakenWhileTheServerRunsRestoresIntoAFreshDataDirectory() throws Exception {
    DocBlocks.requireTools(
        "The operations guide's H2 backup",
        "Install them: apt-get install -y tar unzip",
        "tar",
        "unzip");
    Map<String, String> blocks = DocBlocks.read(GUIDE);
    Path backups = RunningServer.tempDir();
    Path dataDir = RunningServer.tempDir().resolve("data");
    Map<String, String> env = serverEnvironment(dataDir);
    Path secrets = RunningServer.tempDir();
    Map<String, String> shell =
        with(with(env, "BACKUP_DIR", backups.toString()), "SECRETS_DIR", secrets.toString());

    Path zip;
    Sessions sessions;
    try (ServerProcess server = ServerProcess.startJar(env)) {
      assertThat(server.log())
          .contains("Credence " + System.getProperty("credence.version") + " starting with:");
      Deployment d = server.newDeployment();
      String before =
          token(server.createSession(d.testKey(), sessionBody(BEFORE, d.testIntegrationId())));
      DocBlocks.run(shell, jarDirectory(), "bash", blocks.get("secrets-backup"));
      String made = DocBlocks.run(shell, jarDirectory(), "bash", blocks.get("h2-backup"));
      zip =
          Path.of(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(made)
                  .get("file")
                  .asText());
      assertThat(zip.getParent()).isEqualTo(backups);
      assertThat(zip.getFileName().toString()).matches("credence-\\d{8}-\\d{6}\\.zip");
      String after =
          token(server.createSession(d.testKey(), sessionBody(NOT_BEFORE, d.testIntegrationId())));
      assertThat(server.get("/" + after).statusCode()).isEqualTo(200);
      sessions = new Sessions(d, before, after);
      server.terminate();
      assertThat(server.waitForExit()).as(server.log()).isZero();
    }
    assertThat(Files.getPosixFilePermissions(secrets.resolve("credence-secrets.tar.gz")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    Path restored = RunningServer.tempDir().resolve("restored");
    Map<String, String> restoredEnv = with(env, "CREDENCE_DATA_DIR", restored.toString());
    DocBlocks.run(
        with(with(restoredEnv, "SECRETS_DIR", secrets.toString()), "BACKUP", zip.toString()),
        jarDirectory(),
        "bash",
        blocks.get("h2-restore"));
    assertThat(Files.getPosixFilePermissions(restored))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (ServerProcess server = ServerProcess.startJar(restoredEnv)) {
      assertThat(server.log())
          .contains("CREDENCE_MASTER_KEY = ******** (file " + restored.resolve("secrets"));
      sessions.servedOnlyBefore(server);
    }
  }

  @Test
  void aPostgresDumpRestoresIntoAFreshDatabaseOwnedByTheLeastPrivilegedRole() throws Exception {
    DocBlocks.requireTools(
        "The operations guide's PostgreSQL backup",
        "Install PostgreSQL's client programs: apt-get install -y postgresql-client",
        "psql",
        "pg_dump",
        "pg_restore",
        "createdb");
    Map<String, String> blocks = DocBlocks.read(GUIDE);
    try (EmbeddedPostgres postgres = embeddedPostgres()) {
      String password = "credence-role-password-0123";
      Map<String, String> admin =
          Map.of(
              "PGHOST", "localhost",
              "PGPORT", String.valueOf(postgres.getPort()),
              "PGUSER", "postgres",
              "PGPASSWORD", "postgres",
              "CREDENCE_DATABASE_PASSWORD", password);
      DocBlocks.run(admin, jarDirectory(), "bash", blocks.get("pg-role"));

      Path backups = RunningServer.tempDir();
      Map<String, String> env = serverEnvironment(RunningServer.tempDir().resolve("data"));
      env.put(
          "CREDENCE_DATABASE_URL",
          "jdbc:postgresql://localhost:" + postgres.getPort() + "/credence");
      env.put("CREDENCE_DATABASE_USER", "credence");
      env.put("CREDENCE_DATABASE_PASSWORD", password);
      Map<String, String> asTheRole = new HashMap<>(admin);
      asTheRole.putAll(
          Map.of(
              "PGUSER",
              "credence",
              "PGPASSWORD",
              password,
              "PGDATABASE",
              "credence",
              "BACKUP_DIR",
              backups.toString()));

      Sessions sessions;
      try (ServerProcess server = ServerProcess.startJar(env)) {
        Deployment d = server.newDeployment();
        String before =
            token(server.createSession(d.testKey(), sessionBody(BEFORE, d.testIntegrationId())));
        DocBlocks.run(asTheRole, jarDirectory(), "bash", blocks.get("pg-dump"));
        String after =
            token(
                server.createSession(d.testKey(), sessionBody(NOT_BEFORE, d.testIntegrationId())));
        sessions = new Sessions(d, before, after);
        server.terminate();
        assertThat(server.waitForExit()).as(server.log()).isZero();
      }
      List<Path> dumps;
      try (Stream<Path> files = Files.list(backups)) {
        dumps = files.toList();
      }
      assertThat(dumps).hasSize(1);
      assertThat(dumps.get(0).getFileName().toString()).matches("credence-\\d{8}-\\d{6}\\.dump");

      DocBlocks.run(
          with(admin, "DUMP", dumps.get(0).toString()),
          jarDirectory(),
          "bash",
          blocks.get("pg-restore"));
      assertThat(tableOwners(postgres)).containsOnly("credence");
      try (ServerProcess server = ServerProcess.startJar(env)) {
        sessions.servedOnlyBefore(server);
      }
    }
  }

  /** A session made before the backup, and one after it. */
  private record Sessions(Deployment deployment, String before, String after) {
    /** The restored server has the first (same link, same token again) and not the second. */
    void servedOnlyBefore(ServerProcess server) {
      assertThat(server.get("/" + before).statusCode()).isEqualTo(200);
      String again =
          token(
              server.createSession(
                  deployment.testKey(), sessionBody(BEFORE, deployment.testIntegrationId())));
      assertThat(again).isEqualTo(before);
      HttpResponse<String> gone = server.get("/" + after);
      assertThat(gone.statusCode()).as(gone.body()).isNotEqualTo(200);
      assertThat(gone.body()).contains("This link does not work");
      String anew =
          token(
              server.createSession(
                  deployment.testKey(), sessionBody(NOT_BEFORE, deployment.testIntegrationId())));
      assertThat(anew).isNotEqualTo(after);
    }
  }

  private static String token(HttpResponse<String> created) {
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created).get("access_token").asText();
  }

  /** The test defaults, and no drain when stopped: nothing polls these servers' readiness. */
  private static Map<String, String> serverEnvironment(Path dataDir) {
    return with(RunningServer.baseEnvironment(dataDir), "CREDENCE_SHUTDOWN_DRAIN_SECONDS", "0");
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(name, value);
    return more;
  }

  /** A directory holding credence.jar, as /opt/credence in the guide. */
  private static Path jarDirectory() throws IOException {
    Path directory = RunningServer.tempDir();
    Files.createSymbolicLink(directory.resolve("credence.jar"), ServerProcess.builtJar());
    return directory;
  }

  private static EmbeddedPostgres embeddedPostgres() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (IOException | RuntimeException e) {
      Prerequisites.missing(
          "The operations guide's PostgreSQL backup",
          "embedded PostgreSQL did not start: " + e,
          "Embedded PostgreSQL needs a user other than root and a writable /tmp");
      throw new IllegalStateException(e);
    }
  }

  /** The owners of the tables in the restored database. */
  private static List<String> tableOwners(EmbeddedPostgres postgres) throws Exception {
    List<String> owners = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + postgres.getPort() + "/credence",
                "postgres",
                "postgres");
        ResultSet rows =
            c.createStatement()
                .executeQuery("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")) {
      while (rows.next()) {
        owners.add(rows.getString(1));
      }
    }
    assertThat(owners).isNotEmpty();
    return owners;
  }
}
