package dev.credence.server.sessions;

import dev.credence.server.testing.TestDatabase;

class SessionWriterH2Test extends SessionWriterContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
