package dev.credence.server.endings;

import dev.credence.server.testing.TestDatabase;

class WebhookEventsH2Test extends WebhookEventsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
