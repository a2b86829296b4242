package dev.credence.server.webhooks;

import dev.credence.server.testing.TestDatabase;

class WebhookH2Test extends WebhookContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
