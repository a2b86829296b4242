package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class OperatorApiPostgresTest extends OperatorApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
