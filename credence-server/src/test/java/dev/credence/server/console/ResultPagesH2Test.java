package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ResultPagesH2Test extends ResultPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
