package dev.credence.server.console.webhooks;

import dev.credence.server.testing.TestDatabase;

class DeliveryAlertsPostgresTest extends DeliveryAlertsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
