package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link CredenceClient#createSession} against the real server, over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateSessionTest {
  private static final AtomicInteger UIDS = new AtomicInteger();

  private RunningServer server;
  private Deployment deployment;

  @BeforeAll
  void start() {
    server = RunningServer.start(TestDatabase.H2);
    deployment = server.newDeployment();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private CredenceClient client(String key) {
    return CredenceClient.builder(server.baseUrl(), key).build();
  }

  private static String newUid() {
    return "CUST-" + (100000 + UIDS.incrementAndGet());
  }

  @Test
  void createsASessionWithItsTokenUrlRedirectAndTimeLimit() {
    Session session =
        client(deployment.testKey()).createSession(newUid(), deployment.testIntegrationId());

    assertThat(session.accessToken()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(session.url()).isEqualTo(server.config().publicUrl());
    assertThat(session.redirectUrl()).isEqualTo(session.url() + "/" + session.accessToken());
    Instant in24Hours = server.clock().instant().plus(Duration.ofHours(24));
    assertThat(session.expiresAt()).isBetween(in24Hours.minusSeconds(5), in24Hours);
    // The redirect URL is the applicant's link: it opens the consent page.
    assertThat(server.get("/" + session.accessToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void aRetryForAnOpenUidGivesTheSameSession() {
    CredenceClient client = client(deployment.testKey());
    String uid = newUid();
    Session first = client.createSession(uid, deployment.testIntegrationId());
    Session again = client.createSession(uid, deployment.testIntegrationId());

    assertThat(again).isEqualTo(first);
  }

  @Test
  void aSignedClientPassesHmacAndAnUnsignedOneIsRefused() {
    Deployment signed = server.newDeployment();
    server.patchIntegration(signed.testIntegrationId(), "{\"hmac_required\": true}");

    Session session = client(signed.testKey()).createSession(newUid(), signed.testIntegrationId());
    assertThat(session.accessToken()).isNotBlank();

    CredenceClient unsigned =
        CredenceClient.builder(server.baseUrl(), signed.testKey()).signRequests(false).build();
    UnauthorizedException refused =
        catchThrowableOfType(
            UnauthorizedException.class,
            () -> unsigned.createSession(newUid(), signed.testIntegrationId()));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("signature_missing");
    assertThat(refused.detail()).contains("HMAC");
  }

  @Test
  void aWrongKeyIs401WithCodeDetailAndRequestId() {
    UnauthorizedException refused =
        catchThrowableOfType(
            UnauthorizedException.class,
            () ->
                client("crd_test_not-a-key-at-all")
                    .createSession(newUid(), deployment.testIntegrationId()));

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.code()).isEqualTo("api_key_invalid");
    assertThat(refused.detail()).isEqualTo("Invalid api-key");
    assertThat(refused.requestId()).isNotBlank();
    assertThat(refused.getMessage()).doesNotContain("crd_test_not-a-key-at-all");
  }

  @Test
  void theKeyOfTheOtherEnvironmentIs403() {
    ForbiddenException refused =
        catchThrowableOfType(
            ForbiddenException.class,
            () ->
                client(deployment.productionKey())
                    .createSession(newUid(), deployment.testIntegrationId()));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("integration_forbidden");
  }

  @Test
  void aUidWhoseAssessmentEndedIs409() {
    CredenceClient client = client(deployment.testKey());
    String uid = newUid();
    Session session = client.createSession(uid, deployment.testIntegrationId());
    new Applicant(server, session.accessToken()).decline();

    UidAlreadyUsedException refused =
        catchThrowableOfType(
            UidAlreadyUsedException.class,
            () -> client.createSession(uid, deployment.testIntegrationId()));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("uid_already_used");
    assertThat(refused.detail()).contains(uid + "-2");
    // Re-scoring: a new uid with a suffix is a new session.
    assertThat(client.createSession(uid + "-2", deployment.testIntegrationId()).accessToken())
        .isNotEqualTo(session.accessToken());
  }

  @Test
  void theAsyncCallGivesTheSameSessionAndFailsWithTheSameExceptions() {
    CredenceClient client = client(deployment.testKey());
    String uid = newUid();
    Session session = client.createSessionAsync(uid, deployment.testIntegrationId()).join();
    assertThat(client.createSession(uid, deployment.testIntegrationId())).isEqualTo(session);
    new Applicant(server, session.accessToken()).decline();

    CompletionException used =
        catchThrowableOfType(
            CompletionException.class,
            () -> client.createSessionAsync(uid, deployment.testIntegrationId()).join());
    assertThat(used.getCause())
        .isInstanceOfSatisfying(
            UidAlreadyUsedException.class, e -> assertThat(e.code()).isEqualTo("uid_already_used"));
    CompletionException wrongKey =
        catchThrowableOfType(
            CompletionException.class,
            () ->
                client("crd_test_not-a-key-at-all")
                    .createSessionAsync(newUid(), deployment.testIntegrationId())
                    .join());
    assertThat(wrongKey.getCause())
        .isInstanceOfSatisfying(
            UnauthorizedException.class, e -> assertThat(e.code()).isEqualTo("api_key_invalid"));
  }

  @Test
  void theLocalRulesAreTheServersRules() {
    CredenceClient client = client(deployment.testKey());
    // The server's own 422 for a phone number, compared with the client's check of the same uid.
    var server422 =
        server.createSession(
            deployment.testKey(),
            RunningServer.sessionBody("+1 (555) 123-4567", deployment.testIntegrationId()));
    InvalidUidException local =
        catchThrowableOfType(
            InvalidUidException.class,
            () -> client.createSession("+1 (555) 123-4567", deployment.testIntegrationId()));

    assertThat(server422.statusCode()).isEqualTo(422);
    assertThat(RunningServer.json(server422).get("code").asText()).isEqualTo(local.code());
    assertThat(RunningServer.json(server422).get("detail").asText()).isEqualTo(local.detail());
  }

  @Test
  void theAllowanceOfNewSessionsAMinuteIs429WithItsRetryDelay() {
    RateLimitedException refused = secondSessionRefused("{\"rate_limit_per_minute\": 1}");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.code()).isEqualTo("rate_limited");
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
    assertThat(refused.detail()).contains("retry after " + refused.retryAfter().toSeconds() + " s");
  }

  @Test
  void theCapOfOpenSessionsIs429WithASixtySecondDelay() {
    RateLimitedException refused = secondSessionRefused("{\"max_open_sessions\": 1}");

    assertThat(refused.code()).isEqualTo("open_sessions_limit");
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  /** On a new integration limited to one session by {@code limit}, the second create call. */
  private RateLimitedException secondSessionRefused(String limit) {
    Deployment limited = server.newDeployment();
    server.patchIntegration(limited.testIntegrationId(), limit);
    CredenceClient client = client(limited.testKey());
    client.createSession(newUid(), limited.testIntegrationId());
    return catchThrowableOfType(
        RateLimitedException.class,
        () -> client.createSession(newUid(), limited.testIntegrationId()));
  }
}
