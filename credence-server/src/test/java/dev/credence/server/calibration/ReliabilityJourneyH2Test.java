package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class ReliabilityJourneyH2Test extends ReliabilityJourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
