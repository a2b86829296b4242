package dev.credence.server.console;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;

/**
 * A browser test of the dashboard: one server for the class, which the subclass starts, and one
 * Chromium for each test, which the test opens. Both are closed here, the browser after each test
 * and the server after the subclass's own {@code @AfterAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleBrowserTest {
  protected RunningServer server;
  protected Browser browser;

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
