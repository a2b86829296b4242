package dev.credence.server.endings;

import dev.credence.server.testing.TestDatabase;

class SimulationPostgresTest extends SimulationContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
