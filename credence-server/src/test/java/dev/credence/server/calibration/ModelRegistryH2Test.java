package dev.credence.server.calibration;

import dev.credence.server.testing.TestDatabase;

class ModelRegistryH2Test extends ModelRegistryContract {
  @Override
  protected TestDatabase database() {
    return TestDatabase.H2;
  }
}
