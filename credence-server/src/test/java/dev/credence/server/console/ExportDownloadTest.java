package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.config.Config;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A results export is read from the database whole before it is sent, so a browser that downloads
 * slowly holds no database connection: with a pool of two connections, two stalled downloads of an
 * export larger than every buffer on the way leave the session API working. The export's file is
 * deleted when the download ends, finished or abandoned.
 */
class ExportDownloadTest {
  private static final int SESSIONS = 150_000; // about 9 MB of CSV

  @Test
  void aStalledDownloadHoldsNoDatabaseConnectionAndLeavesNoFile() throws Exception {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_DATABASE_POOL_SIZE", "2"))) {
      Deployment d = server.newDeployment();
      String production = d.productionIntegrationId();
      ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
      insertSessions(server.config().database(), production, SESSIONS);
      Path exports = server.config().dataDir().resolve("exports");

      URI base = URI.create(server.baseUrl());
      try (Socket one = stalledDownload(base, admin);
          Socket two = stalledDownload(base, admin)) {
        // Both downloads now stall, open and unread. The pool's connections must be free for the
        // API.
        assertThat(List.of(one, two)).allMatch(s -> s.isConnected() && !s.isClosed());
        HttpResponse<String> created =
            server.createSession(
                d.productionKey(), RunningServer.sessionBody("AFTER-EXPORT", production));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      }
      // The browsers gave up: the files go with the downloads.
      awaitNoFiles(exports);

      HttpResponse<String> whole = admin.get("/console/results/export.csv");
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValue("Content-Length"))
          .hasValue(String.valueOf(whole.body().getBytes(StandardCharsets.UTF_8).length));
      List<String> lines = whole.body().lines().toList();
      assertThat(lines).hasSize(1 + SESSIONS + 1);
      assertThat(lines.get(1)).startsWith("AFTER-EXPORT,Loans,PRODUCTION,");
      awaitNoFiles(exports);
    }
  }

  /** Sessions of one integration, written straight to the database: many, quickly. */
  private static void insertSessions(Config.Database database, String integrationId, int count)
      throws SQLException {
    Timestamp created = Timestamp.from(Instant.parse("2026-01-01T00:00:00Z"));
    Timestamp expires = Timestamp.from(Instant.parse("2099-01-01T00:00:00Z"));
    try (Connection c =
            DriverManager.getConnection(
                database.url(),
                database.user(),
                database.password() == null ? "" : database.password().value());
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO sessions (id, integration_id, uid, status, created_at, expires_at)"
                    + " VALUES (?, ?, ?, 'CREATED', ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        insert.setString(1, String.format("bulk%028d", i));
        insert.setString(2, integrationId);
        insert.setString(3, String.format("bulk-%06d", i));
        insert.setTimestamp(4, created);
        insert.setTimestamp(5, expires);
        insert.addBatch();
        if (i % 5_000 == 4_999) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
      c.commit();
    }
  }

  /** An export asked for by a browser that reads the status line, then nothing more. */
  private static Socket stalledDownload(URI base, ConsoleClient admin) throws IOException {
    Socket browser = new Socket();
    browser.setReceiveBufferSize(4096); // its window stays small
    browser.connect(new InetSocketAddress(base.getHost(), base.getPort()));
    OutputStream out = browser.getOutputStream();
    out.write(
        ("GET /console/results/export.csv HTTP/1.1\r\nHost: "
                + base.getAuthority()
                + "\r\nCookie: "
                + admin.cookieHeader()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertThat(statusLine(browser.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
    return browser;
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString().strip();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> listed = Files.list(dir)) {
      return listed.toList();
    }
  }

  private static void awaitNoFiles(Path dir) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!files(dir).isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    assertThat(files(dir)).as("export files left in " + dir).isEmpty();
  }
}
