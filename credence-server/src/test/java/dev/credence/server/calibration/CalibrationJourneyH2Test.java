package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class CalibrationJourneyH2Test extends CalibrationJourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
