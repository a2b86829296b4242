package dev.credence.server.console.funnel;

import dev.credence.server.testing.TestDatabase;

class FunnelH2Test extends FunnelContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
