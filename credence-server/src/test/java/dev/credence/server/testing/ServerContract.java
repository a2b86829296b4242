package dev.credence.server.testing;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A whole-app contract run once per database: one real server for the test class, started before
 * its first test and stopped after its last. Subclasses name the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerContract {
  protected RunningServer server;

  protected abstract TestDatabase database();

  /** Settings the contract needs beyond the test defaults (CREDENCE_* variables). */
  protected Map<String, String> environment() {
    return Map.of();
  }

  @BeforeAll
  void startServer() {
    server = RunningServer.start(database(), environment());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
