package dev.credence.server.calibration;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL of the model registry ({@code credit_models}). Every change locks the environment's row
 * first, so two nodes fitting or activating at once take turns: one active model, versions and
 * sequence numbers never taken twice.
 */
final class ModelStore {
  /** The registry's name for the model in the environment's settings. */
  static final String SETTINGS = "settings";

  private static final String COLUMNS =
      "integration_id, version, seq, status, calibrated, model, norms, report, reference_pds,"
          + " created_at, created_by, activated_at, activated_by";

  private final Jdbi jdbi;

  ModelStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One registry row.
   *
   * @param model the {@code CreditModel} JSON; null for the {@link #SETTINGS} row
   * @param norms the frozen norms JSON; null for the {@link #SETTINGS} row
   * @param report the validation report JSON; null for the {@link #SETTINGS} row
   * @param referencePds held-out PDs (JSON array) that stability compares with; null likewise
   */
  record Row(
      String integrationId,
      String version,
      int seq,
      String status,
      boolean calibrated,
      String model,
      String norms,
      String report,
      String referencePds,
      Instant createdAt,
      String createdBy,
      Instant activatedAt,
      String activatedBy) {
    boolean isSettings() {
      return model == null;
    }
  }

  /** A fitted model to add as a draft. */
  record Draft(String model, String norms, String report, String referencePds) {}

  /** What an activation changed: the row active before (if another) and the row now active. */
  record Activation(Optional<Row> previous, Row active) {}

  List<Row> list(String integrationId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM credit_models WHERE integration_id = ?"
                        + " ORDER BY seq DESC")
                .bind(0, integrationId)
                .map(ModelStore::row)
                .list());
  }

  Optional<Row> active(String integrationId) {
    return jdbi.withHandle(h -> active(h, integrationId));
  }

  /**
   * Adds the {@link #SETTINGS} row, active, to an environment without rows: the model in effect
   * before the registry was used becomes its first entry.
   */
  void ensureSettingsRow(String integrationId, Instant now, String actor) {
    if (count(integrationId) > 0) {
      return;
    }
    jdbi.useTransaction(h -> lockAndEnsure(h, integrationId, now, actor));
  }

  /**
   * Stores a draft (made for the version chosen) as {@code version}, or as {@code version-N} (N its
   * sequence number) when the environment already has that version; the stored row.
   */
  Row insertDraft(
      String integrationId,
      String version,
      Function<String, Draft> draftFor,
      Instant now,
      String actor) {
    return jdbi.inTransaction(
        h -> {
          lockAndEnsure(h, integrationId, now, actor);
          int seq =
              h.createQuery("SELECT MAX(seq) FROM credit_models WHERE integration_id = ?")
                      .bind(0, integrationId)
                      .mapTo(Integer.class)
                      .one()
                  + 1;
          String chosen =
              find(h, integrationId, version).isPresent() ? version + "-" + seq : version;
          Draft draft = draftFor.apply(chosen);
          h.createUpdate(
                  "INSERT INTO credit_models (integration_id, version, seq, status, calibrated,"
                      + " model, norms, report, reference_pds, created_at, created_by)"
                      + " VALUES (?, ?, ?, 'draft', TRUE, ?, ?, ?, ?, ?, ?)")
              .bind(0, integrationId)
              .bind(1, chosen)
              .bind(2, seq)
              .bind(3, draft.model())
              .bind(4, draft.norms())
              .bind(5, draft.report())
              .bind(6, draft.referencePds())
              .bind(7, utc(now))
              .bind(8, actor)
              .execute();
          return find(h, integrationId, chosen).orElseThrow();
        });
  }

  /**
   * Makes {@code version} the environment's one active model and retires the one active before, in
   * one transaction; empty when the environment has no such version.
   */
  Optional<Activation> activate(String integrationId, String version, Instant now, String actor) {
    return jdbi.inTransaction(
        h -> {
          lockAndEnsure(h, integrationId, now, actor);
          Optional<Row> target = find(h, integrationId, version);
          if (target.isEmpty()) {
            return Optional.empty();
          }
          Optional<Row> previous = active(h, integrationId);
          if (previous.isPresent() && previous.get().version().equals(version)) {
            return Optional.of(new Activation(Optional.empty(), previous.get()));
          }
          h.createUpdate(
                  "UPDATE credit_models SET status = 'retired', active_for = NULL"
                      + " WHERE integration_id = ? AND status = 'active'")
              .bind(0, integrationId)
              .execute();
          h.createUpdate(
                  "UPDATE credit_models SET status = 'active', active_for = integration_id,"
                      + " activated_at = ?, activated_by = ? WHERE integration_id = ? AND version = ?")
              .bind(0, utc(now))
              .bind(1, actor)
              .bind(2, integrationId)
              .bind(3, version)
              .execute();
          return Optional.of(
              new Activation(previous, find(h, integrationId, version).orElseThrow()));
        });
  }

  Optional<Row> find(String integrationId, String version) {
    return jdbi.withHandle(h -> find(h, integrationId, version));
  }

  private long count(String integrationId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM credit_models WHERE integration_id = ?")
                .bind(0, integrationId)
                .mapTo(Long.class)
                .one());
  }

  /**
   * Locks the environment's row (the registry's per-environment mutex), then adds the first row.
   */
  private static void lockAndEnsure(Handle h, String integrationId, Instant now, String actor) {
    h.createQuery("SELECT integration_id FROM environments WHERE integration_id = ? FOR UPDATE")
        .bind(0, integrationId)
        .mapTo(String.class)
        .one();
    long rows =
        h.createQuery("SELECT COUNT(*) FROM credit_models WHERE integration_id = ?")
            .bind(0, integrationId)
            .mapTo(Long.class)
            .one();
    if (rows > 0) {
      return;
    }
    h.createUpdate(
            "INSERT INTO credit_models (integration_id, version, seq, status, active_for,"
                + " calibrated, created_at, created_by, activated_at, activated_by)"
                + " VALUES (?, ?, 1, 'active', ?, FALSE, ?, ?, ?, ?)")
        .bind(0, integrationId)
        .bind(1, SETTINGS)
        .bind(2, integrationId)
        .bind(3, utc(now))
        .bind(4, actor)
        .bind(5, utc(now))
        .bind(6, actor)
        .execute();
  }

  private static Optional<Row> find(Handle h, String integrationId, String version) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM credit_models WHERE integration_id = ? AND version = ?")
        .bind(0, integrationId)
        .bind(1, version)
        .map(ModelStore::row)
        .findOne();
  }

  private static Optional<Row> active(Handle h, String integrationId) {
    return h.createQuery("SELECT " + COLUMNS + " FROM credit_models WHERE active_for = ?")
        .bind(0, integrationId)
        .map(ModelStore::row)
        .findOne();
  }

  private static Row row(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Row(
        rs.getString("integration_id"),
        rs.getString("version"),
        rs.getInt("seq"),
        rs.getString("status"),
        rs.getBoolean("calibrated"),
        rs.getString("model"),
        rs.getString("norms"),
        rs.getString("report"),
        rs.getString("reference_pds"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "activated_at"),
        rs.getString("activated_by"));
  }
}
