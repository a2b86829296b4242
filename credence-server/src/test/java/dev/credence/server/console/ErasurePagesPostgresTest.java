package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ErasurePagesPostgresTest extends ErasurePagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
