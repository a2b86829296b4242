package dev.credence.server.store;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade, as docs/operations.md describes it: once a node of a newer release has
 * migrated the shared database, a node of the older release still starts on it (Flyway leaves
 * migrations it does not know alone) and serves what was there before and what is new.
 */
abstract class NewerSchemaContract {
  protected abstract TestDatabase database();

  @Test
  void aNodeStartsAndServesOnASchemaThatANewerReleaseMigrated() {
    RunningServer server = RunningServer.start(database());
    Deployment d = server.newDeployment();
    HttpResponse<String> before =
        server.createSession(d.testKey(), sessionBody("ROLLING-0001", d.testIntegrationId()));
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    String token = json(before).get("access_token").asText();

    try (RunningServer older =
        server.restartAfter(
            () ->
                server.database(
                    handle -> {
                      // What a newer release's first node leaves: an added column, and the
                      // migration's row in the history, a version this release does not have.
                      handle.execute("ALTER TABLE sessions ADD COLUMN newer_release_note TEXT");
                      return handle.execute(
                          "INSERT INTO flyway_schema_history (installed_rank, version,"
                              + " description, type, script, checksum, installed_by,"
                              + " execution_time, success) SELECT MAX(installed_rank) + 1,"
                              + " '9999', 'newer release', 'SQL', 'V9999__newer_release.sql', 0,"
                              + " 'credence', 1, TRUE FROM flyway_schema_history");
                    }))) {
      assertThat(older.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(older.get("/" + token).statusCode()).isEqualTo(200);
      HttpResponse<String> again =
          older.createSession(d.testKey(), sessionBody("ROLLING-0001", d.testIntegrationId()));
      assertThat(json(again).get("access_token").asText()).isEqualTo(token);
      HttpResponse<String> fresh =
          older.createSession(d.testKey(), sessionBody("ROLLING-0002", d.testIntegrationId()));
      assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
      String newest =
          older.database(
              handle ->
                  handle
                      .createQuery("SELECT MAX(version) FROM flyway_schema_history")
                      .mapTo(String.class)
                      .one());
      assertThat(newest).as("the newer release's migration stays recorded").isEqualTo("9999");
    }
  }
}
