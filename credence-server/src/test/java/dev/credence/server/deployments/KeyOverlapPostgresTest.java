package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class KeyOverlapPostgresTest extends KeyOverlapContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
