package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class DeploymentPagesPostgresTest extends DeploymentPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
