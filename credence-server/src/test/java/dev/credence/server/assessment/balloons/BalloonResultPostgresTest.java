package dev.credence.server.assessment.balloons;

import dev.credence.server.testing.TestDatabase;

class BalloonResultPostgresTest extends BalloonResultContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
