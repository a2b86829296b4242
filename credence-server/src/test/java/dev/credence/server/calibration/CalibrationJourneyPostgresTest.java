package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class CalibrationJourneyPostgresTest extends CalibrationJourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
