package dev.credence.server.erasure;

import dev.credence.server.testing.TestDatabase;

class ErasurePostgresTest extends ErasureContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
