package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What the client refuses by itself: bad settings when it is built, a bad uid before a request. */
class LocalChecksTest {
  /** Nothing listens on its port: a request would end in a connection error instead. */
  private static final CredenceClient NOWHERE =
      CredenceClient.builder("http://127.0.0.1:" + Stub.freePort(), "crd_test_x")
          .retryPolicy(RetryPolicy.NONE)
          .build();

  @Test
  void aUidBreakingTheRulesIsRefusedBeforeAnyRequest() {
    InvalidUidException refused =
        catchThrowableOfType(
            InvalidUidException.class,
            () -> NOWHERE.createSession("jane@example.com", "integration-1"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("uid_email");
    assertThat(refused.requestId()).isNull();
    assertThatThrownBy(() -> NOWHERE.createSession("ABC", "x"))
        .isInstanceOf(InvalidUidException.class)
        .hasMessageContaining("uid_length");
    assertThat(Uids.isValid("CUST-00123456")).isTrue();
    assertThat(Uids.isValid("123-45-6789")).isFalse();
  }

  @Test
  void anAsyncCallFailsThroughItsFutureNeverByThrowing() {
    CompletableFuture<Session> refused = NOWHERE.createSessionAsync("jane@example.com", "i-1");

    assertThat(refused).isCompletedExceptionally();
    assertThat(catchThrowableOfType(CompletionException.class, refused::join).getCause())
        .isInstanceOfSatisfying(
            InvalidUidException.class, e -> assertThat(e.code()).isEqualTo("uid_email"));
    // A handler sees what it sees of a refusal by the server: a CompletionException around it.
    assertThat(refused.handle((session, failure) -> failure).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(InvalidUidException.class);
    assertThat(catchThrowableOfType(CompletionException.class, NOWHERE.resultAsync(" ")::join))
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(
            catchThrowableOfType(
                CompletionException.class, NOWHERE.resultsAfterAsync(null, 10)::join))
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badSettingsAreRefusedWhenTheClientIsBuilt() {
    assertThatThrownBy(() -> CredenceClient.builder("assess.example.com", "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http or https URL");
    assertThatThrownBy(() -> CredenceClient.builder("https://assess.example.com", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API key");
    assertThatThrownBy(
            () ->
                CredenceClient.builder("https://assess.example.com", "k")
                    .requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
  }

  @Test
  void aTimeOutOfOneCallMustBePositive() {
    assertThatThrownBy(() -> NOWHERE.withRequestTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout must be a positive duration");
    assertThatThrownBy(() -> NOWHERE.withRequestTimeout(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOwnHttpClientMustNotFollowRedirectsNorComeWithAConnectTimeout() {
    CredenceClient.Builder builder = CredenceClient.builder("https://assess.example.com", "k");
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    assertThatThrownBy(() -> builder.httpClient(following))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not follow redirects")
        .hasMessageContaining("NORMAL");
    assertThatThrownBy(() -> builder.httpClient(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                builder
                    .httpClient(HttpClient.newHttpClient())
                    .connectTimeout(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HttpClient.Builder.connectTimeout");
  }
}
