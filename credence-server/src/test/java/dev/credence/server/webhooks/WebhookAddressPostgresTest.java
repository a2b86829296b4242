package dev.credence.server.webhooks;

import dev.credence.server.testing.TestDatabase;

class WebhookAddressPostgresTest extends WebhookAddressContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
