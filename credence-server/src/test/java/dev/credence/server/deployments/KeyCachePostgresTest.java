package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class KeyCachePostgresTest extends KeyCacheContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
