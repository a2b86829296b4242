package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class LandingPagePostgresTest extends LandingPageContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
