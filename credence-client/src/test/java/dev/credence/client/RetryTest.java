package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.api.Signatures;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Retries, time-outs and answers the real server gives only in an outage: against {@link Stub}, a
 * local HTTP server with scripted answers, and against a port where nothing listens.
 */
class RetryTest {
  private static final String KEY = "crd_test_retry-test-key";
  private static final String SESSION =
      "{\"access_token\":\"a.b.c\",\"url\":\"https://assess.example.com\"}";
  private static final String UNAVAILABLE =
      "{\"detail\":\"The service's database is unavailable; retry shortly\","
          + "\"code\":\"store_unavailable\"}";
  private static final RetryPolicy QUICK =
      new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100));

  private static CredenceClient client(String url, RetryPolicy retry) {
    return CredenceClient.builder(url, KEY).retryPolicy(retry).build();
  }

  @Test
  void a503IsRetriedUntilTheServerAnswers() {
    try (Stub stub = Stub.start()) {
      stub.then(503, UNAVAILABLE, "5", Duration.ZERO).then(503, UNAVAILABLE).then(200, SESSION);

      long start = System.nanoTime();
      Session session = client(stub.url(), QUICK).createSession("CUST-1001", "integration-1");

      assertThat(session.accessToken()).isEqualTo("a.b.c");
      // Without redirect_url (the vendor's answer) the link is built from url and token.
      assertThat(session.redirectUrl()).isEqualTo("https://assess.example.com/a.b.c");
      assertThat(session.expiresAt()).isNull();
      assertThat(stub.requests()).hasSize(3);
      // Every attempt is the same signed request; Retry-After: 5 was held to maxDelay (100 ms).
      assertThat(stub.requests())
          .extracting(Stub.Request::body)
          .containsOnly("{\"uid\":\"CUST-1001\",\"integration_id\":\"integration-1\"}");
      assertThat(stub.requests().get(0).signature())
          .isEqualTo(Signatures.sign(KEY, stub.requests().get(0).body().getBytes()));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void a503OnEveryAttemptEndsInServiceUnavailableAfterMaxAttempts() {
    try (Stub stub = Stub.start()) {
      stub.then(503, UNAVAILABLE, "5", Duration.ZERO);

      ServiceUnavailableException refused =
          catchThrowableOfType(
              ServiceUnavailableException.class,
              () -> client(stub.url(), QUICK).result("CUST-1002"));

      assertThat(stub.requests()).hasSize(3);
      assertThat(refused.code()).isEqualTo("store_unavailable");
      assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void a429IsNotRetried() {
    try (Stub stub = Stub.start()) {
      stub.then(
          429,
          "{\"detail\":\"This integration allows 3 new sessions a minute; retry after 7 s\","
              + "\"code\":\"rate_limited\"}",
          "7",
          Duration.ZERO);

      RateLimitedException refused =
          catchThrowableOfType(
              RateLimitedException.class,
              () -> client(stub.url(), QUICK).createSession("CUST-1003", "integration-1"));

      assertThat(stub.requests()).hasSize(1);
      assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void theWebhookTestCallIsNotRetriedOn503() {
    try (Stub stub = Stub.start()) {
      stub.then(503, "{\"detail\":\"connection refused\"," + "\"code\":\"webhook_unreachable\"}");

      WebhookTestResult result = client(stub.url(), QUICK).testWebhook();

      assertThat(stub.requests()).hasSize(1);
      assertThat(result.delivered()).isFalse();
      assertThat(result.receiverStatus()).isNull();
      assertThat(result.detail()).isEqualTo("connection refused");
    }
  }

  @Test
  void aRefusedConnectionIsRetriedUntilTheServerIsUp() throws Exception {
    int port = Stub.freePort();
    // The server comes up while the client waits to retry (its first wait is at least 400 ms).
    CompletableFuture<Stub> later =
        CompletableFuture.supplyAsync(
            () -> Stub.on(port).then(200, SESSION),
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    RetryPolicy patient = new RetryPolicy(3, Duration.ofMillis(800), Duration.ofMillis(800));
    try {
      Session session =
          client("http://127.0.0.1:" + port, patient).createSession("CUST-1004", "integration-1");
      assertThat(session.accessToken()).isEqualTo("a.b.c");
      assertThat(later.get().requests()).hasSize(1);
    } finally {
      later.get().close();
    }
  }

  @Test
  void nobodyListeningEndsInAConnectionErrorAfterMaxAttempts() {
    String nowhere = "http://127.0.0.1:" + Stub.freePort();

    CredenceConnectionException failed =
        catchThrowableOfType(
            CredenceConnectionException.class,
            () -> client(nowhere, QUICK).createSession("CUST-1005", "integration-1"));

    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.getMessage()).contains("after 3 attempts").doesNotContain(KEY);
  }

  @Test
  void aServerTooSlowToAnswerTimesOutOnEachAttempt() {
    try (Stub stub = Stub.start()) {
      stub.then(200, SESSION, null, Duration.ofSeconds(3));
      CredenceClient impatient =
          CredenceClient.builder(stub.url(), KEY)
              .requestTimeout(Duration.ofMillis(300))
              .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)))
              .build();

      long start = System.nanoTime();
      CredenceConnectionException failed =
          catchThrowableOfType(
              CredenceConnectionException.class, () -> impatient.result("CUST-1006"));

      assertThat(failed.getCause()).isInstanceOf(HttpTimeoutException.class);
      assertThat(failed.attempts()).isEqualTo(2);
      assertThat(stub.requests()).hasSize(2);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void aPageThatIsNotTheApiSaysToCheckTheBaseUrl() {
    try (Stub stub = Stub.start()) {
      stub.then(200, "<html><body>Welcome to our website</body></html>");

      CredenceApiException failed =
          catchThrowableOfType(
              CredenceApiException.class,
              () -> client(stub.url(), QUICK).createSession("CUST-1007", "integration-1"));

      assertThat(failed.code()).isEqualTo("unexpected_response");
      assertThat(failed.detail()).contains("text/html").contains("check the client's base URL");
    }
  }

  @Test
  void anAnswerMissingADocumentedFieldNamesItAndIsNotRead() {
    try (Stub stub = Stub.start()) {
      stub.then(200, "{\"url\":\"https://assess.example.com\"}");

      CredenceApiException failed =
          catchThrowableOfType(
              CredenceApiException.class,
              () -> client(stub.url(), QUICK).createSession("CUST-1008", "integration-1"));

      assertThat(failed.code()).isEqualTo("unexpected_response");
      assertThat(failed.detail())
          .contains("does not have the documented shape: access_token must be a string");
    }
  }

  @Test
  void waitsDoubleWithJitterAndStayWithinTheMaximum() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 50; i++) {
      assertThat(policy.delayAfter(1, null))
          .isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(policy.delayAfter(3, null))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(policy.delayAfter(9, null))
          .isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(policy.delayAfter(1, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
      assertThat(policy.delayAfter(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
    }
  }
}
