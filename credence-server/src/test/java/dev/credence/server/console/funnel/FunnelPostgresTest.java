package dev.credence.server.console.funnel;

import dev.credence.server.testing.TestDatabase;

class FunnelPostgresTest extends FunnelContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
