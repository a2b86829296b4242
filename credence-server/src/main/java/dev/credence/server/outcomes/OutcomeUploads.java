package dev.credence.server.outcomes;

import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.audit.Change;
import dev.credence.server.errors.Refusal;
import dev.credence.server.outcomes.OutcomeCsv.RefusedLine;
import dev.credence.server.outcomes.OutcomeCsv.Row;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
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
 * Loan outcomes uploaded for calibrating the scoring model, keyed by uid: one upload path for the
 * dashboard, the operator API and the command line. An upload stores every good row and lists every
 * refused one; a row already stored is stored again as it is (same uid and outcome: the date of the
 * latest upload holds), so uploading a file twice changes nothing. Each upload goes to the
 * company's audit log as its actor's.
 */
public final class OutcomeUploads {
  /** Refused rows listed at most; the count covers them all. */
  public static final int REFUSALS_SHOWN = 1000;

  private static final int UIDS_PER_QUERY = 1000;

  /** The earliest time zone's date: an outcome dated "today" anywhere on Earth is not future. */
  private static final ZoneOffset EARLIEST_ZONE = ZoneOffset.ofHours(14);

  private final Jdbi jdbi;
  private final SessionStore sessions;
  private final AuditLog audit;
  private final Clock clock;

  public OutcomeUploads(Jdbi jdbi, SessionStore sessions, AuditLog audit, Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * What an upload to one environment (named as the dashboard names it, "Loans · Production") did:
   * rows accepted ({@code added} new, {@code changed} in date, {@code unchanged} already stored)
   * and rows refused, by line ({@link #REFUSALS_SHOWN} at most listed).
   */
  public record Upload(
      String environment,
      int added,
      int changed,
      int unchanged,
      int refusedCount,
      List<RefusedLine> refused) {
    public int accepted() {
      return added + changed + unchanged;
    }

    public boolean moreRefused() {
      return refusedCount > refused.size();
    }
  }

  /** Where an upload goes: the environment, its company and its name. */
  public record Target(String companyId, String integrationId, String label) {}

  public Upload upload(Target target, byte[] file, Actor actor) {
    if (file == null || file.length == 0) {
      throw Refusal.invalid("csv_missing", "Choose a CSV file to upload; the one sent was empty.");
    }
    if (file.length > OutcomeCsv.MAX_BYTES) {
      throw Refusal.invalid("csv_too_large", OutcomeCsv.tooLarge());
    }
    String integrationId = target.integrationId();
    OutcomeCsv.Parsed parsed =
        OutcomeCsv.parse(file, clock.instant().atOffset(EARLIEST_ZONE).toLocalDate());
    List<RefusedLine> refused = new ArrayList<>(parsed.refused());
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
        refused.add(new RefusedLine(row.line(), "unknown uid in " + target.label()));
      }
    }
    refused.sort(Comparator.comparingInt(RefusedLine::line));
    int[] stored;
    try {
      stored = jdbi.inTransaction(h -> store(h, integrationId, good, actor.name()));
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // the same rows uploaded at the same moment by someone else: read them again, once
      stored = jdbi.inTransaction(h -> store(h, integrationId, good, actor.name()));
    }
    Upload upload =
        new Upload(
            target.label(),
            stored[0],
            stored[1],
            good.size() - stored[0] - stored[1],
            refused.size(),
            List.copyOf(refused.subList(0, Math.min(refused.size(), REFUSALS_SHOWN))));
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("environment", target.label());
    after.put("integration_id", integrationId);
    after.put("accepted", upload.accepted());
    after.put("added", upload.added());
    after.put("changed", upload.changed());
    after.put("refused", upload.refusedCount());
    audit.record(
        target.companyId(), actor, new Change("outcomes.uploaded", target.label(), null, after));
    return upload;
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
    List<String> newOutcomes = new ArrayList<>();
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
        newOutcomes.add(row.uid());
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
      // The funnel's bad rates of those sessions' days change (console/funnel/FunnelDays).
      SessionLifecycle.changedAfterEnd(
          h, integrationId, newOutcomes.stream().distinct().toList(), now);
    }
    if (changed > 0) {
      update.execute();
    }
    return new int[] {added, changed};
  }

  /**
   * Deletes the environment's outcomes of {@code uid} inside the caller's transaction: what an
   * erasure of its session removes. Its session gone, a later upload refuses the uid as unknown.
   */
  public static void erase(Handle h, String integrationId, String uid) {
    h.createUpdate("DELETE FROM loan_outcomes WHERE integration_id = ? AND uid = ?")
        .bind(0, integrationId)
        .bind(1, uid)
        .execute();
  }

  /** Every outcome stored for the environment, by uid, for fitting a model on them. */
  public Map<String, List<String>> outcomesByUid(String integrationId) {
    Map<String, List<String>> outcomes = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery("SELECT uid, outcome FROM loan_outcomes WHERE integration_id = ?")
                .bind(0, integrationId)
                .map((rs, ctx) -> Map.entry(rs.getString("uid"), rs.getString("outcome")))
                .forEach(
                    e ->
                        outcomes
                            .computeIfAbsent(e.getKey(), uid -> new ArrayList<>())
                            .add(e.getValue())));
    return outcomes;
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
}
