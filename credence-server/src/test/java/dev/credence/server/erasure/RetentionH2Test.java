package dev.credence.server.erasure;

import dev.credence.server.testing.TestDatabase;

class RetentionH2Test extends RetentionContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
