package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ConsoleIsolationH2Test extends ConsoleIsolationContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
