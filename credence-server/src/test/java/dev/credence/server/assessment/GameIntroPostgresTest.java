package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class GameIntroPostgresTest extends GameIntroContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
