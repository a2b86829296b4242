package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ConsoleIsolationPostgresTest extends ConsoleIsolationContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
