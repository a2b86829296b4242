package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ErasurePagesH2Test extends ErasurePagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
