package dev.credence.server.assessment;

import dev.credence.server.testing.TestDatabase;

class GameIntroH2Test extends GameIntroContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
