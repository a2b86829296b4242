package dev.credence.server.deployments;

import java.time.Instant;

/**
 * One environment of a deployment, as stored. The API key is held only encrypted; so is the key it
 * had before its last rotation ({@code previousKey}), while that one still works beside it.
 */
public record Environment(
    String integrationId,
    String deploymentId,
    String companyId,
    EnvironmentKind kind,
    EnvironmentSettings settings,
    String apiKeyHash,
    String apiKeyCiphertext,
    String apiKeyHint,
    Instant apiKeyRotatedAt,
    PreviousKey previousKey,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * The key an environment had before its last rotation, accepted beside the current one until
   * {@code expiresAt} (decision 0027): found by its SHA-256, kept encrypted like the current key.
   */
  public record PreviousKey(String hash, String ciphertext, String hint, Instant expiresAt) {
    /** Whether it still works at {@code now}. */
    public boolean worksAt(Instant now) {
      return now.isBefore(expiresAt);
    }
  }

  /**
   * This environment as it stands at {@code now}: without its previous key once that key's overlap
   * has ended. Entries read earlier (a node's cache) are passed through this before each use.
   */
  public Environment at(Instant now) {
    if (previousKey == null || previousKey.worksAt(now)) {
      return this;
    }
    return new Environment(
        integrationId,
        deploymentId,
        companyId,
        kind,
        settings,
        apiKeyHash,
        apiKeyCiphertext,
        apiKeyHint,
        apiKeyRotatedAt,
        null,
        createdAt,
        updatedAt);
  }

  /**
   * Whether the key whose SHA-256 is {@code keyHash} is one of this environment's: the current key,
   * or the previous one while it works at {@code now}. Compared in constant time.
   */
  public boolean hasKey(String keyHash, Instant now) {
    boolean current = ApiKeys.sameHash(apiKeyHash, keyHash);
    boolean previous =
        previousKey != null
            && previousKey.worksAt(now)
            && ApiKeys.sameHash(previousKey.hash(), keyHash);
    return current || previous;
  }
}
