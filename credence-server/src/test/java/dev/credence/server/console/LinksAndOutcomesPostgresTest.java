package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class LinksAndOutcomesPostgresTest extends LinksAndOutcomesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
