package dev.credence.server.sessions;

import dev.credence.server.store.StoreErrors;
import dev.credence.server.store.StoreUnavailableException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of new sessions (docs/decisions/0025-group-commit.md). One writer thread per node
 * takes the sessions that concurrent requests open from a queue and opens up to {@link #MAX_BATCH}
 * of them in one transaction ({@link SessionLifecycle#openEach}); each request is answered only
 * once the commit that holds its session has returned, so a 200 still means the session is on the
 * disk. The writer takes whatever is queued when it is free and never waits for more: a lone
 * request is committed at once.
 *
 * <p>A session whose uid already has one (in the table, or earlier in the same batch) is left out
 * of its batch without failing the others; its request then finds the session that holds the uid. A
 * batch that fails for another reason is committed again one session at a time, so that only the
 * failing session's request fails. A batch that fails because the database is unreachable fails its
 * requests and every request queued behind it (each is answered 503 at once, not after waiting for
 * the next attempt). A request whose commit has not returned within its bound is answered 503 as
 * well; if its session was still queued it is never written.
 *
 * <p>{@link #close()} refuses new sessions, commits every one already queued, and returns once the
 * writer has stopped: the server closes its database only after that.
 */
public final class SessionWriter implements AutoCloseable {
  /** The most sessions committed in one transaction. */
  public static final int MAX_BATCH = 256;

  /** How long a request waits for the commit of its session before it is answered 503. */
  public static final Duration WAIT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(SessionWriter.class);

  /** Queued by {@link #close()} after every session it accepted; the writer stops on it. */
  private static final Pending STOP = new Pending(null);

  /** A session waiting for its commit, and the request's answer once it is done. */
  private static final class Pending {
    final Session session;
    final CompletableFuture<Boolean> opened = new CompletableFuture<>();

    /** Taken by the writer, or given up by its request; whichever comes first. */
    private final AtomicBoolean claimed = new AtomicBoolean();

    Pending(Session session) {
      this.session = session;
    }

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }
  }

  private final Jdbi jdbi;
  private final SessionLifecycle lifecycle;
  private final Duration wait;
  private final DistributionSummary batchSizes;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Object accepting = new Object();
  private boolean closed; // guarded by accepting

  /**
   * A writer not yet started; {@link #start()} starts it. {@code meters} gets {@code
   * credence_session_batch_size}, the sessions of each commit.
   */
  SessionWriter(Jdbi jdbi, SessionLifecycle lifecycle, MeterRegistry meters, Duration wait) {
    this.jdbi = jdbi;
    this.lifecycle = lifecycle;
    this.wait = wait;
    this.batchSizes =
        DistributionSummary.builder("credence.session.batch.size")
            .description("New sessions committed together in one transaction")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, MAX_BATCH)
            .register(meters);
    this.thread = new Thread(this::run, "credence-session-writer");
    thread.setDaemon(true);
  }

  /** A running writer, whose requests wait up to {@link #WAIT} for their commit. */
  public static SessionWriter start(Jdbi jdbi, SessionLifecycle lifecycle, MeterRegistry meters) {
    SessionWriter writer = new SessionWriter(jdbi, lifecycle, meters, WAIT);
    writer.start();
    return writer;
  }

  void start() {
    if (started.compareAndSet(false, true)) {
      thread.start();
    }
  }

  /**
   * Opens {@code session} together with the sessions of concurrent requests, and returns once it is
   * committed.
   *
   * @return false if its uid already has a session on its integration (nothing was stored)
   * @throws StoreUnavailableException if it was not committed in time, or the writer has stopped
   */
  public boolean open(Session session) {
    Pending pending = enqueue(session);
    try {
      return pending.opened.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StoreUnavailableException(
          (pending.claim()
                  ? "a new session was not taken for its commit within "
                  : "the commit of a new session did not return within ")
              + wait.toMillis()
              + " ms");
    } catch (InterruptedException e) {
      pending.claim();
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while a new session waited for its commit");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new IllegalStateException("the commit of a new session failed", e.getCause());
    }
  }

  /** Queues {@code session} for the next commit; its future completes when that returns. */
  CompletableFuture<Boolean> submit(Session session) {
    return enqueue(session).opened;
  }

  private Pending enqueue(Session session) {
    Pending pending = new Pending(session);
    synchronized (accepting) {
      if (closed) {
        throw new StoreUnavailableException("the server is stopping and opens no new sessions");
      }
      queue.add(pending);
    }
    return pending;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue; // only close() stops the writer, once the queue is empty
      }
      queue.drainTo(batch, MAX_BATCH - batch.size());
      stop = batch.remove(STOP); // nothing is queued after it
      try {
        write(batch);
      } catch (Throwable e) {
        // The writer outlives any failure: whatever of this batch is unanswered fails with it.
        batch.forEach(p -> p.opened.completeExceptionally(e));
      }
      batch.clear();
    }
  }

  private void write(List<Pending> batch) {
    List<Pending> taken = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      if (pending.claim()) {
        taken.add(pending);
      }
    }
    if (taken.isEmpty()) {
      return;
    }
    try {
      commit(taken);
    } catch (RuntimeException e) {
      if (StoreErrors.isUnavailable(e)) {
        taken.forEach(p -> p.opened.completeExceptionally(e));
        failQueued(e);
      } else if (taken.size() == 1) {
        taken.get(0).opened.completeExceptionally(e);
      } else {
        LOG.warn(
            "A commit of {} new sessions failed ({}); committing each alone",
            taken.size(),
            e.getClass().getSimpleName());
        for (Pending pending : taken) {
          try {
            commit(List.of(pending));
          } catch (RuntimeException alone) {
            pending.opened.completeExceptionally(alone);
          }
        }
      }
    }
  }

  /**
   * One transaction for {@code batch}, its sessions in the order of their keys so that two nodes'
   * writers opening the same uids wait for each other in the same order and never deadlock.
   */
  private void commit(List<Pending> batch) {
    List<Pending> ordered =
        batch.stream()
            .sorted(
                Comparator.comparing((Pending p) -> p.session.integrationId())
                    .thenComparing(p -> p.session.uid()))
            .toList();
    List<Session> sessions = ordered.stream().map(p -> p.session).toList();
    boolean[] opened = jdbi.inTransaction(h -> lifecycle.openEach(h, sessions));
    batchSizes.record(sessions.size());
    for (int i = 0; i < opened.length; i++) {
      ordered.get(i).opened.complete(opened[i]);
    }
  }

  /** The database is away: the requests queued meanwhile are answered now, not after a retry. */
  private void failQueued(RuntimeException unavailable) {
    List<Pending> queued = new ArrayList<>();
    queue.drainTo(queued);
    if (queued.remove(STOP)) {
      queue.add(STOP);
    }
    for (Pending pending : queued) {
      if (pending.claim()) {
        pending.opened.completeExceptionally(unavailable);
      }
    }
  }

  /** Opens no more sessions, commits those queued, and returns once the writer has stopped. */
  @Override
  public void close() {
    synchronized (accepting) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    start(); // a writer never started still commits what was queued
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
