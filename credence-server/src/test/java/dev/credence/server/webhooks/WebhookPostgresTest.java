package dev.credence.server.webhooks;

import dev.credence.server.testing.TestDatabase;

class WebhookPostgresTest extends WebhookContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
