package dev.credence.server.store;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.config.Config;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerHttp;
import dev.credence.server.testing.ServerProcess;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two server processes on one PostgreSQL database, as two nodes behind a load balancer: each event
 * is sent once, though both run the deliveries, and the open-session cap, counted in the database,
 * holds across both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodesPostgresTest {
  private static final int APPLICANTS = 8;
  private static final int REFUSED = 4;
  private static final int CAP = 10;
  private static final int CREATES = 40;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerProcess first;
  private ServerProcess second;

  @BeforeAll
  void startTwoNodes() {
    first =
        ServerProcess.start(TestDatabase.POSTGRES, CrashRecoveryContract.QUICK_LOOPBACK_WORKERS);
    second = first.secondNode();
  }

  @AfterAll
  void stopTwoNodes() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  /** The node that serves request {@code i}, as a load balancer taking turns would. */
  private ServerHttp node(int i) {
    return i % 2 == 0 ? first : second;
  }

  @Test
  void applicantsFinishingOnBothNodesGetEachEventSentOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      // The first few attempts are refused, so that retries are left for whichever node polls.
      int[] refusals = new int[REFUSED];
      java.util.Arrays.fill(refusals, 503);
      receiver.answer(refusals);
      Deployment d = first.newDeployment();
      first.patchIntegration(
          d.productionIntegrationId(), Applicant.questionnaireOnlyWithWebhooksTo(receiver.url()));

      // Each applicant's session is created on one node and answered on the other; every final
      // opening of the link, which completes the session, comes at once, half on each node.
      List<String> tokens = new ArrayList<>();
      for (int a = 0; a < APPLICANTS; a++) {
        HttpResponse<String> created =
            node(a)
                .createSession(
                    d.productionKey(), sessionBody("TWO-NODES-" + a, d.productionIntegrationId()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String token = json(created).get("access_token").asText();
        new Applicant(node(a + 1), token).answerEverything();
        tokens.add(token);
      }
      ExecutorService applicants = Executors.newFixedThreadPool(APPLICANTS);
      try {
        List<Future<Integer>> finishing = new ArrayList<>();
        for (int a = 0; a < APPLICANTS; a++) {
          ServerHttp node = node(a);
          String token = tokens.get(a);
          finishing.add(applicants.submit(() -> node.get("/" + token).statusCode()));
        }
        for (Future<Integer> finished : finishing) {
          assertThat(finished.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
      } finally {
        applicants.shutdownNow();
      }

      receiver.await(2 * APPLICANTS + REFUSED, Duration.ofSeconds(30));
      Thread.sleep(2_000); // many polls of both nodes: room for a second sending to show up
      List<Received> all = receiver.received();
      assertThat(all)
          .as("one request an event, and one more for each refusal")
          .hasSize(2 * APPLICANTS + REFUSED);
      List<Received> accepted = all.stream().filter(r -> r.answered() == 200).toList();
      assertThat(accepted)
          .extracting(r -> r.header(Signatures.EVENT_ID_HEADER))
          .doesNotHaveDuplicates();
      assertThat(accepted).extracting(Received::text).doesNotHaveDuplicates();
      for (int a = 0; a < APPLICANTS; a++) {
        String uid = "TWO-NODES-" + a;
        assertThat(accepted)
            .filteredOn(r -> body(r).get("uid").asText().equals(uid))
            .extracting(r -> body(r).at("/event/type").asText())
            .as(uid)
            .containsExactly("application.complete", "psychometric_score.complete");
      }
    }
  }

  @Test
  void theOpenSessionCapHoldsAcrossBothNodes() throws Exception {
    Deployment d = first.newDeployment();
    first.patchIntegration(d.testIntegrationId(), "{\"max_open_sessions\": " + CAP + "}");

    // CREATES calls at once, half to each node, for as many new uids: only CAP may open.
    List<HttpResponse<String>> answers = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(CREATES);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int c = 0; c < CREATES; c++) {
        ServerHttp node = node(c);
        String body = sessionBody("CAPPED-" + c, d.testIntegrationId());
        calls.add(
            callers.submit(
                () -> {
                  go.await();
                  return node.createSession(d.testKey(), body);
                }));
      }
      go.countDown();
      for (Future<HttpResponse<String>> call : calls) {
        answers.add(call.get(60, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
    List<HttpResponse<String>> opened =
        answers.stream().filter(a -> a.statusCode() == 200).toList();
    assertThat(opened).as("sessions opened under a cap of %d", CAP).hasSize(CAP);
    assertThat(answers)
        .filteredOn(a -> a.statusCode() != 200)
        .hasSize(CREATES - CAP)
        .allSatisfy(TwoNodesPostgresTest::assertCapped);
    assertThat(openSessions(d.testIntegrationId()))
        .as("open sessions in the database")
        .isEqualTo(CAP);

    // A session that ends on one node frees its place for a new one on the other.
    Applicant leaving = new Applicant(second, json(opened.get(0)).get("access_token").asText());
    assertThat(leaving.decline().statusCode()).isEqualTo(303);
    HttpResponse<String> freed =
        first.createSession(d.testKey(), sessionBody("CAPPED-AFTER-1", d.testIntegrationId()));
    assertThat(freed.statusCode()).as(freed.body()).isEqualTo(200);
    assertCapped(
        second.createSession(d.testKey(), sessionBody("CAPPED-AFTER-2", d.testIntegrationId())));
    assertThat(openSessions(d.testIntegrationId())).isEqualTo(CAP);
  }

  /** The documented refusal: 429 {@code open_sessions_limit}, with {@code Retry-After: 60}. */
  private static void assertCapped(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
    assertThat(json(answer).get("code").asText()).isEqualTo("open_sessions_limit");
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("60");
  }

  private int openSessions(String integrationId) {
    try (Database database = Database.open(Config.fromEnvironment(first.env()).database())) {
      return database
          .jdbi()
          .withHandle(
              h ->
                  h.createQuery(
                          "SELECT COUNT(*) FROM sessions WHERE integration_id = :id"
                              + " AND status IN ('CREATED', 'STARTED')")
                      .bind("id", integrationId)
                      .mapTo(Integer.class)
                      .one());
    }
  }

  private static JsonNode body(Received r) {
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.text(), e);
    }
  }
}
