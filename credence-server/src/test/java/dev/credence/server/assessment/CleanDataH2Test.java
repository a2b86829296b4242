package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class CleanDataH2Test extends CleanDataContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
