package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class ReliabilityJourneyPostgresTest extends ReliabilityJourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
