package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class OrderlyStopPostgresTest extends OrderlyStopContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
