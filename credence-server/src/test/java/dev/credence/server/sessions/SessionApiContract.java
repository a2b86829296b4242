package dev.credence.server.sessions;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credence.server.metrics.PrometheusText;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/sessions-management/tokens} over real HTTP: every status code of
 * docs/integration-guide.md ("Errors"), in the order it gives, on each database.
 */
abstract class SessionApiContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();

  private Deployment deployment;

  /** A fresh deployment per test, so limits and settings never leak between tests. */
  @BeforeEach
  void newDeployment() {
    deployment = server.newDeployment();
  }

  private static String uid() {
    return "CUST-" + String.format("%08d", UIDS.incrementAndGet());
  }

  private HttpResponse<String> createProduction(String uid) {
    return server.createSession(
        deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  // --- 200 and the token ----------------------------------------------------------------------

  @Test
  void createsASessionWithASignedTokenPerSection3() throws Exception {
    String uid = uid();
    HttpResponse<String> response = createProduction(uid);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response);
    String token = body.get("access_token").asText();
    assertThat(body.get("url").asText()).isEqualTo(server.config().publicUrl());
    assertThat(body.get("redirect_url").asText())
        .isEqualTo(server.config().publicUrl() + "/" + token);

    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(token)
        .startsWith("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIs"); // {"typ":"JWT","alg":"HS256",
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    assertThat(
            jwt.verify(
                new MACVerifier(
                    server.config().tokenSecret().value().getBytes(StandardCharsets.UTF_8))))
        .isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getStringClaim("uid")).isEqualTo(uid);
    assertThat(claims.getStringClaim("integration_id"))
        .isEqualTo(deployment.productionIntegrationId());
    assertThat(claims.getStringClaim("company_id")).isEqualTo(deployment.companyId());
    assertThat(claims.getStringClaim("url")).isEqualTo(server.config().publicUrl());
    assertThat(claims.getJWTID()).matches("[0-9a-f]{24}");
    long iat = claims.getIssueTime().toInstant().getEpochSecond();
    long exp = claims.getExpirationTime().toInstant().getEpochSecond();
    assertThat(exp - iat).isEqualTo(Duration.ofHours(24).toSeconds());
    assertThat(body.get("expires_at").asLong()).isEqualTo(exp);
    assertThat(iat)
        .isCloseTo(
            server.clock().instant().getEpochSecond(), org.assertj.core.data.Offset.offset(2L));
  }

  @Test
  void tokenNotSignedWithTheLendersKey() throws Exception {
    String token = json(createProduction(uid())).get("access_token").asText();
    SignedJWT jwt = SignedJWT.parse(token);
    byte[] lenderKey = deployment.productionKey().getBytes(StandardCharsets.UTF_8);
    assertThat(jwt.verify(new MACVerifier(lenderKey))).isFalse();
  }

  @Test
  void expiryFollowsTheEnvironmentsTimeLimit() throws Exception {
    server.patchIntegration(deployment.productionIntegrationId(), "{\"session_expiry_hours\": 48}");
    JWTClaimsSet claims =
        SignedJWT.parse(json(createProduction(uid())).get("access_token").asText())
            .getJWTClaimsSet();
    long seconds =
        claims.getExpirationTime().toInstant().getEpochSecond()
            - claims.getIssueTime().toInstant().getEpochSecond();
    assertThat(seconds).isEqualTo(Duration.ofHours(48).toSeconds());
  }

  @Test
  void unknownExtraFieldsAreIgnored() {
    String body =
        "{\"uid\":\""
            + uid()
            + "\",\"integration_id\":\""
            + deployment.productionIntegrationId()
            + "\",\"channel\":\"web\",\"meta\":{\"a\":[1,2]}}";
    assertThat(server.createSession(deployment.productionKey(), body).statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongMethodIs405AndAnOversizedBodyIs413() {
    assertError(
        server.send(
            "PUT", "/v1/sessions-management/tokens", "{}", "api-key", deployment.productionKey()),
        405,
        "method_not_allowed");
    String huge = sessionBody("X".repeat(70_000), deployment.productionIntegrationId());
    assertError(server.createSession(deployment.productionKey(), huge), 413, "body_too_large");
    // A body the server will not read is still answered, every time, not reset: it reads and
    // drops up to 1 MB of it so that the sender, still sending, gets to read the 413.
    String large = sessionBody("X".repeat(900_000), deployment.productionIntegrationId());
    for (int i = 0; i < 30; i++) {
      assertError(server.createSession(deployment.productionKey(), large), 413, "body_too_large");
    }
  }

  // --- 401 ------------------------------------------------------------------------------------

  @Test
  void missingApiKeyIs401() {
    assertError(
        server.createSession(null, sessionBody(uid(), deployment.productionIntegrationId())),
        401,
        "api_key_missing");
  }

  @Test
  void unknownApiKeyIs401() {
    assertError(
        server.createSession(
            "crd_live_" + "x".repeat(40), sessionBody(uid(), deployment.productionIntegrationId())),
        401,
        "api_key_invalid");
  }

  @Test
  void anInvalidKeyLearnsNothingAboutTheBodyOrTheIntegration() {
    String badKey = "crd_live_nope";
    assertError(server.createSession(badKey, "not json"), 401, "api_key_invalid");
    assertError(
        server.createSession(badKey, sessionBody("x", "no-such-integration")),
        401,
        "api_key_invalid");
    assertError(
        server.createSession(badKey, sessionBody(uid(), deployment.productionIntegrationId())),
        401,
        "api_key_invalid");
  }

  // --- 403 ------------------------------------------------------------------------------------

  @Test
  void aKeyOfTheOtherEnvironmentIs403BothWays() {
    assertError(
        server.createSession(
            deployment.testKey(), sessionBody(uid(), deployment.productionIntegrationId())),
        403,
        "integration_forbidden");
    assertError(
        server.createSession(
            deployment.productionKey(), sessionBody(uid(), deployment.testIntegrationId())),
        403,
        "integration_forbidden");
  }

  @Test
  void aKeyOfAnotherDeploymentIs403EvenWithABadUid() {
    Deployment other = server.newDeployment();
    assertError(
        server.createSession(
            other.productionKey(), sessionBody(uid(), deployment.productionIntegrationId())),
        403,
        "integration_forbidden");
    assertError(
        server.createSession(
            other.productionKey(), sessionBody("a@b", deployment.productionIntegrationId())),
        403,
        "integration_forbidden");
  }

  // --- 422 ------------------------------------------------------------------------------------

  @Test
  void malformedBodiesAre422() {
    String key = deployment.productionKey();
    String integration = deployment.productionIntegrationId();
    assertError(server.createSession(key, "{\"uid\": "), 422, "invalid_json");
    assertError(server.createSession(key, ""), 422, "invalid_json");
    assertError(server.createSession(key, "[1,2]"), 422, "invalid_json");
    assertError(server.createSession(key, "\"uid\""), 422, "invalid_json");
    assertError(
        server.createSession(key, "{\"uid\":\"" + uid() + "\"}"), 422, "integration_id_missing");
    assertError(
        server.createSession(key, "{\"uid\":\"" + uid() + "\",\"integration_id\":7}"),
        422,
        "integration_id_type");
    assertError(
        server.createSession(key, "{\"integration_id\":\"" + integration + "\"}"),
        422,
        "uid_missing");
    assertError(
        server.createSession(key, "{\"uid\":null,\"integration_id\":\"" + integration + "\"}"),
        422,
        "uid_missing");
    assertError(
        server.createSession(key, "{\"uid\":1234567,\"integration_id\":\"" + integration + "\"}"),
        422,
        "uid_type");
  }

  @Test
  void everyUidRuleIsAppliedWithItsOwnCode() {
    String[][] refused = {
      {"abc", "uid_length"},
      {"A".repeat(61), "uid_length"},
      {"john.doe@example.com", "uid_email"},
      {"+2348012345678", "uid_phone"},
      {"123-456-7890", "uid_phone"},
      {"1985-04-12", "uid_date"},
      {"12/04/1985", "uid_date"},
      {"123-45-6789", "uid_national_id"},
      {"GOMC850412HDFRRL09", "uid_national_id"},
      {"CUST 0001", "uid_characters"},
      {"CUST\\u00c90001", "uid_characters"},
    };
    for (String[] case_ : refused) {
      HttpResponse<String> response =
          server.createSession(
              deployment.productionKey(),
              sessionBody(case_[0], deployment.productionIntegrationId()));
      assertError(response, 422, case_[1]);
    }
  }

  @Test
  void realCustomerIdsPass() {
    List<String> valid =
        List.of(
            "CUST-00123456",
            "APP-2024-987654",
            "ABCDE-12345-CD-01",
            "QWERT-YUIOP-ASDFGH",
            "uid_123456",
            "5a601a98-31f8-4f1d-a1db-a1f09147479e",
            "12345678901234567890",
            "0801234567",
            "A".repeat(60));
    for (String uid : valid) {
      HttpResponse<String> response = createProduction(uid);
      assertThat(response.statusCode()).as(uid + ": " + response.body()).isEqualTo(200);
    }
  }

  // --- idempotency and 409 --------------------------------------------------------------------

  @Test
  void aRetryOfAnOpenSessionReturnsTheSameSession() {
    String uid = uid();
    JsonNode first = json(createProduction(uid));
    server.clock().advance(Duration.ofMinutes(30));
    JsonNode second = json(createProduction(uid));
    assertThat(second.get("access_token").asText()).isEqualTo(first.get("access_token").asText());
    assertThat(second.get("expires_at").asLong()).isEqualTo(first.get("expires_at").asLong());
  }

  @Test
  void concurrentCreatesOfOneUidAllGetTheSameSession() throws Exception {
    String uid = uid();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      Callable<HttpResponse<String>> call = () -> createProduction(uid);
      for (int i = 0; i < 24; i++) {
        calls.add(pool.submit(call));
      }
      Set<String> tokens = new java.util.HashSet<>();
      for (Future<HttpResponse<String>> future : calls) {
        HttpResponse<String> response = future.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        tokens.add(json(response).get("access_token").asText());
      }
      assertThat(tokens).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCreatesAreCommittedTogetherAndEveryOneIsStored() throws Exception {
    int threads = 64;
    int each = 20;
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < threads * each; i++) {
      uids.add(uid());
    }
    PrometheusText before = metrics();
    List<HttpResponse<String>> answers = allAtOnce(uids, threads);
    PrometheusText after = metrics();

    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    assertThat(answers.stream().map(a -> json(a).get("access_token").asText()).distinct())
        .hasSize(uids.size());
    List<String> stored =
        server.database(
            h ->
                h.createQuery("SELECT uid FROM sessions WHERE integration_id = ?")
                    .bind(0, deployment.productionIntegrationId())
                    .mapTo(String.class)
                    .list());
    assertThat(stored).containsExactlyInAnyOrderElementsOf(uids);
    assertThat(increase(before, after, "credence_session_creations_total", "kind", "production"))
        .isEqualTo(uids.size());
    double sessions = increase(before, after, "credence_session_batch_size_sum");
    double commits = increase(before, after, "credence_session_batch_size_count");
    assertThat(sessions).as("sessions committed").isEqualTo(uids.size());
    assertThat(commits).as("commits for %s sessions", sessions).isLessThan(sessions);
  }

  @Test
  void aUsedUidAmongConcurrentCreatesGetsTodaysAnswerAndTheOthersTheirSessions() throws Exception {
    String expired = uid();
    assertThat(createProduction(expired).statusCode()).isEqualTo(200);
    server.clock().advance(Duration.ofHours(25));
    String open = uid();
    String openToken = json(createProduction(open)).get("access_token").asText();
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < 56; i++) {
      uids.add(i % 8 == 0 ? expired : i % 8 == 1 ? open : uid());
    }

    List<HttpResponse<String>> answers = allAtOnce(uids, uids.size());

    for (int i = 0; i < uids.size(); i++) {
      HttpResponse<String> answer = answers.get(i);
      if (uids.get(i).equals(expired)) {
        assertError(answer, 409, "uid_already_used");
        assertThat(json(answer).get("detail").asText()).contains(expired + "-2");
      } else if (uids.get(i).equals(open)) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).get("access_token").asText()).isEqualTo(openToken);
      } else {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).get("access_token").asText()).isNotEqualTo(openToken);
      }
    }
    int stored =
        server.database(
            h ->
                h.createQuery("SELECT COUNT(*) FROM sessions WHERE integration_id = ?")
                    .bind(0, deployment.productionIntegrationId())
                    .mapTo(Integer.class)
                    .one());
    assertThat(stored).as("one session a uid").isEqualTo(uids.stream().distinct().count());
  }

  /** Creates a Production session of each uid, all at once from {@code threads} threads. */
  private List<HttpResponse<String>> allAtOnce(List<String> uids, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (String uid : uids) {
        calls.add(
            pool.submit(
                () -> {
                  go.await();
                  return createProduction(uid);
                }));
      }
      go.countDown();
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> call : calls) {
        answers.add(call.get(120, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private PrometheusText metrics() {
    HttpResponse<String> scrape = server.get("/metrics");
    assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
    return PrometheusText.parse(scrape.body());
  }

  private static double increase(
      PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  @Test
  void aUidOfAnExpiredAssessmentIs409AndASuffixedUidWorks() {
    String uid = uid();
    assertThat(createProduction(uid).statusCode()).isEqualTo(200);
    server.clock().advance(Duration.ofHours(25));

    HttpResponse<String> reused = createProduction(uid);
    assertError(reused, 409, "uid_already_used");
    assertThat(json(reused).get("detail").asText()).contains(uid + "-2");
    assertThat(createProduction(uid + "-2").statusCode()).isEqualTo(200);
  }

  @Test
  void oneUidMayBeUsedOnEachIntegration() {
    String uid = uid();
    assertThat(createProduction(uid).statusCode()).isEqualTo(200);
    HttpResponse<String> onTest =
        server.createSession(
            deployment.testKey(), sessionBody(uid, deployment.testIntegrationId()));
    assertThat(onTest.statusCode()).isEqualTo(200);
  }

  // --- 429 ------------------------------------------------------------------------------------

  @Test
  void theRateLimitAnswers429WithRetryAfter() {
    server.patchIntegration(deployment.productionIntegrationId(), "{\"rate_limit_per_minute\": 3}");
    for (int i = 0; i < 3; i++) {
      assertThat(createProduction(uid()).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> limited = createProduction(uid());
    assertError(limited, 429, "rate_limited");
    assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 60);

    Deployment other = server.newDeployment();
    HttpResponse<String> unaffected =
        server.createSession(
            other.productionKey(), sessionBody(uid(), other.productionIntegrationId()));
    assertThat(unaffected.statusCode()).isEqualTo(200);
  }

  @Test
  void testHasLowerLimitsThanProduction() {
    int created = 0;
    HttpResponse<String> response;
    long started = System.nanoTime();
    do {
      response =
          server.createSession(
              deployment.testKey(), sessionBody(uid(), deployment.testIntegrationId()));
      if (response.statusCode() == 200) {
        created++;
      }
    } while (response.statusCode() == 200 && created < 1000);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertError(response, 429, "rate_limited");
    // 60 at once, then one more for each second the loop took (the bucket refills at 1/s).
    assertThat(created).isBetween(60, 60 + (int) seconds);
    for (int i = 0; i < 100; i++) {
      assertThat(createProduction(uid()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theOpenSessionCapAnswers429AndFreesUpOnExpiry() {
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"max_open_sessions\": 2, \"session_expiry_hours\": 1}");
    String first = uid();
    assertThat(createProduction(first).statusCode()).isEqualTo(200);
    assertThat(createProduction(uid()).statusCode()).isEqualTo(200);

    HttpResponse<String> capped = createProduction(uid());
    assertError(capped, 429, "open_sessions_limit");
    assertThat(capped.headers().firstValue("Retry-After")).isPresent();
    assertThat(createProduction(first).statusCode())
        .as("a retry is not a new session")
        .isEqualTo(200);

    server.clock().advance(Duration.ofHours(2));
    assertThat(createProduction(uid()).statusCode()).isEqualTo(200);
  }

  // --- HMAC -----------------------------------------------------------------------------------

  private void requireHmac() {
    server.patchIntegration(deployment.productionIntegrationId(), "{\"hmac_required\": true}");
  }

  /** HMAC-SHA512 computed here independently of the server's code. */
  private static String hmac(String key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
    return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void withHmacOnASignatureIsRequired() throws Exception {
    requireHmac();
    String body = sessionBody(uid(), deployment.productionIntegrationId());
    assertError(server.createSession(deployment.productionKey(), body), 401, "signature_missing");
    assertError(
        server.createSession(
            deployment.productionKey(), body, "X-Signature", hmac("wrong-key", body)),
        401,
        "signature_invalid");
    HttpResponse<String> signed =
        server.createSession(
            deployment.productionKey(),
            body,
            "X-Signature",
            hmac(deployment.productionKey(), body));
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
  }

  @Test
  void aBodySentWithSpacesButSignedCompactlyIsAccepted() throws Exception {
    requireHmac();
    String uid = uid();
    String integration = deployment.productionIntegrationId();
    // What Python's requests.post(json=payload) sends, and what the vendor's sample signs.
    String sent = "{\"uid\": \"" + uid + "\", \"integration_id\": \"" + integration + "\"}";
    String compact = "{\"uid\":\"" + uid + "\",\"integration_id\":\"" + integration + "\"}";
    HttpResponse<String> response =
        server.createSession(
            deployment.productionKey(),
            sent,
            "X-Signature",
            hmac(deployment.productionKey(), compact));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    String tampered = sent.replace(uid, uid + "9");
    assertError(
        server.createSession(
            deployment.productionKey(),
            tampered,
            "X-Signature",
            hmac(deployment.productionKey(), compact)),
        401,
        "signature_invalid");
  }

  @Test
  void nonAsciiIsSignedWithPythonsEscapes() throws Exception {
    requireHmac();
    String uid = uid();
    String integration = deployment.productionIntegrationId();
    String sent =
        "{\"uid\": \""
            + uid
            + "\", \"integration_id\": \""
            + integration
            + "\", \"branch\": \"Bogotá\"}";
    String compact =
        "{\"uid\":\""
            + uid
            + "\",\"integration_id\":\""
            + integration
            + "\",\"branch\":\"Bogot\\u00e1\"}";
    HttpResponse<String> response =
        server.createSession(
            deployment.productionKey(),
            sent,
            "X-Signature",
            hmac(deployment.productionKey(), compact));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void theSignatureOnlyFormFindsTheKeyFromTheIntegration() throws Exception {
    requireHmac();
    String uid = uid();
    String body = sessionBody(uid, deployment.productionIntegrationId());
    HttpResponse<String> signed =
        server.createSession(null, body, "X-Signature", hmac(deployment.productionKey(), body));
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    assertThat(json(signed).get("access_token").asText())
        .isEqualTo(json(createProductionSigned(uid)).get("access_token").asText());

    assertError(
        server.createSession(null, body, "X-Signature", hmac("not-the-key", body)),
        401,
        "signature_invalid");
    String unknown = sessionBody(uid(), "000000000000000000000000");
    HttpResponse<String> unknownIntegration =
        server.createSession(
            null, unknown, "X-Signature", hmac(deployment.productionKey(), unknown));
    assertError(unknownIntegration, 401, "signature_invalid");
    assertError(
        server.createSession(null, "garbage", "X-Signature", "abcd"), 401, "signature_invalid");
  }

  private HttpResponse<String> createProductionSigned(String uid) throws Exception {
    String body = sessionBody(uid, deployment.productionIntegrationId());
    return server.createSession(
        deployment.productionKey(), body, "X-Signature", hmac(deployment.productionKey(), body));
  }

  @Test
  void withHmacOffASignatureIsNotRequiredAndNotChecked() {
    HttpResponse<String> response =
        server.createSession(
            deployment.productionKey(),
            sessionBody(uid(), deployment.productionIntegrationId()),
            "X-Signature",
            "0badc0de");
    assertThat(response.statusCode()).isEqualTo(200);
  }

  // --- keys -----------------------------------------------------------------------------------

  @Test
  void rotationEndsTheOldKeyAtOnce() {
    assertThat(createProduction(uid()).statusCode()).isEqualTo(200);
    String newKey =
        json(server.operator(
                "POST",
                "/v1/admin/integrations/" + deployment.productionIntegrationId() + "/rotate-key",
                null))
            .get("api_key")
            .asText();
    assertThat(newKey).startsWith("crd_live_").isNotEqualTo(deployment.productionKey());
    assertError(createProduction(uid()), 401, "api_key_invalid");
    HttpResponse<String> withNewKey =
        server.createSession(newKey, sessionBody(uid(), deployment.productionIntegrationId()));
    assertThat(withNewKey.statusCode()).isEqualTo(200);
    HttpResponse<String> testStillWorks =
        server.createSession(
            deployment.testKey(), sessionBody(uid(), deployment.testIntegrationId()));
    assertThat(testStillWorks.statusCode()).isEqualTo(200);
  }
}
