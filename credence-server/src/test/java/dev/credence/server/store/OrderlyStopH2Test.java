package dev.credence.server.store;

import dev.credence.server.testing.TestDatabase;

class OrderlyStopH2Test extends OrderlyStopContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
