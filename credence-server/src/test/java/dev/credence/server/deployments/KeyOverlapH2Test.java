package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class KeyOverlapH2Test extends KeyOverlapContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
