package dev.credence.server.console;

import dev.credence.server.testing.TestDatabase;

class ModelPagesH2Test extends ModelPagesContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
