package dev.credence.server.results;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of results: written once per completed session, then only read. */
public final class ResultStore {
  private static final String SELECT =
      "SELECT r.session_id, r.integration_id, r.uid, r.scored_at, r.score, r.risk_band,"
          + " r.score_confidence, r.review_required, r.model_version, r.calibrated,"
          + " r.norms_source, r.calculated, r.simulated, s.started_at, s.finished_at"
          + " FROM results r JOIN sessions s ON s.id = r.session_id";

  private final Jdbi jdbi;

  public ResultStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * A stored result with its session's times.
   *
   * @param calculated the JSON object lenders receive as {@code details.calculated}
   * @param simulated scored from a simulation's script
   */
  public record StoredResult(
      String sessionId,
      String integrationId,
      String uid,
      Instant scoredAt,
      int score,
      String riskBand,
      String scoreConfidence,
      boolean reviewRequired,
      String modelVersion,
      boolean calibrated,
      String normsSource,
      String calculated,
      boolean simulated,
      Instant startedAt,
      Instant completedAt) {}

  /** Inserts inside the caller's transaction; a second result of a session fails (primary key). */
  public static void insert(
      Handle h, String sessionId, String integrationId, String uid, Scored s) {
    h.createUpdate(
            "INSERT INTO results (session_id, integration_id, uid, scored_at, score, risk_band,"
                + " score_confidence, review_required, model_version, calibrated, norms_source,"
                + " calculated, features, form, language, simulated)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(0, sessionId)
        .bind(1, integrationId)
        .bind(2, uid)
        .bind(3, utc(s.scoredAt()))
        .bind(4, s.model().score())
        .bind(5, s.model().riskBand())
        .bind(6, s.trust().scoreConfidence().name())
        .bind(7, s.trust().reviewRequired())
        .bind(8, s.model().modelVersion())
        .bind(9, s.model().calibrated())
        .bind(10, s.model().normsSource())
        .bind(11, s.calculatedJson())
        .bind(12, s.featuresJson())
        .bind(13, s.form())
        .bind(14, s.language())
        .bind(15, s.simulated())
        .execute();
  }

  /**
   * Deletes a session's result (its score, features and calculated details) inside the caller's
   * transaction: what its erasure removes of the results.
   */
  public static void erase(Handle h, String sessionId) {
    h.createUpdate("DELETE FROM results WHERE session_id = ?").bind(0, sessionId).execute();
  }

  public Optional<StoredResult> find(String integrationId, String uid) {
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT + " WHERE r.integration_id = ? AND r.uid = ?")
                .bind(0, integrationId)
                .bind(1, uid)
                .map(ResultStore::result)
                .findOne());
  }

  /**
   * Results scored after the cursor position and up to {@code until}, oldest first: at {@code
   * after} only those with a session id above {@code afterSessionId}, so equal times never skip or
   * repeat a result.
   */
  public List<StoredResult> page(
      String integrationId, Instant after, String afterSessionId, Instant until, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    SELECT
                        + " WHERE r.integration_id = :integration AND (r.scored_at > :after"
                        + " OR (r.scored_at = :after AND r.session_id > :afterId))"
                        + " AND r.scored_at <= :until"
                        + " ORDER BY r.scored_at, r.session_id FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind("integration", integrationId)
                .bind("after", utc(after))
                .bind("afterId", afterSessionId)
                .bind("until", utc(until))
                .map(ResultStore::result)
                .list());
  }

  /**
   * Which results an environment's own norms for one form are built from: that form's (and those
   * scored before forms were recorded, which count for every form), leaving out LOW-confidence
   * results, whose answers are too doubtful to describe the population, and simulated ones, which
   * describe nobody; with a {@code language}, only that language's.
   */
  private static String normed(String language) {
    return " FROM results WHERE integration_id = :integration AND (form = :form OR form IS NULL)"
        + " AND score_confidence <> 'LOW' AND simulated = FALSE"
        + (language == null ? "" : " AND language = :language");
  }

  private static Query normed(Query query, String integrationId, String form, String language) {
    query.bind("integration", integrationId).bind("form", form);
    return language == null ? query : query.bind("language", language);
  }

  /** How many results {@link #featuresForNorms} can draw on; {@code language} null for all. */
  public long countForNorms(String integrationId, String form, String language) {
    return jdbi.withHandle(
        h ->
            normed(
                    h.createQuery("SELECT COUNT(*)" + normed(language)),
                    integrationId,
                    form,
                    language)
                .mapTo(Long.class)
                .one());
  }

  /**
   * The trait values (JSON objects) of the latest results an environment's norms for a form use.
   */
  public List<String> featuresForNorms(
      String integrationId, String form, String language, int limit) {
    return jdbi.withHandle(
        h ->
            normed(
                    h.createQuery(
                        "SELECT features"
                            + normed(language)
                            + " ORDER BY scored_at DESC FETCH FIRST "
                            + limit
                            + " ROWS ONLY"),
                    integrationId,
                    form,
                    language)
                .mapTo(String.class)
                .list());
  }

  /** A scored applicant as a fit reads it: the uid, its trait values (JSON) and confidence. */
  public record ScoredFeatures(String uid, String features, String scoreConfidence) {}

  /**
   * Every result of the environment but the simulated ones, oldest first (a uid scored more than
   * once appears once per result; the reader keeps the latest).
   */
  public List<ScoredFeatures> scoredFeatures(String integrationId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT uid, features, score_confidence FROM results WHERE integration_id = ?"
                        + " AND simulated = FALSE ORDER BY scored_at, session_id")
                .bind(0, integrationId)
                .map(
                    (rs, ctx) ->
                        new ScoredFeatures(
                            rs.getString("uid"),
                            rs.getString("features"),
                            rs.getString("score_confidence")))
                .list());
  }

  /**
   * The trait values (JSON objects) of the environment's results scored at or after {@code since},
   * simulated ones left out.
   */
  public List<String> featuresSince(String integrationId, Instant since, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT features FROM results WHERE integration_id = ? AND scored_at >= ?"
                        + " AND simulated = FALSE ORDER BY scored_at DESC FETCH FIRST "
                        + limit
                        + " ROWS ONLY")
                .bind(0, integrationId)
                .bind(1, utc(since))
                .mapTo(String.class)
                .list());
  }

  private static StoredResult result(ResultSet rs, StatementContext ctx) throws SQLException {
    return new StoredResult(
        rs.getString("session_id"),
        rs.getString("integration_id"),
        rs.getString("uid"),
        instant(rs, "scored_at"),
        rs.getInt("score"),
        rs.getString("risk_band"),
        rs.getString("score_confidence"),
        rs.getBoolean("review_required"),
        rs.getString("model_version"),
        rs.getBoolean("calibrated"),
        rs.getString("norms_source"),
        rs.getString("calculated"),
        rs.getBoolean("simulated"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }
}
