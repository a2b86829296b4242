package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class EmbeddingPostgresTest extends EmbeddingContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
