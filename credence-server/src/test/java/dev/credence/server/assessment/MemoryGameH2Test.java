package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class MemoryGameH2Test extends MemoryGameContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
