package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionApiH2Test extends SessionApiContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
