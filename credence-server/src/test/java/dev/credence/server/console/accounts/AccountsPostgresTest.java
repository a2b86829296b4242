package dev.credence.server.console.accounts;

import dev.credence.server.testing.TestDatabase;

class AccountsPostgresTest extends AccountsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
