package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class KeyCacheH2Test extends KeyCacheContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
