package dev.credence.server.assessment;

import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * What a module reads its progress from: the session, the item bank, the database for its own
 * tables, the session's rows of the shared answers table (by module, then item), read once, and the
 * modules whose introduction the applicant has pressed Ready on.
 */
public record SessionData(
    String sessionId,
    AssessmentStore store,
    ItemBank items,
    Map<String, Map<String, Integer>> all,
    Set<String> started) {

  /** The stored answers of one module, by item. */
  public Map<String, Integer> answers(String module) {
    return all.getOrDefault(module, Map.of());
  }

  public Jdbi jdbi() {
    return store.jdbi();
  }
}
