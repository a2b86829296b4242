package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ModelPagesPostgresTest extends ModelPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
