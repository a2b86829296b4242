package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class DeploymentPagesH2Test extends DeploymentPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
