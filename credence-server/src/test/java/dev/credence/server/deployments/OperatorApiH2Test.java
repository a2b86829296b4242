package dev.credence.server.deployments;

import dev.credence.server.testing.TestDatabase;

class OperatorApiH2Test extends OperatorApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
