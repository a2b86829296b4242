package dev.credence.server.deployments;

import java.time.Instant;

/** One environment of a deployment, as stored. The API key is held only encrypted. */
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
    Instant createdAt,
    Instant updatedAt) {}
