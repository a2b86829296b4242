package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class NewerSchemaPostgresTest extends NewerSchemaContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
