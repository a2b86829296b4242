package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
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

}
