package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionWriterPostgresTest extends SessionWriterContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
