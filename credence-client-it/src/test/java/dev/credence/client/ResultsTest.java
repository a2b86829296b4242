package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.results.ResultApi;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The pull API and the webhook test call through the client, against the real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultsTest {
  private static final List<String> FINISHED = List.of("LOAN-0001", "LOAN-0002", "LOAN-0003");

  private RunningServer server;
  private Deployment deployment;
  private CredenceClient client;
  private Instant beforeScoring;

  @BeforeAll
  void threeFinishedAssessmentsAndOneOpen() {
    server = RunningServer.start(TestDatabase.H2, RunningServer.LOOPBACK_WEBHOOKS);
    deployment = server.newDeployment();
    server.patchIntegration(deployment.productionIntegrationId(), Applicant.SMALL_ASSESSMENT);
    client = CredenceClient.builder(server.baseUrl(), deployment.productionKey()).build();
    beforeScoring = server.clock().instant();
    for (String uid : FINISHED) {
      Session session = client.createSession(uid, deployment.productionIntegrationId());
      new Applicant(server, session.accessToken()).finish();
    }
    client.createSession("LOAN-0004", deployment.productionIntegrationId());
    // A result enters the list once it has settled.
    server.clock().advance(ResultApi.SETTLE.plusSeconds(1));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void oneUidGivesItsStatusAndTypedResult() {
    Result result = client.result("LOAN-0001");

    assertThat(result.uid()).isEqualTo("LOAN-0001");
    assertThat(result.integrationId()).isEqualTo(deployment.productionIntegrationId());
    assertThat(result.isCompleted()).isTrue();
    ScoreDetails details = result.details();
    assertThat(details.platform()).isEqualTo("WEB");
    assertThat(details.scoredAt()).isEqualTo(details.completedAt());
    assertThat(details.startedAt()).isBeforeOrEqualTo(details.completedAt());
    assertThat(details.calculated().score()).isBetween(100, 900);
    assertThat(details.calculated().riskBand()).isIn("A", "B", "C", "D", "E");
    assertThat(details.calculated().traits()).isNotEmpty();
    assertThat(details.calculated().traits())
        .allSatisfy(t -> assertThat(t.value()).isBetween(0, 100));
    assertThat(details.calculated().modelVersion()).isEqualTo("default-2026.1");
    assertThat(details.calculated().reviewRequired()).isNotNull();
    assertThat(details.calculated().probabilityOfDefault()).isStrictlyBetween(0.0, 1.0);
  }

  @Test
  void anOpenUidHasNoResultYetAndAnUnknownOneIs404() {
    Result open = client.result("LOAN-0004");
    assertThat(open.status()).isEqualTo("created");
    assertThat(open.details()).isNull();

    NotFoundException missing =
        catchThrowableOfType(NotFoundException.class, () -> client.result("LOAN-9999"));
    assertThat(missing.code()).isEqualTo("uid_not_found");
  }

  @Test
  void pagesFollowEachOtherByCursorInScoringOrder() {
    ResultPage first = client.results(null, 2);
    assertThat(first.results()).extracting(Result::uid).containsExactly("LOAN-0001", "LOAN-0002");
    assertThat(first.hasMore()).isTrue();

    ResultPage second = client.resultsAfter(first.nextCursor(), 2);
    assertThat(second.results()).extracting(Result::uid).containsExactly("LOAN-0003");
    assertThat(second.hasMore()).isFalse();

    // Polled again with the last cursor before anything new is scored: empty, same cursor.
    ResultPage later = client.resultsAfter(second.nextCursor(), 2);
    assertThat(later.results()).isEmpty();
    assertThat(later.nextCursor()).isEqualTo(second.nextCursor());
  }

  @Test
  void streamsFetchEveryPageFromSinceOrACursor() {
    List<ResultPage> pages = client.pagesSince(beforeScoring, 1).toList();
    assertThat(pages).hasSize(3);
    assertThat(pages).extracting(p -> p.results().get(0).uid()).containsExactlyElementsOf(FINISHED);

    assertThat(client.allResultsSince(null).map(Result::uid)).containsExactlyElementsOf(FINISHED);
    assertThat(client.pagesAfter(pages.get(0).nextCursor(), 5).toList())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.results())
                    .extracting(Result::uid)
                    .containsExactly("LOAN-0002", "LOAN-0003"));
    Instant future = server.clock().instant().plus(Duration.ofDays(1));
    assertThat(client.allResultsSince(future)).isEmpty();
  }

  @Test
  void theAsyncReadsGiveWhatTheBlockingOnesGive() {
    assertThat(client.resultAsync("LOAN-0001").join()).isEqualTo(client.result("LOAN-0001"));
    ResultPage first = client.resultsAsync(null, 2).join();
    assertThat(first).isEqualTo(client.results(null, 2));
    assertThat(client.resultsAfterAsync(first.nextCursor(), 2).join().results())
        .extracting(Result::uid)
        .containsExactly("LOAN-0003");

    CompletionException missing =
        catchThrowableOfType(
            CompletionException.class, () -> client.resultAsync("LOAN-9999").join());
    assertThat(missing.getCause())
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.code()).isEqualTo("uid_not_found"));
  }

  @Test
  void wrongPagingParametersAre422FromTheServer() {
    InvalidRequestException cursor =
        catchThrowableOfType(
            InvalidRequestException.class, () -> client.resultsAfter("not-a-cursor", 10));
    assertThat(cursor.status()).isEqualTo(422);
    assertThat(cursor.code()).isEqualTo("invalid_cursor");

    InvalidRequestException limit =
        catchThrowableOfType(InvalidRequestException.class, () -> client.results(null, 501));
    assertThat(limit.code()).isEqualTo("invalid_limit");
  }

  @Test
  void resultsOfAnotherEnvironmentAreNotFound() {
    CredenceClient test = CredenceClient.builder(server.baseUrl(), deployment.testKey()).build();

    assertThat(catchThrowableOfType(NotFoundException.class, () -> test.result("LOAN-0001")))
        .isNotNull();
    assertThat(test.allResultsSince(null)).isEmpty();
  }

  @Test
  void theWebhookTestCallReportsWhatTheReceiverAnswered() {
    Deployment hooked = server.newDeployment();
    CredenceClient hookedClient =
        CredenceClient.builder(server.baseUrl(), hooked.testKey()).build();

    CredenceApiException notSet =
        catchThrowableOfType(CredenceApiException.class, hookedClient::testWebhook);
    assertThat(notSet.status()).isEqualTo(424);
    assertThat(notSet.code()).isEqualTo("webhook_not_set");
    assertThat(
            catchThrowableOfType(
                    CompletionException.class, () -> hookedClient.testWebhookAsync().join())
                .getCause())
        .isInstanceOfSatisfying(
            CredenceApiException.class, e -> assertThat(e.code()).isEqualTo("webhook_not_set"));

    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      server.patchIntegration(
          hooked.testIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
      WebhookTestResult delivered = hookedClient.testWebhook();
      assertThat(delivered.delivered()).isTrue();
      assertThat(delivered.receiverStatus()).isEqualTo(200);
      assertThat(delivered.detail()).startsWith("Test event delivered to 127.0.0.1");

      receiver.answer(500);
      WebhookTestResult refused = hookedClient.testWebhook();
      assertThat(refused.delivered()).isFalse();
      assertThat(refused.receiverStatus()).isEqualTo(500);
      assertThat(refused.detail()).isEqualTo("answered 500");
      assertThat(receiver.received()).hasSize(2);
    }
    WebhookTestResult unreachable = hookedClient.testWebhook();
    assertThat(unreachable.delivered()).isFalse();
    assertThat(unreachable.receiverStatus()).isNull();
    assertThat(unreachable.detail()).isEqualTo("connection refused");

    ForbiddenException badKey =
        catchThrowableOfType(
            ForbiddenException.class,
            () -> CredenceClient.builder(server.baseUrl(), "crd_test_nope").build().testWebhook());
    assertThat(badKey.code()).isEqualTo("api_key_invalid");
    assertThat(badKey.detail()).isEqualTo("Invalid Api-key");
  }
}
