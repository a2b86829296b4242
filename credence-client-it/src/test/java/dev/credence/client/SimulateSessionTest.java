package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link CredenceClient#simulateSession} against the real server, and its marked deliveries. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateSessionTest {
  private RunningServer server;
  private Deployment deployment;
  private WebhookReceiver receiver;
  private CredenceClient test;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(
                java.util.Map.of("CREDENCE_SCHEDULER_POLL_MS", "100"),
                RunningServer.LOOPBACK_WEBHOOKS));
    deployment = server.newDeployment();
    receiver = WebhookReceiver.start();
    server.patchIntegration(
        deployment.testIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
    test = CredenceClient.builder(server.baseUrl(), deployment.testKey()).build();
  }

  @AfterAll
  void stop() {
    receiver.close();
    server.close();
  }

  @Test
  void aScriptedCompletionReadsAsSimulatedInTheResultAndTheVerifiedEvents() {
    Result result =
        test.simulateSession(
            "SDK-SIM-0001",
            deployment.testIntegrationId(),
            Simulation.completed().riskBand("E").flags("LONG_STRING", "FAST_PAGES"));

    assertThat(result.simulated()).isTrue();
    assertThat(result.isCompleted()).isTrue();
    assertThat(result.details().calculated().riskBand()).isEqualTo("E");
    assertThat(result.details().calculated().scoreConfidence()).isEqualTo("LOW");
    assertThat(result.details().calculated().flags()).containsExactly("LONG_STRING", "FAST_PAGES");
    assertThat(test.result("SDK-SIM-0001")).isEqualTo(result);

    List<WebhookDelivery> deliveries = deliveriesOf("SDK-SIM-0001", 2);
    assertThat(deliveries).allMatch(WebhookDelivery::simulated);
    assertThat(deliveries.get(1).event())
        .isInstanceOfSatisfying(
            WebhookEvent.PsychometricScoreComplete.class,
            e -> assertThat(e.details()).isEqualTo(result.details()));
  }

  /** The verified deliveries about {@code uid}, once {@code count} of them have arrived. */
  private List<WebhookDelivery> deliveriesOf(String uid, int count) {
    WebhookVerifier verifier = WebhookVerifier.builder(deployment.testKey()).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<WebhookDelivery> mine = List.of();
    while (System.nanoTime() < deadline && mine.size() < count) {
      mine =
          receiver.received().stream()
              .map(r -> verifier.verify(r.body(), r::header))
              .filter(d -> d.event().uid().equals(uid))
              .toList();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(mine).as("deliveries of " + uid).hasSize(count);
    return mine;
  }

  @Test
  void anApplicantsSessionIsNotSimulated() {
    test.createSession("SDK-REAL-0001", deployment.testIntegrationId());
    assertThat(test.result("SDK-REAL-0001").simulated()).isFalse();
  }

  @Test
  void refusalsAreTypedAndNameTheirCode() {
    CredenceClient production =
        CredenceClient.builder(server.baseUrl(), deployment.productionKey()).build();
    ForbiddenException forbidden =
        catchThrowableOfType(
            ForbiddenException.class,
            () ->
                production.simulateSession(
                    "SDK-SIM-0002", deployment.productionIntegrationId(), Simulation.expired()));
    assertThat(forbidden.code()).isEqualTo("simulation_not_allowed");

    InvalidRequestException invalid =
        catchThrowableOfType(
            InvalidRequestException.class,
            () ->
                test.simulateSession(
                    "SDK-SIM-0003",
                    deployment.testIntegrationId(),
                    Simulation.cancelled().riskBand("A")));
    assertThat(invalid.code()).isEqualTo("risk_band_not_applicable");

    test.simulateSession("SDK-SIM-0004", deployment.testIntegrationId(), Simulation.incomplete());
    UidAlreadyUsedException used =
        catchThrowableOfType(
            UidAlreadyUsedException.class,
            () ->
                test.simulateSession(
                    "SDK-SIM-0004", deployment.testIntegrationId(), Simulation.incomplete()));
    assertThat(used.code()).isEqualTo("uid_already_used");
    assertThat(test.result("SDK-SIM-0004").status()).isEqualTo("expired");
  }
}
