package dev.credence.server.webhooks;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.RequestLog;
import dev.credence.server.webhooks.EventStore.Delivery;
import dev.credence.server.webhooks.EventStore.Event;
import dev.credence.server.webhooks.EventStore.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The delivery task: one db-scheduler instance per event, named by the event id, so a node that
 * claims it is the only one sending it, and a task left by a stopped node is picked up by another.
 * The events of one session go out in order: only a session's first pending event (its head) is
 * scheduled, and finishing it schedules the next. Success is exactly HTTP 200; anything else is
 * retried with {@link Backoff} until the event's retry window closes, then it is FAILED. A URL
 * whose address is refused ({@code AddressGuard}) fails the event at its first attempt.
 */
public final class WebhookDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  /** The delivery task: one instance per event, named by the event id. */
  public static final TaskDescriptor<Void> TASK = TaskDescriptor.of("webhook-delivery");

  private static final Duration REPAIR_AFTER = Duration.ofMinutes(1);

  private final EventStore events;
  private final DeploymentService deployments;
  private final WebhookSender sender;
  private final Backoff backoff;
  private final Duration retryFor;
  private final Clock clock;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);

  /** What one delivery attempt came to, as counted by {@code credence_webhook_deliveries_total}. */
  public enum Outcome {
    /** The receiver answered 200: the event is DELIVERED. */
    DELIVERED,
    /** Anything else, and the retry window is still open: another attempt is scheduled. */
    RETRYING,
    /** Anything else, and the retry window has closed: the event is FAILED. */
    FAILED,
    /** The URL's address is not one webhooks may reach: the event is FAILED at once. */
    ADDRESS_REFUSED,
    /** No webhook URL was set when the event's turn came: the event is NO_WEBHOOK. */
    NO_WEBHOOK;

    /** The label value: the name in lower case. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public WebhookDelivery(
      EventStore events,
      DeploymentService deployments,
      WebhookSender sender,
      Backoff backoff,
      Duration retryFor,
      Clock clock,
      MeterRegistry meters) {
    this.events = events;
    this.deployments = deployments;
    this.sender = sender;
    this.backoff = backoff;
    this.retryFor = retryFor;
    this.clock = clock;
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(
          outcome,
          Counter.builder("credence.webhook.deliveries")
              .description("Webhook delivery attempts by outcome")
              .tag("outcome", outcome.label())
              .register(meters));
    }
    // The outbox's backlog is read from the database at each scrape: every node reports the
    // deployment's whole backlog, since any node may send any event.
    Gauge.builder("credence.webhook.backlog", () -> events.backlog(clock.instant()).due())
        .description(
            "Webhook events due to be sent (pending, never tried or past their retry time)")
        .register(meters);
    Gauge.builder("credence.webhook.oldest.due.age", this::oldestDueSeconds)
        .description("How long the longest-waiting due webhook event has been due; 0 if none")
        .baseUnit("seconds")
        .register(meters);
  }

  private double oldestDueSeconds() {
    Instant now = clock.instant();
    Instant oldest = events.backlog(now).oldestDue();
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
  }

  /** When events made at {@code now} stop being retried. */
  public Instant retryUntil(Instant now) {
    return now.plus(retryFor);
  }

  public CustomTask<Void> task() {
    return Tasks.custom(TASK)
        // An attempt that broke before the receiver was called (the database was away): try again
        // in 30 s, then later and later; the event stays PENDING, nothing is lost.
        .onFailure(new FailureHandler.ExponentialBackoffFailureHandler<>(Duration.ofSeconds(30)))
        .execute((instance, context) -> logged(instance.getId(), context.getSchedulerClient()));
  }

  /** Schedules the session's head event to go now, unless it is already scheduled. */
  void scheduleHead(String sessionId, SchedulerClient client) {
    events.head(sessionId).ifPresent(head -> schedule(head.id(), client));
  }

  /**
   * Schedules the head event of every session whose events have waited a minute or more: events
   * stored by a node that stopped before scheduling them. A no-op for heads already scheduled.
   * Returns how many sessions it looked at.
   */
  public int repair(SchedulerClient client) {
    List<String> sessions = events.sessionsWithPending(clock.instant().minus(REPAIR_AFTER), 1000);
    sessions.forEach(session -> scheduleHead(session, client));
    return sessions.size();
  }

  /**
   * At a node's start, before it runs any task: schedules the head event of every session with an
   * event pending, however recent, so that what a node stopped by a crash left unscheduled goes out
   * at once rather than at the next repair pass. A no-op for heads already scheduled (by another
   * node, or waiting for a retry). Returns how many sessions it looked at.
   */
  public int repairAll(SchedulerClient client) {
    int seen = 0;
    List<String> batch;
    String after = "";
    do {
      batch = events.sessionsWithPendingAfter(after, 1000);
      batch.forEach(session -> scheduleHead(session, client));
      seen += batch.size();
      after = batch.isEmpty() ? after : batch.get(batch.size() - 1);
    } while (batch.size() == 1000);
    return seen;
  }

  /**
   * One attempt, every line it logs naming the event and its integration (docs/configuration.md).
   */
  private CompletionHandler<Void> logged(String eventId, SchedulerClient client) {
    MDC.put(RequestLog.EVENT_ID, eventId);
    try {
      return attempt(eventId, client);
    } finally {
      MDC.remove(RequestLog.EVENT_ID);
      MDC.remove(RequestLog.INTEGRATION_ID);
    }
  }

  private CompletionHandler<Void> attempt(String eventId, SchedulerClient client) {
    Optional<Event> found = events.find(eventId);
    if (found.isEmpty() || found.get().status() != Status.PENDING) {
      return new CompletionHandler.OnCompleteRemove<>();
    }
    Event event = found.get();
    RequestLog.integration(event.integrationId());
    Environment environment = deployments.forDelivery(event.integrationId());
    String url = environment.settings().webhookUrl();
    if (url == null) {
      outcomes.get(Outcome.NO_WEBHOOK).increment();
      return end(event, null, event.retryUntil(), Status.NO_WEBHOOK, client);
    }
    Instant started = clock.instant();
    // The window starts at the event's first attempt (or its redelivery), not when it was made.
    Instant until =
        event.windowAttempts() == 0
            ? later(event.retryUntil(), retryUntil(started))
            : event.retryUntil();
    WebhookSender.Answer answer =
        sender.send(url, deployments.apiKeys(environment), event.id(), event.body());
    int attempt = event.attempts() + 1;
    Delivery delivery =
        new Delivery(
            event.id(),
            attempt,
            started,
            url,
            answer.statusCode(),
            answer.error(),
            answer.latencyMs(),
            answer.body());
    if (answer.delivered()) {
      outcomes.get(Outcome.DELIVERED).increment();
      return end(event, delivery, until, Status.DELIVERED, client);
    }
    if (answer.addressRefused()) {
      // The address stays refused until the URL or the allowed networks change: no retries. A
      // redelivery after such a change sends it again.
      outcomes.get(Outcome.ADDRESS_REFUSED).increment();
      LOG.warn(
          "Webhook event {} ({}) FAILED: {} for {}",
          event.id(),
          event.type().wireName(),
          answer.error(),
          WebhookSender.host(url));
      return end(event, delivery, until, Status.FAILED, client);
    }
    Duration delay =
        backoff.delay(event.windowAttempts() + 1, ThreadLocalRandom.current().nextDouble());
    if (clock.instant().plus(delay).isAfter(until)) {
      outcomes.get(Outcome.FAILED).increment();
      LOG.warn(
          "Webhook event {} ({}) FAILED after {} attempts: {}",
          event.id(),
          event.type().wireName(),
          attempt,
          answer.error() != null ? answer.error() : "HTTP " + answer.statusCode());
      return end(event, delivery, until, Status.FAILED, client);
    }
    events.recordAttempt(delivery, clock.instant().plus(delay), until);
    outcomes.get(Outcome.RETRYING).increment();
    Instant next = Instant.now().plus(delay);
    return (complete, operations) -> operations.reschedule(complete, next);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * Ends the event with its last attempt (null if none was made) and schedules the session's next
   * event: the bookkeeping is one transaction (EventStore#end), the scheduling db-scheduler's own.
   */
  private CompletionHandler<Void> end(
      Event event, Delivery last, Instant until, Status status, SchedulerClient client) {
    events
        .end(event, last, until, status, clock.instant())
        .ifPresent(next -> schedule(next, client));
    return new CompletionHandler.OnCompleteRemove<>();
  }

  private static void schedule(String eventId, SchedulerClient client) {
    client.scheduleIfNotExists(TASK.instance(eventId).scheduledTo(Instant.now()));
  }
}
