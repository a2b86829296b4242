package dev.credence.server.console.outcomes;

import static dev.credence.server.store.Timestamps.instant;

import dev.credence.server.audit.Actor;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.CompanyEnvironments.Choice;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.outcomes.OutcomeCsv;
import dev.credence.server.outcomes.OutcomeUploads;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's side of loan outcomes: an Admin's upload to one of the company's environments
 * ({@link OutcomeUploads} stores it) and the stored counts of every environment.
 */
public final class LoanOutcomes {
  private final Jdbi jdbi;
  private final CompanyEnvironments environments;
  private final OutcomeUploads uploads;

  public LoanOutcomes(Jdbi jdbi, CompanyEnvironments environments, OutcomeUploads uploads) {
    this.jdbi = jdbi;
    this.environments = environments;
    this.uploads = uploads;
  }

  /** An environment's stored outcomes, by kind, and its last upload. */
  public record Counts(
      Choice environment, Map<String, Integer> byOutcome, int total, Instant lastUploadAt) {}

  /** An Admin's upload to one of the company's environments. */
  public OutcomeUploads.Upload upload(ConsoleUser actor, String integrationId, byte[] file) {
    actor.requireAdmin();
    Choice choice = environments.choice(actor, integrationId);
    return uploads.upload(
        new OutcomeUploads.Target(actor.companyId(), integrationId, choice.label()),
        file,
        Actor.of(actor));
  }

  /** Every environment of the company with its stored outcomes, zeros included. */
  public List<Counts> counts(ConsoleUser viewer) {
    Map<String, Map<String, Integer>> byEnvironment = new HashMap<>();
    Map<String, Instant> last = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT o.integration_id, o.outcome, COUNT(*) AS n,"
                        + " MAX(o.uploaded_at) AS last_at FROM loan_outcomes o"
                        + " JOIN environments e ON e.integration_id = o.integration_id"
                        + " JOIN deployments d ON d.id = e.deployment_id"
                        + " WHERE d.company_id = ? GROUP BY o.integration_id, o.outcome")
                .bind(0, viewer.companyId())
                .map(
                    (rs, ctx) -> {
                      String id = rs.getString("integration_id");
                      byEnvironment
                          .computeIfAbsent(id, k -> new HashMap<>())
                          .put(rs.getString("outcome"), rs.getInt("n"));
                      Instant at = instant(rs, "last_at");
                      last.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
                      return id;
                    })
                .list());
    List<Counts> counts = new ArrayList<>();
    for (Choice choice : environments.list(viewer.companyId())) {
      Map<String, Integer> byOutcome = new LinkedHashMap<>();
      Map<String, Integer> stored = byEnvironment.getOrDefault(choice.integrationId(), Map.of());
      for (String outcome : OutcomeCsv.OUTCOMES) {
        byOutcome.put(outcome, stored.getOrDefault(outcome, 0));
      }
      int total = byOutcome.values().stream().mapToInt(Integer::intValue).sum();
      counts.add(new Counts(choice, byOutcome, total, last.get(choice.integrationId())));
    }
    return counts;
  }
}
