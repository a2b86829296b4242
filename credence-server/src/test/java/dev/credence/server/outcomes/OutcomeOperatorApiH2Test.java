package dev.credence.server.outcomes;

import dev.credence.server.testing.TestDatabase;

class OutcomeOperatorApiH2Test extends OutcomeOperatorApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
