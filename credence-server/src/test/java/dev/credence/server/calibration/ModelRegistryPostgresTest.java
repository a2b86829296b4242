package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class ModelRegistryPostgresTest extends ModelRegistryContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.POSTGRES;
  }
}
