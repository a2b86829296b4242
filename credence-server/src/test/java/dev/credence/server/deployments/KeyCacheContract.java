package dev.credence.server.deployments;

import static dev.credence.server.deployments.CachedKeys.WITHIN_THE_BOUND;
import static dev.credence.server.deployments.CachedKeys.assertCreated;
import static dev.credence.server.deployments.CachedKeys.assertRefused;
import static dev.credence.server.deployments.CachedKeys.entries;
import static dev.credence.server.deployments.CachedKeys.untilRefused;
import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.api.Signatures;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.ServerHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The cache of API keys (decision 0024) over real HTTP, with a second node on the same database: a
 * rotated key and changed settings reach the node that made the change with its next request, and
 * the other node within {@link KeyCache#BOUND}; wrong keys are refused and leave nothing cached.
 */
abstract class KeyCacheContract extends ServerContract {
  private final AtomicInteger uids = new AtomicInteger();

  @Test
  void aRotatedKeyFailsAtOnceOnItsNodeAndWithinTheBoundOnTheOther() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    try (RunningServer other = server.secondNode()) {
      awaitCached(server, d.productionKey(), id);
      awaitCached(other, d.productionKey(), id);

      HttpResponse<String> rotated =
          server.operator("POST", "/v1/admin/integrations/" + id + "/rotate-key", null);
      long rotatedAt = System.nanoTime();
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      String newKey = json(rotated).get("api_key").asText();

      assertRefused(create(server, d.productionKey(), id), 401, "api_key_invalid");
      assertThat(untilRefused(rotatedAt, () -> create(other, d.productionKey(), id), 401))
          .isLessThan(WITHIN_THE_BOUND);
      assertCreated(create(server, newKey, id));
      assertCreated(create(other, newKey, id));
    }
  }

  @Test
  void requiringSignaturesAppliesAtOnceOnItsNodeAndWithinTheBoundOnTheOther() {
    changeOnOneNodeSeenOnBoth(
        "{\"hmac_required\": true}",
        401,
        "signature_missing",
        (other, d) -> {
          for (ServerHttp node : new ServerHttp[] {server, other}) {
            String body = sessionBody(uid(), d.productionIntegrationId());
            String signature =
                Signatures.sign(d.productionKey(), body.getBytes(StandardCharsets.UTF_8));
            assertCreated(
                node.createSession(d.productionKey(), body, Signatures.HEADER, signature));
          }
        });
  }

  @Test
  void anOpenSessionCapAppliesAtOnceOnItsNodeAndWithinTheBoundOnTheOther() {
    // Sessions are open already, so a cap of 1 refuses every new one.
    changeOnOneNodeSeenOnBoth(
        "{\"max_open_sessions\": 1}", 429, "open_sessions_limit", (other, d) -> {});
  }

  @Test
  void wrongKeysAreRefusedAndLeaveNothingInTheCache() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    awaitCached(server, d.productionKey(), id);
    double before = entries(server);

    for (int i = 0; i < 300; i++) {
      String wrong = ApiKeys.generate(EnvironmentKind.PRODUCTION);
      assertRefused(create(server, wrong, id), 401, "api_key_invalid");
    }

    assertThat(entries(server)).isEqualTo(before);
    assertCreated(create(server, d.productionKey(), id));
    assertThat(entries(server)).isEqualTo(before);
  }

  /**
   * With the Production key of a new deployment cached on both nodes, patches its {@code settings}
   * on the first: its next create call there is refused with {@code status} and {@code code}, and
   * on the second node within the bound; then runs {@code andThen} with the second node.
   */
  private void changeOnOneNodeSeenOnBoth(
      String settings, int status, String code, BiConsumer<RunningServer, Deployment> andThen) {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String key = d.productionKey();
    try (RunningServer other = server.secondNode()) {
      awaitCached(server, key, id);
      awaitCached(other, key, id);

      HttpResponse<String> patched =
          server.operator("PATCH", "/v1/admin/integrations/" + id, settings);
      long changedAt = System.nanoTime();
      assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

      assertRefused(create(server, key, id), status, code);
      assertThat(untilRefused(changedAt, () -> create(other, key, id), status))
          .isLessThan(WITHIN_THE_BOUND);
      assertRefused(create(other, key, id), status, code);
      andThen.accept(other, d);
    }
  }

  private void awaitCached(ServerHttp node, String key, String integrationId) {
    CachedKeys.awaitCached(node, () -> create(node, key, integrationId));
  }

  private HttpResponse<String> create(ServerHttp node, String key, String integrationId) {
    return node.createSession(key, sessionBody(uid(), integrationId));
  }

  private String uid() {
    return String.format("KEY-CACHE-%05d", uids.incrementAndGet());
  }
}
