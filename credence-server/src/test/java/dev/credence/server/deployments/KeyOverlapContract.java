package dev.credence.server.deployments;

import static dev.credence.server.deployments.CachedKeys.WITHIN_THE_BOUND;
import static dev.credence.server.deployments.CachedKeys.assertCreated;
import static dev.credence.server.deployments.CachedKeys.assertRefused;
import static dev.credence.server.deployments.CachedKeys.pause;
import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.ServerHttp;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Key rotation with overlap (decision 0027) over real HTTP, with a second node on the same
 * database: during the overlap both keys create sessions (by {@code api-key} and by signature
 * alone) and webhooks carry a signature by each; at its end the old key is refused at once; ended
 * early or replaced by another rotation, it is refused at once on the node that made the change and
 * within {@link KeyCache#BOUND} on the other. Bad overlaps are refused and change nothing.
 */
abstract class KeyOverlapContract extends ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final AtomicInteger uids = new AtomicInteger();

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        Map.of("CREDENCE_SCHEDULER_POLL_MS", "100"), RunningServer.LOOPBACK_WEBHOOKS);
  }

  @Test
  void duringTheOverlapBothKeysCreateSessionsAndAfterItTheOldKeyIsRefused() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String oldKey = d.productionKey();
    String oldHint = integration(id).get("api_key_hint").asText();

    long now = server.clock().instant().getEpochSecond();
    JsonNode rotated = rotate(id, "{\"overlap_hours\": 24}");
    String newKey = rotated.get("api_key").asText();
    assertThat(rotated.get("previous_api_key_expires_at").asLong()).isEqualTo(now + 24 * 3600);
    JsonNode during = integration(id);
    assertThat(during.get("previous_api_key_hint").asText()).isEqualTo(oldHint);
    assertThat(during.get("previous_api_key_expires_at").asLong()).isEqualTo(now + 24 * 3600);
    assertThat(during.toString()).doesNotContain(oldKey).doesNotContain(newKey);

    awaitCached(server, oldKey, id); // its end must hold over the cache too
    assertCreated(create(server, newKey, id));
    // The results API and the webhook test call take the old key too.
    assertThat(server.send("GET", "/v1/results?limit=1", null, "api-key", oldKey).statusCode())
        .isEqualTo(200);
    assertRefused(server.webhookTestCall(oldKey), 424, "webhook_not_set");

    server.clock().advance(Duration.ofHours(24).minusSeconds(1));
    assertCreated(create(server, oldKey, id));

    server.clock().advance(Duration.ofSeconds(1));
    assertRefused(create(server, oldKey, id), 401, "api_key_invalid");
    assertCreated(create(server, newKey, id));
    JsonNode after = integration(id);
    assertThat(after.get("previous_api_key_hint").isNull()).isTrue();
    assertThat(after.get("previous_api_key_expires_at").isNull()).isTrue();
    assertRefused(endOverlap(id), 409, "no_key_overlap");
  }

  @Test
  void withSigningOnBothKeysSignDuringTheOverlapAndOnlyTheNewOneAfter() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String oldKey = d.productionKey();
    server.patchIntegration(id, "{\"hmac_required\": true}");
    String newKey = rotate(id, "{\"overlap_hours\": 1}").get("api_key").asText();

    for (String key : List.of(oldKey, newKey)) {
      assertCreated(signed(server, key, key, id));
      assertCreated(signedOnly(server, key, id));
    }
    // A signature must be made with the key the request names.
    assertRefused(signed(server, oldKey, newKey, id), 401, "signature_invalid");
    assertRefused(
        signedOnly(server, ApiKeys.generate(EnvironmentKind.PRODUCTION), id),
        401,
        "signature_invalid");

    server.clock().advance(Duration.ofHours(1));
    assertRefused(signed(server, oldKey, oldKey, id), 401, "api_key_invalid");
    assertRefused(signedOnly(server, oldKey, id), 401, "signature_invalid");
    assertCreated(signedOnly(server, newKey, id));
  }

  @Test
  void endingTheOverlapEarlyStopsTheOldKeyAtOnceHereAndWithinTheBoundOnTheOtherNode() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String oldKey = d.productionKey();
    try (RunningServer other = server.secondNode()) {
      String newKey = rotate(id, "{\"overlap_hours\": 72}").get("api_key").asText();
      pause(KeyCache.BOUND); // the other node has let its entries go: cache the old key again
      awaitCached(server, oldKey, id);
      awaitCached(other, oldKey, id);
      assertCreated(create(other, newKey, id));

      HttpResponse<String> ended = endOverlap(id);
      long endedAt = System.nanoTime();
      assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
      assertThat(json(ended).get("integration_id").asText()).isEqualTo(id);
      assertThat(json(ended).get("previous_api_key_expires_at").isNull()).isTrue();

      assertRefused(create(server, oldKey, id), 401, "api_key_invalid");
      assertThat(untilRefused(endedAt, () -> create(other, oldKey, id)))
          .isLessThan(WITHIN_THE_BOUND);
      assertCreated(create(server, newKey, id));
      assertCreated(create(other, newKey, id));
      assertRefused(endOverlap(id), 409, "no_key_overlap");
    }
  }

  @Test
  void rotatingAgainDuringAnOverlapStopsTheFirstKeyKeepingTwoAtMost() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String first = d.productionKey();
    try (RunningServer other = server.secondNode()) {
      String second = rotate(id, "{\"overlap_hours\": 24}").get("api_key").asText();
      pause(KeyCache.BOUND); // the other node has let its entries go: cache the first key again
      awaitCached(server, first, id);
      awaitCached(other, first, id);

      String third = rotate(id, "{\"overlap_hours\": 168}").get("api_key").asText();
      long rotatedAt = System.nanoTime();
      assertRefused(create(server, first, id), 401, "api_key_invalid");
      assertThat(untilRefused(rotatedAt, () -> create(other, first, id)))
          .isLessThan(WITHIN_THE_BOUND);
      for (ServerHttp node : List.of(server, other)) {
        assertCreated(create(node, second, id));
        assertCreated(create(node, third, id));
      }
      // Until the new overlap's end, not the first one's.
      server.clock().advance(Duration.ofHours(25));
      assertCreated(create(other, second, id));

      // A rotation without an overlap stops both keys there were.
      String fourth = rotate(id, "{\"overlap_hours\": 0}").get("api_key").asText();
      rotatedAt = System.nanoTime();
      for (String gone : List.of(second, third)) {
        assertRefused(create(server, gone, id), 401, "api_key_invalid");
      }
      assertThat(untilRefused(rotatedAt, () -> create(other, third, id)))
          .isLessThan(WITHIN_THE_BOUND);
      assertRefused(create(other, second, id), 401, "api_key_invalid");
      assertCreated(create(other, fourth, id));
    }
  }

  @Test
  void aWebhookDuringTheOverlapCarriesAV1SignatureByEachKeyNewFirst() {
    Deployment d = server.newDeployment();
    String id = d.productionIntegrationId();
    String oldKey = d.productionKey();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(id, Applicant.SMALL_ASSESSMENT);
      server.patchIntegration(id, "{\"webhook_url\": \"" + receiver.url() + "\"}");
      String newKey = rotate(id, "{\"overlap_hours\": 24}").get("api_key").asText();

      HttpResponse<String> created = create(server, oldKey, id);
      assertCreated(created);
      new Applicant(server, json(created).get("access_token").asText()).finish();
      assertThat(server.webhookTestCall(oldKey).statusCode()).isEqualTo(200);
      List<Received> during = receiver.await(3, WAIT);
      assertThat(during)
          .extracting(r -> AuditPage.json(r.text()).at("/event/type").asText())
          .containsExactlyInAnyOrder(
              "application.complete", "psychometric_score.complete", "webhook.test");
      for (Received r : during) {
        assertThat(r.header("X-Signature")).isEqualTo(Signatures.sign(newKey, r.body()));
        long at = Long.parseLong(r.header("X-Credence-Timestamp"));
        assertThat(r.header("X-Credence-Signature"))
            .isEqualTo(
                "v1="
                    + Signatures.signTimestamped(newKey, at, r.body())
                    + ",v1="
                    + Signatures.signTimestamped(oldKey, at, r.body()));
        for (String key : List.of(oldKey, newKey)) {
          assertThat(verifies(key, r)).as("verified with %s", key).isTrue();
        }
        assertThat(verifies(ApiKeys.generate(EnvironmentKind.PRODUCTION), r)).isFalse();
      }

      // Once the overlap is over: one entry, by the new key.
      server.clock().advance(Duration.ofHours(24));
      assertThat(server.webhookTestCall(newKey).statusCode()).isEqualTo(200);
      Received after = receiver.await(4, WAIT).get(3);
      assertThat(after.header("X-Credence-Signature"))
          .matches("v1=[0-9a-f]{128}")
          .isEqualTo(
              Signatures.timestampedHeader(
                  List.of(newKey),
                  Long.parseLong(after.header("X-Credence-Timestamp")),
                  after.body()));
      assertThat(verifies(oldKey, after)).isFalse();
      assertThat(verifies(newKey, after)).isTrue();
    }
  }

  @Test
  void aBadOverlapIsRefusedWith422AndChangesNothing() {
    Deployment d = server.newDeployment();
    String id = d.testIntegrationId();
    JsonNode before = integration(id);
    for (String[] bad :
        List.of(
            new String[] {"{\"overlap_hours\": -1}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hours\": 169}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hours\": 1.5}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hours\": \"24\"}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hours\": true}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hours\": 99999999999}", "invalid_overlap_hours"},
            new String[] {"{\"overlap_hour\": 24}", "invalid_request"},
            new String[] {"{\"overlap_hours\": 24, \"why\": \"leak\"}", "invalid_request"},
            new String[] {"[24]", "invalid_json"},
            new String[] {"overlap_hours=24", "invalid_json"})) {
      HttpResponse<String> refused =
          server.operator("POST", "/v1/admin/integrations/" + id + "/rotate-key", bad[0]);
      assertRefused(refused, 422, bad[1]);
      assertThat(refused.body()).doesNotContain("crd_test_");
    }
    assertThat(integration(id)).isEqualTo(before);
    assertCreated(create(server, d.testKey(), id));
  }

  @Test
  void noBodyAnEmptyObjectOrZeroEndTheOldKeyAtOnce() {
    Deployment d = server.newDeployment();
    String id = d.testIntegrationId();
    String key = d.testKey();
    for (String body :
        new String[] {null, "{}", "{\"overlap_hours\": null}", "{\"overlap_hours\": 0}"}) {
      HttpResponse<String> rotated =
          server.operator("POST", "/v1/admin/integrations/" + id + "/rotate-key", body);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      assertThat(json(rotated).get("previous_api_key_expires_at").isNull()).as(body).isTrue();
      assertRefused(create(server, key, id), 401, "api_key_invalid");
      key = json(rotated).get("api_key").asText();
      assertCreated(create(server, key, id));
      assertThat(integration(id).get("previous_api_key_hint").isNull()).isTrue();
    }
  }

  @Test
  void endingAnOverlapNeedsTheOperatorTokenAndAKnownIntegration() {
    Deployment d = server.newDeployment();
    String path = "/v1/admin/integrations/" + d.testIntegrationId() + "/end-key-overlap";
    rotate(d.testIntegrationId(), "{\"overlap_hours\": 24}");

    assertRefused(server.send("POST", path, null), 401, "operator_token_missing");
    assertCreated(create(server, d.testKey(), d.testIntegrationId()));
    assertRefused(endOverlap("0123456789abcdef01234567"), 404, "integration_not_found");
  }

  @Test
  void aRotationWithAnOverlapAndItsEarlyEndAreInTheAuditLogWithoutAnyKey() {
    Deployment d = server.newDeployment();
    String id = d.testIntegrationId();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    JsonNode rotated = rotate(id, "{\"overlap_hours\": 24}");
    String second = rotated.get("api_key").asText();
    long secondEnd = rotated.get("previous_api_key_expires_at").asLong();
    server.clock().advance(Duration.ofSeconds(1)); // so that the entries' order is certain
    String third = rotate(id, "{\"overlap_hours\": 1}").get("api_key").asText();
    assertThat(
            server
                .operator("POST", "/v1/admin/integrations/" + id + "/end-key-overlap", null)
                .statusCode())
        .isEqualTo(200);

    AuditPage audit = AuditPage.read(admin);
    List<AuditPage.Row> rotations = audit.of("environment.key_rotated");
    assertThat(rotations).hasSize(2);
    AuditPage.Row again = rotations.get(0); // newest first
    AuditPage.Row withOverlap = rotations.get(1);
    assertThat(withOverlap.before().fieldNames()).toIterable().containsExactly("api_key_issued_at");
    assertThat(endOf(withOverlap.after())).isEqualTo(secondEnd);
    // The second rotation cut the first overlap short: its end is in "before".
    assertThat(endOf(again.before())).isEqualTo(secondEnd);
    AuditPage.Row ended = audit.only("environment.key_overlap_ended");
    assertThat(ended.who()).isEqualTo("operator");
    assertThat(ended.target()).isEqualTo("Loans · Test");
    assertThat(ended.before().fieldNames())
        .toIterable()
        .containsExactly("previous_api_key_expires_at");
    assertThat(ended.after().get("integration_id").asText()).isEqualTo(id);
    for (String key : List.of(d.testKey(), second, third)) {
      assertThat(audit.text()).doesNotContain(key).doesNotContain(key.substring(0, 13));
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** The epoch second of an audit entry's {@code previous_api_key_expires_at}. */
  private static long endOf(JsonNode values) {
    return Instant.parse(values.get("previous_api_key_expires_at").asText()).getEpochSecond();
  }

  private JsonNode rotate(String integrationId, String body) {
    HttpResponse<String> rotated =
        server.operator("POST", "/v1/admin/integrations/" + integrationId + "/rotate-key", body);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    return json(rotated);
  }

  private HttpResponse<String> endOverlap(String integrationId) {
    return server.operator(
        "POST", "/v1/admin/integrations/" + integrationId + "/end-key-overlap", null);
  }

  private JsonNode integration(String integrationId) {
    HttpResponse<String> response =
        server.operator("GET", "/v1/admin/integrations/" + integrationId, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private HttpResponse<String> create(ServerHttp node, String key, String integrationId) {
    return node.createSession(key, sessionBody(uid(), integrationId));
  }

  /** With {@code apiKey} and an {@code X-Signature} made with {@code signingKey}. */
  private HttpResponse<String> signed(
      ServerHttp node, String apiKey, String signingKey, String integrationId) {
    String body = sessionBody(uid(), integrationId);
    return node.createSession(
        apiKey,
        body,
        Signatures.HEADER,
        Signatures.sign(signingKey, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Without {@code api-key}: the vendor's sample client, signing with {@code key}. */
  private HttpResponse<String> signedOnly(ServerHttp node, String key, String integrationId) {
    String body = sessionBody(uid(), integrationId);
    return node.createSession(
        null, body, Signatures.HEADER, Signatures.sign(key, body.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean verifies(String key, Received r) {
    return Signatures.verifyTimestamped(
        key,
        r.header("X-Credence-Timestamp"),
        r.body(),
        r.header("X-Credence-Signature"),
        server.clock().instant().getEpochSecond(),
        300);
  }

  private String uid() {
    return String.format("KEY-OVERLAP-%05d", uids.incrementAndGet());
  }

  private void awaitCached(ServerHttp node, String key, String integrationId) {
    CachedKeys.awaitCached(node, () -> create(node, key, integrationId));
  }

  private static Duration untilRefused(long since, Supplier<HttpResponse<String>> call) {
    return CachedKeys.untilRefused(since, call, 401);
  }
}
