package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class CleanDataPostgresTest extends CleanDataContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
