package dev.credence.server.webhooks;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.credence.server.webhooks.EventStore.Delivery;
import dev.credence.server.webhooks.EventStore.Event;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting deliveries: the head event of a session once its ending commits, or one event again on
 * request. The sending itself is {@link WebhookDelivery}'s task; {@code scheduler} is the node's
 * scheduler, which may not be running yet: what is scheduled before it starts waits in the table.
 */
public final class Webhooks {
  /** The most events one replay of failed events makes pending (the API and the dashboard). */
  public static final int REPLAY_LIMIT = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
  private static final int SEND_NOW_TRIES = 5;

  private final EventStore events;
  private final WebhookDelivery delivery;
  private final SchedulerClient scheduler;
  private final Clock clock;

  public Webhooks(
      EventStore events, WebhookDelivery delivery, SchedulerClient scheduler, Clock clock) {
    this.events = events;
    this.delivery = delivery;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** When events made now stop being retried. */
  public Instant retryUntil(Instant now) {
    return delivery.retryUntil(now);
  }

  /**
   * Schedules the session's head event to go now, unless it is already scheduled (being sent, or
   * waiting for a retry). Safe to call any number of times from any node.
   */
  public void dispatch(String sessionId) {
    delivery.scheduleHead(sessionId, scheduler);
  }

  /** An event of a session with its delivery attempts, oldest first. */
  public record EventLog(Event event, List<Delivery> deliveries) {}

  /** A session's events, oldest first, each with its delivery attempts: what a person reads. */
  public List<EventLog> history(String sessionId) {
    return events.forSession(sessionId).stream()
        .map(e -> new EventLog(e, events.deliveries(e.id())))
        .toList();
  }

  /**
   * Sends again, in order per session, up to {@code limit} of an integration's events that ended
   * with {@code status} (FAILED or NO_WEBHOOK) and were made at or after {@code since}, each with a
   * fresh retry window: each session's first one goes now and the next follows when it is finished,
   * as new events do. Sessions with an event still pending are left out (their order would not
   * hold); a later call takes them once it is finished.
   */
  public EventStore.Reopened redeliver(
      String integrationId, EventStore.Status status, Instant since, int limit) {
    EventStore.Reopened reopened =
        events.reopenEnded(integrationId, status, since, retryUntil(clock.instant()), limit);
    reopened.sessions().forEach(this::dispatch);
    return reopened;
  }

  /**
   * Sends an event again now, whatever became of it, with a fresh retry window. A manual action: it
   * goes at once, even if an earlier event of its session is still waiting. Returns false when
   * there is no such event, or it is a {@code session.erased} already sent, whose body is gone.
   */
  public boolean redeliver(String eventId) {
    Optional<Event> event = events.find(eventId);
    if (event.isEmpty() || event.get().isScrubbed()) {
      return false;
    }
    events.reopen(eventId, retryUntil(clock.instant()));
    sendNow(scheduler, eventId);
    return true;
  }

  /**
   * Brings an event's delivery forward to now, or schedules it when nothing is scheduled. The
   * worker may pick, finish or retry that very execution between db-scheduler's read and its write
   * (it then refuses the stale version with an {@link ExecutionException}); each such race is tried
   * again on a fresh read. Should every try lose, the event is pending all the same and the repair
   * task schedules it.
   */
  static void sendNow(SchedulerClient scheduler, String eventId) {
    TaskInstanceId id = TaskInstanceId.of(WebhookDelivery.TASK.getTaskName(), eventId);
    for (int tries = 0; tries < SEND_NOW_TRIES; tries++) {
      try {
        // Waiting for a retry: bring it forward.
        scheduler.reschedule(id, Instant.now());
        return;
      } catch (TaskInstanceNotFoundException finished) {
        if (scheduler.scheduleIfNotExists(
            WebhookDelivery.TASK.instance(eventId).scheduledTo(Instant.now()))) {
          return;
        }
        // Scheduled meanwhile (its session's previous event finished): bring that one forward.
      } catch (TaskInstanceCurrentlyExecutingException sending) {
        // Being sent this very moment: that attempt's outcome stands, retries included.
        return;
      } catch (ExecutionException moved) {
        // Picked or rescheduled between the read and the write: read again.
      }
    }
    LOG.warn(
        "Event {}: its delivery kept changing under a redelivery; the repair task sends it",
        eventId);
  }
}
