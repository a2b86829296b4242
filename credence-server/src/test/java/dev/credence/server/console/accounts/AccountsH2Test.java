package dev.credence.server.console.accounts;

import dev.credence.server.testing.TestDatabase;

class AccountsH2Test extends AccountsContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
