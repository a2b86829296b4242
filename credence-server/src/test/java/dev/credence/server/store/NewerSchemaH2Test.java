package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class NewerSchemaH2Test extends NewerSchemaContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
