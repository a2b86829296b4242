package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class MemoryGamePostgresTest extends MemoryGameContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
