package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class AuditLogH2Test extends AuditLogContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
