package dev.credence.server.endings;

import dev.credence.server.testing.TestDatabase;

class WebhookEventsPostgresTest extends WebhookEventsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
