package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A redelivery brings the event's execution forward while the delivery worker may be picking,
 * finishing or retrying it. db-scheduler answers each of those races as scripted here: a stale
 * version (ExecutionException, "Expected one execution to be updated"), an execution gone, one
 * being run, one created meanwhile.
 */
class SendNowTest {
  private static final String EVENT = "evt_1";
  private static final String TASK = "webhook-delivery";

  /** A scheduler whose calls answer, in turn, what {@code outcomes} holds: a value or a throw. */
  private static final class Scripted {
    final Deque<Object> outcomes = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();

    SchedulerClient client() {
      return (SchedulerClient)
          Proxy.newProxyInstance(
              SchedulerClient.class.getClassLoader(),
              new Class<?>[] {SchedulerClient.class},
              (proxy, method, args) -> {
                calls.add(method.getName());
                Object outcome = outcomes.removeFirst();
                if (outcome instanceof RuntimeException e) {
                  throw e;
                }
                return outcome;
              });
    }
  }

  private static ExecutionException staleVersion() {
    return new ExecutionException(
        "Expected one execution to be updated, but updated 0", TASK, EVENT, 3);
  }

  @Test
  void aRescheduleThatLosesTheRaceIsTriedAgain() {
    Scripted scheduler = new Scripted();
    scheduler.outcomes.add(staleVersion());
    scheduler.outcomes.add(true);
    Webhooks.sendNow(scheduler.client(), EVENT);
    assertThat(scheduler.calls).containsExactly("reschedule", "reschedule");
  }

  @Test
  void anEventWithNothingScheduledIsScheduled() {
    Scripted scheduler = new Scripted();
    scheduler.outcomes.add(new TaskInstanceNotFoundException(TASK, EVENT));
    scheduler.outcomes.add(true);
    Webhooks.sendNow(scheduler.client(), EVENT);
    assertThat(scheduler.calls).containsExactly("reschedule", "scheduleIfNotExists");
  }

  @Test
  void anExecutionCreatedMeanwhileIsBroughtForward() {
    Scripted scheduler = new Scripted();
    scheduler.outcomes.add(new TaskInstanceNotFoundException(TASK, EVENT));
    scheduler.outcomes.add(false);
    scheduler.outcomes.add(true);
    Webhooks.sendNow(scheduler.client(), EVENT);
    assertThat(scheduler.calls).containsExactly("reschedule", "scheduleIfNotExists", "reschedule");
  }

  @Test
  void anAttemptUnderWayIsLeftToFinish() {
    Scripted scheduler = new Scripted();
    scheduler.outcomes.add(new TaskInstanceCurrentlyExecutingException(TASK, EVENT));
    Webhooks.sendNow(scheduler.client(), EVENT);
    assertThat(scheduler.calls).containsExactly("reschedule");
  }

  @Test
  void racesWithoutEndStopAfterFiveTriesWithoutThrowing() {
    Scripted scheduler = new Scripted();
    for (int i = 0; i < 10; i++) {
      scheduler.outcomes.add(staleVersion());
    }
    Webhooks.sendNow(scheduler.client(), EVENT);
    assertThat(scheduler.calls).hasSize(5).containsOnly("reschedule");
  }
}
