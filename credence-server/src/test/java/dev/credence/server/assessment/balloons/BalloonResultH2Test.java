package dev.credence.server.assessment.balloons;

import dev.credence.server.testing.TestDatabase;

class BalloonResultH2Test extends BalloonResultContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
