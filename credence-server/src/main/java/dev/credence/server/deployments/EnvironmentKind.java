package dev.credence.server.deployments;

/** The two environments of every deployment. */
public enum EnvironmentKind {
  TEST("crd_test_"),
  PRODUCTION("crd_live_");

  private final String keyPrefix;

  EnvironmentKind(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /** API keys show their environment, so a Test key pasted into Production is easy to spot. */
  public String keyPrefix() {
    return keyPrefix;
  }
}
