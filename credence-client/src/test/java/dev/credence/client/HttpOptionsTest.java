package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The User-Agent, a lender's own HttpClient, and a time-out for one call, against {@link Stub}. */
class HttpOptionsTest {
  private static final String KEY = "crd_test_http-options-key";
  private static final String RESULT =
      "{\"uid\":\"CUST-2001\",\"integration_id\":\"integration-1\",\"status\":\"created\"}";

  @Test
  void theUserAgentNamesTheSdkAndJavaVersions() {
    try (Stub stub = Stub.start()) {
      stub.then(200, RESULT);

      CredenceClient.builder(stub.url(), KEY).build().result("CUST-2001");

      // The version the build wrote into the SDK, the pom's; the test gets it from the pom too.
      String version = System.getProperty("credence.version");
      assertThat(version).isNotBlank();
      assertThat(CredenceClient.VERSION).isEqualTo(version);
      assertThat(stub.requests().get(0).header("User-Agent"))
          .isEqualTo("credence-java/" + version + " Java/" + System.getProperty("java.version"));
    }
  }

  @Test
  void aLendersHttpClientIsUsedWithItsProxy() {
    try (Stub proxy = Stub.start()) {
      proxy.then(200, RESULT);
      HttpClient throughProxy =
          HttpClient.newBuilder()
              .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
              .build();
      // A host no one can resolve: only the proxy can take the request.
      CredenceClient client =
          CredenceClient.builder("http://assess.credence.invalid", KEY)
              .httpClient(throughProxy)
              .retryPolicy(RetryPolicy.NONE)
              .build();

      Result result = client.result("CUST-2001");

      assertThat(result.uid()).isEqualTo("CUST-2001");
      // A request to a proxy names the whole URL, and the host it is meant for.
      Stub.Request request = proxy.requests().get(0);
      assertThat(request.target()).isEqualTo("http://assess.credence.invalid/v1/results/CUST-2001");
      assertThat(request.header("Host")).isEqualTo("assess.credence.invalid");
      assertThat(request.header("api-key")).isEqualTo(KEY);
    }
  }

  @Test
  void aLendersExecutorRunsTheAsyncCallsAndTheirRetries() {
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Stub stub = Stub.start()) {
      stub.then(503, "{\"detail\":\"down\",\"code\":\"store_unavailable\"}").then(200, RESULT);
      HttpClient http =
          HttpClient.newBuilder()
              .executor(
                  task -> {
                    tasks.incrementAndGet();
                    pool.execute(task);
                  })
              .build();
      CredenceClient client =
          CredenceClient.builder(stub.url(), KEY)
              .httpClient(http)
              .retryPolicy(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(20)))
              .build();

      int before = tasks.get();
      Result result = client.resultAsync("CUST-2001").join();

      assertThat(result.status()).isEqualTo("created");
      assertThat(stub.requests()).hasSize(2);
      assertThat(tasks.get()).isGreaterThan(before);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTimeOutForOneCallFiresWhileTheClientsDefaultStillWaits() {
    try (Stub stub = Stub.start()) {
      stub.then(200, RESULT).then(200, RESULT, null, Duration.ofSeconds(1));
      CredenceClient client =
          CredenceClient.builder(stub.url(), KEY).retryPolicy(RetryPolicy.NONE).build();
      client.result("CUST-2001"); // answered at once; the JDK's HTTP classes are loaded
      CredenceClient impatient = client.withRequestTimeout(Duration.ofMillis(200));

      long start = System.nanoTime();
      CredenceConnectionException failed =
          catchThrowableOfType(
              CredenceConnectionException.class, () -> impatient.result("CUST-2001"));
      assertThat(failed.getCause()).isInstanceOf(HttpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));

      CompletionException failedAsync =
          catchThrowableOfType(
              CompletionException.class, () -> impatient.resultAsync("CUST-2001").join());
      assertThat(failedAsync.getCause())
          .isInstanceOfSatisfying(
              CredenceConnectionException.class,
              e -> assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class));

      // The client it came from keeps its own time-out (30 s): it waits for the slow answer.
      assertThat(client.result("CUST-2001").uid()).isEqualTo("CUST-2001");
      assertThat(stub.requests()).hasSize(4);
    }
  }
}
