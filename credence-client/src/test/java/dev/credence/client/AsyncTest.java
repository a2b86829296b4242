package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The calls that return a {@code CompletableFuture}: the same attempts, retries and exceptions as
 * the blocking calls, against {@link Stub}.
 */
class AsyncTest {
  private static final String KEY = "crd_test_async-test-key";
  private static final String SESSION =
      "{\"access_token\":\"a.b.c\",\"url\":\"https://assess.example.com\","
          + "\"redirect_url\":\"https://assess.example.com/a.b.c\",\"expires_at\":1795330171}";
  private static final String UNAVAILABLE =
      "{\"detail\":\"The service's database is unavailable; retry shortly\","
          + "\"code\":\"store_unavailable\"}";

  private static CredenceClient client(String url, RetryPolicy retry) {
    return CredenceClient.builder(url, KEY).retryPolicy(retry).build();
  }

  @Test
  void aCreateCallCompletesWithTheSession() {
    try (Stub stub = Stub.start()) {
      stub.then(200, SESSION);

      Session session =
          client(stub.url(), RetryPolicy.DEFAULT)
              .createSessionAsync("CUST-3001", "integration-1")
              .join();

      assertThat(session.redirectUrl()).isEqualTo("https://assess.example.com/a.b.c");
      assertThat(stub.requests())
          .singleElement()
          .extracting(Stub.Request::method)
          .isEqualTo("POST");
      assertThat(stub.requests().get(0).body())
          .isEqualTo("{\"uid\":\"CUST-3001\",\"integration_id\":\"integration-1\"}");
    }
  }

  @Test
  void anErrorAnswerFailsTheFutureWithTheExceptionOfTheBlockingCall() throws Exception {
    try (Stub stub = Stub.start()) {
      stub.then(
          409,
          "{\"detail\":\"The assessment of CUST-3002 has ended; use a new uid such as"
              + " CUST-3002-2\",\"code\":\"uid_already_used\"}");
      CredenceClient client = client(stub.url(), RetryPolicy.DEFAULT);

      CompletableFuture<Session> refused = client.createSessionAsync("CUST-3002", "integration-1");

      CompletionException joined = catchThrowableOfType(CompletionException.class, refused::join);
      assertThat(joined.getCause())
          .isInstanceOfSatisfying(
              UidAlreadyUsedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.code()).isEqualTo("uid_already_used");
                assertThat(e.detail()).contains("CUST-3002-2");
              });
      assertThat(catchThrowableOfType(ExecutionException.class, refused::get).getCause())
          .isSameAs(joined.getCause());
      assertThat(refused.handle((session, failure) -> failure).join())
          .isInstanceOf(CompletionException.class)
          .hasCause(joined.getCause());
      // The blocking call throws that very type; a 409 is not retried.
      assertThat(
              catchThrowableOfType(
                  UidAlreadyUsedException.class,
                  () -> client.createSession("CUST-3002", "integration-1")))
          .isNotNull();
      assertThat(stub.requests()).hasSize(2);
    }
  }

  @Test
  void a503IsRetriedWhileTheCallersThreadGoesOn() {
    try (Stub stub = Stub.start()) {
      stub.then(503, UNAVAILABLE, "1", Duration.ZERO).then(200, SESSION);
      // Retry-After: 1 within a maximum of 1 s: the retry waits exactly 1 s.
      CredenceClient client =
          client(stub.url(), new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(1)));

      long start = System.nanoTime();
      CompletableFuture<Session> session = client.createSessionAsync("CUST-3003", "integration-1");

      // The caller has the future back before the second attempt, while the retry waits.
      assertThat(session).isNotDone();
      assertThat(stub.requests()).hasSizeLessThan(2);
      assertThat(session.join().accessToken()).isEqualTo("a.b.c");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(stub.requests()).hasSize(2);
      assertThat(stub.requests().get(1).signature()).isEqualTo(stub.requests().get(0).signature());
    }
  }

  @Test
  void a503OnEveryAttemptFailsTheFutureWithServiceUnavailable() {
    try (Stub stub = Stub.start()) {
      stub.then(503, UNAVAILABLE, "5", Duration.ZERO);
      RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50));

      CompletionException failed =
          catchThrowableOfType(
              CompletionException.class,
              () -> client(stub.url(), quick).resultAsync("CUST-3004").join());

      assertThat(failed.getCause())
          .isInstanceOfSatisfying(
              ServiceUnavailableException.class,
              e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
      assertThat(stub.requests()).hasSize(3);
    }
  }

  @Test
  void nobodyListeningFailsTheFutureWithAConnectionErrorAfterMaxAttempts() {
    String nowhere = "http://127.0.0.1:" + Stub.freePort();
    RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50));

    CompletionException failed =
        catchThrowableOfType(
            CompletionException.class, () -> client(nowhere, quick).resultsAsync(null, 10).join());

    assertThat(failed.getCause())
        .isInstanceOfSatisfying(
            CredenceConnectionException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(3);
              assertThat(e.getMessage()).contains("after 3 attempts").doesNotContain(KEY);
            });
  }

  @Test
  void aCancelledCallIsNotRetried() throws Exception {
    try (Stub stub = Stub.start()) {
      stub.then(503, UNAVAILABLE);
      RetryPolicy patient = new RetryPolicy(5, Duration.ofMillis(300), Duration.ofMillis(300));

      CompletableFuture<Result> result = client(stub.url(), patient).resultAsync("CUST-3005");
      while (stub.requests().isEmpty()) {
        Thread.sleep(5);
      }
      result.cancel(false);
      Thread.sleep(1000); // four more attempts had it gone on

      assertThat(result).isCancelled();
      assertThat(stub.requests()).hasSize(1);
    }
  }
}
