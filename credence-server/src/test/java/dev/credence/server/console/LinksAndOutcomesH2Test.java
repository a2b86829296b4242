package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class LinksAndOutcomesH2Test extends LinksAndOutcomesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
