package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class OperatorAuditPostgresTest extends OperatorAuditContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
