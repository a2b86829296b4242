package dev.credence.server.webhooks;

import dev.credence.server.testing.TestDatabase;

class WebhookAddressH2Test extends WebhookAddressContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
