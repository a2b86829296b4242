package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class OperatorAuditH2Test extends OperatorAuditContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
