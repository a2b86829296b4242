package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class CrashRecoveryH2Test extends CrashRecoveryContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
