package dev.credence.server.store;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.config.Config;
import dev.credence.server.metrics.PrometheusText;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerProcess;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The server process is killed ({@code kill -9}, as a power cut or the OOM killer would) while it
 * acknowledges work, or while events wait for a receiver that is down, then started again on the
 * same data: everything it answered 200 for is there, and every event reaches the receiver.
 */
abstract class CrashRecoveryContract {
  private static final int CREATORS = 8;
  private static final int APPLICANTS = 8;
  private static final int OUTAGE_APPLICANTS = 5;

  /**
   * Deliveries and retries within a fraction of a second, to a receiver on this machine; a delivery
   * the killed process was running is taken over about 2 s after the restart (4 missed heartbeats)
   * instead of 20 s.
   */
  static final Map<String, String> QUICK_LOOPBACK_WORKERS =
      Map.of(
          "CREDENCE_SCHEDULER_POLL_MS", "100",
          "CREDENCE_SCHEDULER_HEARTBEAT_MS", "500",
          "CREDENCE_WEBHOOK_RETRY_BASE_MS", "200",
          "CREDENCE_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8");

  private static final ObjectMapper JSON = new ObjectMapper();

  protected abstract TestDatabase database();

  @Test
  void everySessionAnswered200IsThereAfterAKillDuringConcurrentCreation() throws Exception {
    try (ServerProcess server = ServerProcess.start(database(), Map.of())) {
      Deployment d = server.newDeployment();
      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean killed = new AtomicBoolean();
      ExecutorService creators = Executors.newFixedThreadPool(CREATORS);
      for (int c = 0; c < CREATORS; c++) {
        String prefix = "CRASH-" + c + "-";
        creators.submit(() -> createUntilKilled(server, d, prefix, acknowledged, killed));
      }
      awaitAtLeast(acknowledged, 400, server);
      // The creations share commits (docs/decisions/0025-group-commit.md): the kill comes while
      // batches of sessions are being committed together.
      PrometheusText metrics = PrometheusText.parse(server.get("/metrics").body());
      assertThat(metrics.value("credence_session_batch_size_count"))
          .as("commits of new sessions")
          .isLessThan(metrics.value("credence_session_batch_size_sum"));
      server.kill();
      killed.set(true);
      creators.shutdown();
      assertThat(creators.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

      server.restart();
      List<String> lost = new ArrayList<>();
      for (Map.Entry<String, String> session : acknowledged.entrySet()) {
        HttpResponse<String> again =
            server.createSession(
                d.productionKey(), sessionBody(session.getKey(), d.productionIntegrationId()));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        if (!json(again).get("access_token").asText().equals(session.getValue())) {
          lost.add(session.getKey());
        }
      }
      assertThat(lost).as("acknowledged sessions missing after the restart").isEmpty();
      assertThat(sessionsPerUid(server, d.productionIntegrationId()))
          .as("uids with more than one session")
          .allSatisfy((uid, count) -> assertThat(count).isEqualTo(1))
          .hasSizeGreaterThanOrEqualTo(acknowledged.size());
    }
  }

  @Test
  void finishedApplicantsStayFinishedAndNoDeliveredEventComesAgainWithANewId() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        ServerProcess server = ServerProcess.start(database(), QUICK_LOOPBACK_WORKERS)) {
      Deployment d = server.newDeployment();
      server.patchIntegration(
          d.productionIntegrationId(), Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));
      Map<String, String> tokens = new HashMap<>();
      for (int a = 1; a <= APPLICANTS; a++) {
        String uid = "FINISH-" + a;
        HttpResponse<String> created =
            server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
        tokens.put(uid, json(created).get("access_token").asText());
      }
      for (String token : tokens.values()) {
        new Applicant(server, token).answerEverything();
      }

      // Every applicant opens the link at once, which scores and completes the session; the
      // process is killed as soon as the last of them has its answer.
      ExecutorService applicants = Executors.newFixedThreadPool(APPLICANTS);
      List<Future<Integer>> finishing = new ArrayList<>();
      for (String token : tokens.values()) {
        finishing.add(applicants.submit(() -> server.get("/" + token).statusCode()));
      }
      for (Future<Integer> answer : finishing) {
        assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
      server.kill();
      applicants.shutdown();
      int deliveredBeforeTheKill = receiver.received().size();

      server.restart();
      for (Map.Entry<String, String> applicant : tokens.entrySet()) {
        // Reopening the link must not finish the session a second time.
        assertThat(server.get("/" + applicant.getValue()).statusCode()).isEqualTo(200);
        HttpResponse<String> result =
            server.send(
                "GET", "/v1/results/" + applicant.getKey(), null, "api-key", d.productionKey());
        assertThat(json(result).get("status").asText()).as(result.body()).isEqualTo("completed");
        assertThat(json(result).get("details").isObject()).as(result.body()).isTrue();
      }
      List<WebhookReceiver.Received> all = receiver.await(2 * APPLICANTS, Duration.ofSeconds(90));
      Map<String, Set<String>> idsByEvent = new HashMap<>();
      for (WebhookReceiver.Received delivery : all) {
        JsonNode event = JSON.readTree(delivery.body());
        String uid = event.get("uid").asText();
        String type = event.at("/event/type").asText();
        idsByEvent
            .computeIfAbsent(uid + " " + type, k -> new HashSet<>())
            .add(delivery.header(Signatures.EVENT_ID_HEADER));
      }
      assertThat(idsByEvent)
          .as("events per uid and type (%d delivered before the kill)", deliveredBeforeTheKill)
          .hasSize(2 * APPLICANTS)
          .allSatisfy((event, ids) -> assertThat(ids).as(event).hasSize(1));
    }
  }

  @Test
  void everyEventArrivesInOrderAfterAReceiverOutageAndAKillDuringItsRetries() throws Exception {
    WebhookReceiver receiver = WebhookReceiver.down();
    try (receiver;
        ServerProcess server = ServerProcess.start(database(), QUICK_LOOPBACK_WORKERS)) {
      Deployment d = server.newDeployment();
      String integration = d.productionIntegrationId();
      server.patchIntegration(
          integration, Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));
      List<String> uids = new ArrayList<>();
      for (int a = 1; a <= OUTAGE_APPLICANTS; a++) {
        Applicant applicant = newApplicant(server, d, "OUTAGE-" + a, uids);
        applicant.answerEverything();
        assertThat(applicant.page().statusCode()).isEqualTo(200); // completes the session
      }
      assertThat(newApplicant(server, d, "OUTAGE-CANCELLED", uids).decline().statusCode())
          .isEqualTo(303);

      // Each session's first event has been refused at least twice and waits for its next retry.
      Map<String, List<String>> eventIds = new HashMap<>();
      for (String uid : uids) {
        List<JsonNode> events =
            server.awaitEvents(
                integration,
                uid,
                Duration.ofSeconds(30),
                e -> !e.isEmpty() && e.get(0).get("attempts").asInt() >= 2);
        assertThat(events)
            .allSatisfy(e -> assertThat(e.get("status").asText()).isEqualTo("PENDING"));
        eventIds.put(uid, events.stream().map(e -> e.get("id").asText()).toList());
      }
      assertThat(eventIds.values().stream().mapToInt(List::size).sum())
          .as(
              "application.complete and psychometric_score.complete each, one application.cancelled")
          .isEqualTo(2 * OUTAGE_APPLICANTS + 1);

      server.kill();
      assertThat(receiver.received()).as("the receiver was down").isEmpty();
      receiver.listen();
      server.restart();

      assertEveryEventArrivedInOrder(receiver, eventIds, Duration.ofSeconds(60));
      for (String uid : uids) {
        server.awaitEvents(
            integration,
            uid,
            Duration.ofSeconds(10),
            e -> e.stream().allMatch(x -> x.get("status").asText().equals("DELIVERED")));
      }
    }
  }

  private static Applicant newApplicant(
      ServerProcess server, Deployment d, String uid, List<String> uids) {
    HttpResponse<String> created =
        server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    uids.add(uid);
    return new Applicant(server, json(created).get("access_token").asText());
  }

  /**
   * Waits until {@code receiver} has accepted (answered 200) every event of {@code eventIds} (each
   * session's event ids in their order), then checks what it got: each session's events in their
   * order, a repeat only ever after its first copy and before the session's next event, with the
   * same id and the same body, and no event it was not expecting.
   */
  static void assertEveryEventArrivedInOrder(
      WebhookReceiver receiver, Map<String, List<String>> eventIds, Duration within)
      throws Exception {
    Set<String> expected = new HashSet<>();
    eventIds.values().forEach(expected::addAll);
    long deadline = System.nanoTime() + within.toNanos();
    while (!accepted(receiver).containsAll(expected)) {
      assertThat(System.nanoTime())
          .as("every event accepted within %s; got %s", within, receiver.received())
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    Thread.sleep(500); // room for a repeat or a stray event to show up
    List<WebhookReceiver.Received> all = receiver.received();
    Map<String, String> bodyById = new HashMap<>();
    Map<String, Integer> reachedByUid = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      WebhookReceiver.Received r = all.get(i);
      String id = r.header(Signatures.EVENT_ID_HEADER);
      assertThat(expected).as("an event that was stored").contains(id);
      assertThat(bodyById.putIfAbsent(id, r.text()))
          .as("every copy of event %s is the same", id)
          .isIn(null, r.text());
      String uid = JSON.readTree(r.body()).get("uid").asText();
      int index = eventIds.get(uid).indexOf(id);
      assertThat(index).as("event %s belongs to %s", id, uid).isNotNegative();
      int reached = reachedByUid.getOrDefault(uid, 0);
      assertThat(index)
          .as("%s: event %d arrives after event %d, never before", uid, index, reached)
          .isBetween(reached, reached + 1);
      if (index == reached + 1) {
        assertThat(accepted(all.subList(0, all.indexOf(r))))
            .contains(eventIds.get(uid).get(reached));
      }
      reachedByUid.put(uid, index);
    }
  }

  private static Set<String> accepted(WebhookReceiver receiver) {
    return accepted(receiver.received());
  }

  private static Set<String> accepted(List<WebhookReceiver.Received> received) {
    Set<String> ids = new HashSet<>();
    for (WebhookReceiver.Received r : received) {
      if (r.answered() == 200) {
        ids.add(r.header(Signatures.EVENT_ID_HEADER));
      }
    }
    return ids;
  }

  private static void createUntilKilled(
      ServerProcess server,
      Deployment d,
      String prefix,
      Map<String, String> acknowledged,
      AtomicBoolean killed) {
    for (int i = 0; !killed.get(); i++) {
      String uid = prefix + i;
      try {
        HttpResponse<String> answer =
            server.createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()));
        if (answer.statusCode() == 200) {
          acknowledged.put(uid, json(answer).get("access_token").asText());
        }
      } catch (UncheckedIOException e) {
        return; // the process is gone: this request was never answered
      }
    }
  }

  private static void awaitAtLeast(Map<String, String> acknowledged, int count, ServerProcess s)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < count) {
      assertThat(System.nanoTime()).as("%d sessions within 60 s", count).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Sessions per uid of one integration, read from the database after the server has stopped. */
  private static Map<String, Integer> sessionsPerUid(ServerProcess server, String integrationId) {
    server.terminate();
    assertThat(server.waitForExit()).isZero();
    try (Database database = Database.open(Config.fromEnvironment(server.env()).database())) {
      return database
          .jdbi()
          .withHandle(
              h ->
                  h.createQuery(
                          "SELECT uid, COUNT(*) AS n FROM sessions WHERE integration_id = :id"
                              + " GROUP BY uid")
                      .bind("id", integrationId)
                      .reduceRows(
                          new HashMap<String, Integer>(),
                          (map, row) -> {
                            map.put(
                                row.getColumn("uid", String.class),
                                row.getColumn("n", Integer.class));
                            return map;
                          }));
    }
  }
}
