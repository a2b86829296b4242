package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class JourneyH2Test extends JourneyContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
