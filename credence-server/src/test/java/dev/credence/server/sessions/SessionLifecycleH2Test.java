package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionLifecycleH2Test extends SessionLifecycleContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
