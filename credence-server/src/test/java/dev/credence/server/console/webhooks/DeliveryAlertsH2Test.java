package dev.credence.server.console.webhooks;

import dev.credence.server.testing.TestDatabase;

class DeliveryAlertsH2Test extends DeliveryAlertsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
