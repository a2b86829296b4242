package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionLifecyclePostgresTest extends SessionLifecycleContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
