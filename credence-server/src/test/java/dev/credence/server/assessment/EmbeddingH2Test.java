package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class EmbeddingH2Test extends EmbeddingContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
