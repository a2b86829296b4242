package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class CrashRecoveryPostgresTest extends CrashRecoveryContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
