package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class LandingPageH2Test extends LandingPageContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
