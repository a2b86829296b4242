package dev.credence.server.erasure;

import dev.credence.server.testing.TestDatabase;

class ErasureH2Test extends ErasureContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
