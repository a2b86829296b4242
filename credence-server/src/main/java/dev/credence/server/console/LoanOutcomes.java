package dev.credence.server.console;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.CompanyEnvironments.Choice;
import dev.credence.server.console.OutcomeCsv.Refusal;
import dev.credence.server.console.OutcomeCsv.Row;
import dev.credence.server.http.ApiException;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.StoreErrors;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Loan outcomes uploaded for calibrating the scoring model, keyed by uid. An upload stores every
 * good row and lists every refused one; a row already stored is stored again as it is (same uid and
 * outcome: the date of the latest upload holds), so uploading a file twice changes nothing.
 */
public final class LoanOutcomes {
  /** Refused rows listed on the page at most; the count covers them all. */
  public static final int REFUSALS_SHOWN = 1000;

  private static final int UIDS_PER_QUERY = 1000;

  /** The earliest time zone's date: an outcome dated "today" anywhere on Earth is not future. */
  private static final ZoneOffset EARLIEST_ZONE = ZoneOffset.ofHours(14);

  private final Jdbi jdbi;
  private final CompanyEnvironments environments;
  private final SessionStore sessions;
  private final AuditLog audit;
  private final Clock clock;

  public LoanOutcomes(
      Jdbi jdbi,
      CompanyEnvironments environments,
      SessionStore sessions,
      AuditLog audit,
      Clock clock) {
    this.jdbi = jdbi;
    this.environments = environments;
    this.sessions = sessions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * What an upload did: rows accepted ({@code added} new, {@code changed} in date, {@code
   * unchanged} already stored) and rows refused, by line ({@link #REFUSALS_SHOWN} at most listed).
   */
  public record Report(
      Choice environment,
      int added,
      int changed,
      int unchanged,
      int refusedCount,
      List<Refusal> refused) {
    public int accepted() {
      return added + changed + unchanged;
    }

    public boolean moreRefused() {
      return refusedCount > refused.size();
    }
  }

  /** An environment's stored outcomes, by kind, and its last upload. */
  public record Counts(
      Choice environment, Map<String, Integer> byOutcome, int total, Instant lastUploadAt) {}

  public Report upload(ConsoleUser actor, String integrationId, byte[] file) {
    Accounts.requireAdmin(actor);
    environments.find(actor, integrationId);
    Choice choice = environments.choice(actor, integrationId);
    if (file == null || file.length == 0) {
      throw ApiException.unprocessable(
          "csv_missing", "Choose a CSV file to upload; the one sent was empty.");
    }
    OutcomeCsv.Parsed parsed =
        OutcomeCsv.parse(file, clock.instant().atOffset(EARLIEST_ZONE).toLocalDate());
    List<Refusal> refused = new ArrayList<>(parsed.refused());
    Set<String> known =
        sessions
            .findByUids(integrationId, parsed.rows().stream().map(Row::uid).distinct().toList())
            .stream()
            .map(Session::uid)
            .collect(Collectors.toSet());
    List<Row> good = new ArrayList<>();
    for (Row row : parsed.rows()) {
      if (known.contains(row.uid())) {
        good.add(row);
      } else {
        refused.add(new Refusal(row.line(), "unknown uid in " + choice.label()));
      }
    }
    refused.sort(Comparator.comparingInt(Refusal::line));
    int[] stored;
    try {
      stored = jdbi.inTransaction(h -> store(h, integrationId, good, actor.email()));
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // the same rows uploaded at the same moment by someone else: read them again, once
      stored = jdbi.inTransaction(h -> store(h, integrationId, good, actor.email()));
    }
    Report report =
        new Report(
            choice,
            stored[0],
            stored[1],
            good.size() - stored[0] - stored[1],
            refused.size(),
            List.copyOf(refused.subList(0, Math.min(refused.size(), REFUSALS_SHOWN))));
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("environment", choice.label());
    after.put("integration_id", integrationId);
    after.put("accepted", report.accepted());
    after.put("added", report.added());
    after.put("changed", report.changed());
    after.put("refused", report.refusedCount());
    audit.record(actor, "outcomes.uploaded", choice.label(), null, after);
    return report;
  }

  /**
   * @return the rows added and the rows whose date changed
   */
  private int[] store(Handle h, String integrationId, List<Row> rows, String by) {
    Map<String, LocalDate> existing = existing(h, integrationId, rows);
    Instant now = clock.instant();
    PreparedBatch insert =
        h.prepareBatch(
            "INSERT INTO loan_outcomes (integration_id, uid, outcome, outcome_date, uploaded_at,"
                + " uploaded_by) VALUES (?, ?, ?, ?, ?, ?)");
    PreparedBatch update =
        h.prepareBatch(
            "UPDATE loan_outcomes SET outcome_date = ?, uploaded_at = ?, uploaded_by = ?"
                + " WHERE integration_id = ? AND uid = ? AND outcome = ?");
    int added = 0;
    int changed = 0;
    for (Row row : rows) {
      LocalDate before = existing.get(key(row.uid(), row.outcome()));
      if (before == null) {
        insert
            .bind(0, integrationId)
            .bind(1, row.uid())
            .bind(2, row.outcome())
            .bind(3, row.date())
            .bind(4, utc(now))
            .bind(5, by)
            .add();
        added++;
      } else if (!before.equals(row.date())) {
        update
            .bind(0, row.date())
            .bind(1, utc(now))
            .bind(2, by)
            .bind(3, integrationId)
            .bind(4, row.uid())
            .bind(5, row.outcome())
            .add();
        changed++;
      }
    }
    if (added > 0) {
      insert.execute();
    }
    if (changed > 0) {
      update.execute();
    }
    return new int[] {added, changed};
  }

  private static Map<String, LocalDate> existing(Handle h, String integrationId, List<Row> rows) {
    List<String> uids = rows.stream().map(Row::uid).distinct().toList();
    Map<String, LocalDate> existing = new HashMap<>();
    for (int from = 0; from < uids.size(); from += UIDS_PER_QUERY) {
      h.createQuery(
              "SELECT uid, outcome, outcome_date FROM loan_outcomes"
                  + " WHERE integration_id = :integration AND uid IN (<uids>)")
          .bind("integration", integrationId)
          .bindList("uids", uids.subList(from, Math.min(uids.size(), from + UIDS_PER_QUERY)))
          .map(
              (rs, ctx) ->
                  Map.entry(
                      key(rs.getString("uid"), rs.getString("outcome")),
                      rs.getObject("outcome_date", LocalDate.class)))
          .forEach(e -> existing.put(e.getKey(), e.getValue()));
    }
    return existing;
  }

  private static String key(String uid, String outcome) {
    return uid + "\n" + outcome;
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
