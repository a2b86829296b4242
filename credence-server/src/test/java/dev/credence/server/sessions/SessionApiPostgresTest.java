package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionApiPostgresTest extends SessionApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
