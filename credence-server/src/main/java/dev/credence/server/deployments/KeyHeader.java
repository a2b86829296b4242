package dev.credence.server.deployments;

import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.RequestLog;
import io.javalin.http.Context;

/**
 * The {@code api-key} header of Credence's own lender APIs (the pull API, webhook management): the
 * environment it names, or 401 {@code api_key_missing} / {@code api_key_invalid}. The vendor's
 * session and test-call endpoints keep their own answers (docs/integration-guide.md).
 */
public final class KeyHeader {
  private KeyHeader() {}

  public static Environment require(Context ctx, DeploymentService deployments) {
    String key = ctx.header("api-key");
    if (key == null || key.isBlank()) {
      throw new Refusal(Kind.UNAUTHENTICATED, "api_key_missing", "Missing api-key header");
    }
    Environment environment =
        deployments
            .authenticate(key.trim())
            .orElseThrow(
                () -> new Refusal(Kind.UNAUTHENTICATED, "api_key_invalid", "Invalid api-key"));
    RequestLog.integration(environment.integrationId());
    return environment;
  }
}
