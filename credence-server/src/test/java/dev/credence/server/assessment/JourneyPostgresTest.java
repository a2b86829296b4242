package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class JourneyPostgresTest extends JourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
