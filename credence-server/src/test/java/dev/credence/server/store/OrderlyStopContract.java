package dev.credence.server.store;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerProcess;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code SIGTERM} while the server is busy: a slow request in flight, sessions being created,
 * webhooks being delivered. Nothing is cut short, readiness says so at once, the process exits 0
 * with no error in its log, and nothing delivered is sent again after the restart.
 */
abstract class OrderlyStopContract {
  private static final int CREATORS = 4;
  private static final int APPLICANTS = 4;
  private static final Duration RECEIVER_WAIT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  protected abstract TestDatabase database();

  @Test
  void aStopLetsEveryRequestAndDeliveryFinishAndExitsZero() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        ServerProcess server =
            ServerProcess.start(
                database(),
                Map.of(
                    "CREDENCE_SCHEDULER_POLL_MS", "100",
                    "CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8",
                    "CREDENCE_SHUTDOWN_DRAIN_SECONDS", "1"))) {
      Deployment d = server.newDeployment();
      server.patchIntegration(
          d.productionIntegrationId(), Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));
      List<String> tokens = new ArrayList<>();
      for (int a = 1; a <= APPLICANTS; a++) {
        HttpResponse<String> created =
            server.createSession(
                d.productionKey(), sessionBody("STOP-" + a, d.productionIntegrationId()));
        String token = json(created).get("access_token").asText();
        new Applicant(server, token).answerEverything();
        tokens.add(token);
      }
      ExecutorService pool = Executors.newCachedThreadPool();

      // Sessions being created without a pause, until the creators see readiness fail (as a
      // load balancer would) and half a second more.
      AtomicBoolean notReady = new AtomicBoolean();
      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      List<String> unanswered = new CopyOnWriteArrayList<>();
      List<Future<?>> creators = new ArrayList<>();
      for (int c = 0; c < CREATORS; c++) {
        String prefix = "BUSY-" + c + "-";
        creators.add(
            pool.submit(() -> create(server, d, prefix, notReady, acknowledged, unanswered)));
      }
      // The receiver takes 2 s over the test call and the first deliveries; the applicants
      // finish, which sends their events, and the test call is in flight when the stop begins.
      receiver.stall(1 + APPLICANTS, RECEIVER_WAIT);
      for (String token : tokens) {
        assertThat(server.get("/" + token).statusCode()).isEqualTo(200);
      }
      Future<HttpResponse<String>> testCall =
          pool.submit(() -> server.webhookTestCall(d.productionKey()));
      receiver.await(1, Duration.ofSeconds(30));

      long signalled = System.nanoTime();
      server.terminate();
      assertThat(readinessFailsWithin(server, Duration.ofMillis(1_500)))
          .as("readiness answers 503 at once")
          .isTrue();
      notReady.set(true);
      double readyAfter = (System.nanoTime() - signalled) / 1e9;

      HttpResponse<String> slow = testCall.get(60, TimeUnit.SECONDS);
      assertThat(slow.statusCode()).as(slow.body()).isEqualTo(200);
      assertThat(json(slow).get("webhook_receiver_status_code").asInt()).isEqualTo(200);
      for (Future<?> creator : creators) {
        creator.get(60, TimeUnit.SECONDS);
      }
      assertThat(unanswered).as("requests without a full answer").isEmpty();
      assertThat(acknowledged).as("sessions created during the stop").isNotEmpty();
      assertThat(server.waitForExit()).as(server.log()).isZero();
      assertThat(server.log())
          .as("readiness failed %.2f s after the signal", readyAfter)
          .doesNotContain(" ERROR ")
          .doesNotContain("Exception")
          .contains("Credence stopped");
      Set<String> answeredBeforeTheStop = delivered(receiver.received());

      server.restart();
      for (Map.Entry<String, String> session : acknowledged.entrySet()) {
        HttpResponse<String> again =
            server.createSession(
                d.productionKey(), sessionBody(session.getKey(), d.productionIntegrationId()));
        assertThat(json(again).get("access_token").asText())
            .as(session.getKey())
            .isEqualTo(session.getValue());
      }
      awaitEvents(receiver, 2 * APPLICANTS);
      Thread.sleep(1_000); // time for a repeat to arrive, if one were coming
      Map<String, Long> timesSent =
          receiver.received().stream()
              .map(r -> r.header(Signatures.EVENT_ID_HEADER))
              .filter(answeredBeforeTheStop::contains)
              .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
      assertThat(timesSent)
          .as("events answered 200 before the stop, and how often each was sent")
          .hasSize(answeredBeforeTheStop.size())
          .allSatisfy((id, times) -> assertThat(times).isEqualTo(1L));
    }
  }

  /** Event ids the receiver answered 200 (the test call has none). */
  private static Set<String> delivered(List<WebhookReceiver.Received> received) {
    return received.stream()
        .filter(r -> r.answered() == 200)
        .map(r -> r.header(Signatures.EVENT_ID_HEADER))
        .filter(id -> id != null)
        .collect(Collectors.toSet());
  }

  private static void awaitEvents(WebhookReceiver receiver, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (delivered(receiver.received()).size() < count) {
      assertThat(System.nanoTime())
          .as("%d events delivered within 60 s", count)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void create(
      ServerProcess server,
      Deployment d,
      String prefix,
      AtomicBoolean notReady,
      Map<String, String> acknowledged,
      List<String> unanswered) {
    long stopAt = Long.MAX_VALUE;
    for (int i = 0; System.nanoTime() < stopAt; i++) {
      if (notReady.get() && stopAt == Long.MAX_VALUE) {
        stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      }
      String uid = prefix + i;
      try {
        HttpResponse<String> answer =
            server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
        if (answer.statusCode() == 200) {
          acknowledged.put(uid, json(answer).get("access_token").asText());
        } else {
          unanswered.add(uid + ": " + answer.statusCode() + " " + answer.body());
        }
      } catch (UncheckedIOException e) {
        unanswered.add(uid + ": " + e.getCause());
      }
    }
  }

  private static boolean readinessFailsWithin(ServerProcess server, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (server.get("/health/ready").statusCode() == 503) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }
}
