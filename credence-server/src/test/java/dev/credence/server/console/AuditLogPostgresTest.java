package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class AuditLogPostgresTest extends AuditLogContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
