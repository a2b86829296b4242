package dev.credence.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.store.Database;
import dev.credence.server.store.Ids;
import dev.credence.server.store.StoreErrors;
import dev.credence.server.store.StoreUnavailableException;
import dev.credence.server.testing.ServerContract;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit of new sessions ({@link SessionWriter}) against a real database: a batch is one
 * commit, a uid that already has a session fails only its own request, a batch that fails is
 * committed again one session at a time, and a stop commits everything it accepted.
 */
abstract class SessionWriterContract extends ServerContract {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final AtomicInteger UIDS = new AtomicInteger();

  private Database database;
  private SessionStore store;
  private SessionLifecycle lifecycle;
  private SimpleMeterRegistry meters;
  private String integrationId;

  @BeforeEach
  void openTheDatabase() {
    integrationId = server.newDeployment().productionIntegrationId();
    database = Database.open(server.config().database());
    store = new SessionStore(database.jdbi(), new UidHashes(server.config().masterKeyBytes()));
    meters = new SimpleMeterRegistry();
    lifecycle = new SessionLifecycle(database.jdbi(), store, meters);
  }

  @AfterEach
  void closeTheDatabase() {
    database.close();
  }

  private SessionWriter writer(Duration wait) {
    return new SessionWriter(database.jdbi(), lifecycle, meters, wait);
  }

  private Session newSession(String uid) {
    return newSession(integrationId, uid);
  }

  private static Session newSession(String integrationId, String uid) {
    return new Session(
        Ids.newId(),
        integrationId,
        uid,
        SessionStatus.CREATED,
        NOW,
        NOW.plusSeconds(3600),
        null,
        null);
  }

  private static String uid() {
    return "WRITER-" + String.format("%08d", UIDS.incrementAndGet());
  }

  private DistributionSummary batchSizes() {
    return meters.get("credence.session.batch.size").summary();
  }

  private boolean stored(Session session) {
    return store.findById(session.id()).isPresent();
  }

  @Test
  void sessionsQueuedTogetherAreOneCommitAndADuplicateUidFailsOnlyItself() throws Exception {
    Session existing = newSession(uid());
    lifecycle.open(existing);
    Session first = newSession(uid());
    Session second = newSession(uid());
    Session third = newSession(uid());
    Session sameUidAsExisting = newSession(existing.uid());
    Session sameUidAsFirst = newSession(first.uid());
    List<Session> queued = List.of(first, second, sameUidAsExisting, third, sameUidAsFirst);

    try (SessionWriter writer = writer(SessionWriter.WAIT)) {
      // Queued before the writer runs, so that its first batch holds all of them.
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      for (Session session : queued) {
        answers.add(writer.submit(session));
      }
      writer.start();
      List<Boolean> opened = new ArrayList<>();
      for (CompletableFuture<Boolean> answer : answers) {
        opened.add(answer.get(10, TimeUnit.SECONDS));
      }
      assertThat(opened).containsExactly(true, true, false, true, false);
    }
    assertThat(batchSizes().count()).as("commits").isEqualTo(1);
    assertThat(batchSizes().totalAmount()).as("sessions in them").isEqualTo(queued.size());
    assertThat(List.of(first, second, third)).allSatisfy(s -> assertThat(stored(s)).isTrue());
    assertThat(stored(sameUidAsExisting)).isFalse();
    assertThat(stored(sameUidAsFirst)).isFalse();
    assertThat(store.findByUid(integrationId, existing.uid()).orElseThrow().id())
        .isEqualTo(existing.id());
    assertThat(store.findByUid(integrationId, first.uid()).orElseThrow().id())
        .isEqualTo(first.id());
  }

  @Test
  void aSessionTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsCommitted() throws Exception {
    Session good = newSession(uid());
    Session unknownIntegration = newSession("000000000000000000000000", uid());
    Session alsoGood = newSession(uid());
    try (SessionWriter writer = writer(SessionWriter.WAIT)) {
      CompletableFuture<Boolean> goodAnswer = writer.submit(good);
      CompletableFuture<Boolean> refused = writer.submit(unknownIntegration);
      CompletableFuture<Boolean> alsoGoodAnswer = writer.submit(alsoGood);
      writer.start();
      assertThat(goodAnswer.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(alsoGoodAnswer.get(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .satisfies(e -> assertThat(StoreErrors.isUnavailable(e)).isFalse());
    }
    assertThat(stored(good)).isTrue();
    assertThat(stored(alsoGood)).isTrue();
    assertThat(stored(unknownIntegration)).isFalse();
    // The batch of three committed nothing; then each session alone, two of them committed.
    assertThat(batchSizes().count()).isEqualTo(2);
    assertThat(batchSizes().totalAmount()).isEqualTo(2);
  }

  @Test
  void aLoneSessionIsCommittedAtOnce() {
    try (SessionWriter writer = writer(SessionWriter.WAIT)) {
      writer.start();
      Session lone = newSession(uid());
      long started = System.nanoTime();
      assertThat(writer.open(lone)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("no wait for company")
          .isLessThan(Duration.ofSeconds(1));
      assertThat(stored(lone)).isTrue();
      assertThat(writer.open(newSession(lone.uid()))).as("its uid is used now").isFalse();
    }
    assertThat(batchSizes().count()).isEqualTo(2);
    assertThat(batchSizes().max()).isEqualTo(1);
  }

  @Test
  void aSessionNotCommittedInTimeIsUnavailableAndNeverWritten() {
    Session late = newSession(uid());
    try (SessionWriter writer = writer(Duration.ofMillis(200))) {
      // The writer does not run yet: the session waits in the queue past its bound.
      assertThatThrownBy(() -> writer.open(late))
          .isInstanceOf(StoreUnavailableException.class)
          .satisfies(e -> assertThat(StoreErrors.isUnavailable(e)).isTrue());
      writer.start();
      Session next = newSession(uid());
      assertThat(writer.open(next)).isTrue();
      assertThat(stored(next)).isTrue();
    }
    assertThat(stored(late)).as("given up before the writer took it").isFalse();
  }

  @Test
  void aStopCommitsEverySessionItAcceptedAndThenRefusesNewOnes() throws Exception {
    SessionWriter writer = writer(SessionWriter.WAIT);
    List<Session> sessions = new ArrayList<>();
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < 3 * SessionWriter.MAX_BATCH; i++) {
      Session session = newSession(uid());
      sessions.add(session);
      answers.add(writer.submit(session));
    }
    writer.close(); // starts the writer, which takes them in batches of the most it commits
    for (CompletableFuture<Boolean> answer : answers) {
      assertThat(answer).as("answered by the time close() returns").isCompleted();
      assertThat(answer.get()).isTrue();
    }
    assertThatThrownBy(() -> writer.open(newSession(uid())))
        .isInstanceOf(StoreUnavailableException.class)
        .satisfies(e -> assertThat(StoreErrors.isUnavailable(e)).isTrue());
    Set<String> ids =
        Set.copyOf(
            database
                .jdbi()
                .withHandle(
                    h ->
                        h.createQuery("SELECT id FROM sessions WHERE integration_id = ?")
                            .bind(0, integrationId)
                            .mapTo(String.class)
                            .list()));
    assertThat(ids).containsAll(sessions.stream().map(Session::id).toList());
    assertThat(batchSizes().count()).isEqualTo(3);
    assertThat(batchSizes().max()).isEqualTo(SessionWriter.MAX_BATCH);
    assertThat(batchSizes().totalAmount()).isEqualTo(sessions.size());
  }
}
