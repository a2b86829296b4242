package dev.credence.server.outcomes;

import dev.credence.server.testing.TestDatabase;

class OutcomeOperatorApiPostgresTest extends OutcomeOperatorApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
