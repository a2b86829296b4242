package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ResultPagesPostgresTest extends ResultPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
