package dev.credence.server.endings;

import dev.credence.server.testing.TestDatabase;

class SimulationH2Test extends SimulationContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
