package dev.credence.server.erasure;

import dev.credence.server.testing.TestDatabase;

class RetentionPostgresTest extends RetentionContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
