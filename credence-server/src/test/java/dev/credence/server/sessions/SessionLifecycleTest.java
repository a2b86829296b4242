package dev.credence.server.sessions;

import static dev.credence.server.sessions.SessionLifecycle.Change.CANCEL;
import static dev.credence.server.sessions.SessionLifecycle.Change.COMPLETE;
import static dev.credence.server.sessions.SessionLifecycle.Change.ERASE;
import static dev.credence.server.sessions.SessionLifecycle.Change.EXPIRE;
import static dev.credence.server.sessions.SessionLifecycle.Change.OPEN;
import static dev.credence.server.sessions.SessionLifecycle.Change.REOPEN;
import static dev.credence.server.sessions.SessionLifecycle.Change.START;
import static dev.credence.server.sessions.SessionStatus.CANCELLED;
import static dev.credence.server.sessions.SessionStatus.COMPLETED;
import static dev.credence.server.sessions.SessionStatus.CREATED;
import static dev.credence.server.sessions.SessionStatus.ERASED;
import static dev.credence.server.sessions.SessionStatus.EXPIRED;
import static dev.credence.server.sessions.SessionStatus.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.sessions.SessionLifecycle.Change;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transitions a session may make, as a table: every status against every change. */
class SessionLifecycleTest {
  /** Each row: a status, and the changes that may start from it. */
  private record Row(SessionStatus status, Set<Change> allowed) {}

  private static final List<Row> TABLE =
      List.of(
          new Row(CREATED, Set.of(START, COMPLETE, CANCEL, EXPIRE, ERASE)),
          new Row(STARTED, Set.of(COMPLETE, CANCEL, EXPIRE, ERASE)),
          new Row(COMPLETED, Set.of(ERASE)),
          new Row(CANCELLED, Set.of(ERASE)),
          new Row(EXPIRED, Set.of(REOPEN, ERASE)),
          new Row(ERASED, Set.of()));

  @Test
  void everyStatusAllowsExactlyTheChangesInTheTable() {
    assertThat(TABLE).extracting(Row::status).containsExactlyInAnyOrder(SessionStatus.values());
    for (Row row : TABLE) {
      for (Change change : Change.values()) {
        assertThat(SessionLifecycle.allows(row.status(), change))
            .as("%s from %s", change, row.status())
            .isEqualTo(row.allowed().contains(change));
      }
    }
  }

  @Test
  void eachChangeLeadsWhereTheTableSays() {
    assertThat(SessionLifecycle.RULES.get(OPEN).to()).isEqualTo(CREATED);
    assertThat(SessionLifecycle.RULES.get(START).to()).isEqualTo(STARTED);
    assertThat(SessionLifecycle.RULES.get(COMPLETE).to()).isEqualTo(COMPLETED);
    assertThat(SessionLifecycle.RULES.get(CANCEL).to()).isEqualTo(CANCELLED);
    assertThat(SessionLifecycle.RULES.get(EXPIRE).to()).isEqualTo(EXPIRED);
    assertThat(SessionLifecycle.RULES.get(ERASE).to()).isEqualTo(ERASED);
    // back to CREATED or STARTED, by whether the applicant had started
    assertThat(SessionLifecycle.RULES.get(REOPEN).to()).isNull();
  }

  @Test
  void finalStatusesAreTheOnesNothingButReopenAndEraseLeaves() {
    for (SessionStatus status : SessionStatus.values()) {
      boolean leaves =
          SessionLifecycle.RULES.entrySet().stream()
              .anyMatch(
                  e ->
                      e.getKey() != REOPEN
                          && e.getKey() != ERASE
                          && e.getValue().from().contains(status));
      assertThat(leaves).as("%s", status).isEqualTo(status.isOpen());
    }
  }

  @Test
  void anyStatusButErasedMayBeErasedAndNothingLeavesErased() {
    for (SessionStatus status : SessionStatus.values()) {
      assertThat(SessionLifecycle.allows(status, ERASE))
          .as("%s", status)
          .isEqualTo(status != ERASED);
    }
    assertThat(SessionLifecycle.RULES.values()).noneMatch(rule -> rule.from().contains(ERASED));
  }
}
