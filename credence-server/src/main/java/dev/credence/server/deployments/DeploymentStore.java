package dev.credence.server.deployments;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.http.Json;
import dev.credence.server.scoring.CreditModel;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of companies, deployments and environments. */
public final class DeploymentStore {
  private static final String ENVIRONMENT_COLUMNS =
      "e.integration_id, e.deployment_id, d.company_id, e.kind, e.api_key_hash,"
          + " e.api_key_ciphertext, e.api_key_hint, e.api_key_rotated_at, e.previous_api_key_hash,"
          + " e.previous_api_key_ciphertext, e.previous_api_key_hint, e.previous_api_key_expires_at,"
          + " e.session_expiry_hours,"
          + " e.complete_url, e.cancelled_url, e.expired_url, e.show_completion_page,"
          + " e.webhook_url, e.privacy_policy_url, e.lender_contact, e.brand_logo_url, e.brand_primary_color,"
          + " e.hmac_required, e.rate_limit_per_minute, e.max_open_sessions, e.assessment_config, e.scoring_model,"
          + " e.norms_minimum, e.retention_days, e.frame_ancestors, e.created_at,"
          + " e.updated_at";
  private static final String SELECT_ENVIRONMENT =
      "SELECT "
          + ENVIRONMENT_COLUMNS
          + " FROM environments e JOIN deployments d"
          + " ON d.id = e.deployment_id ";

  private final Jdbi jdbi;
  private final OwnedSetting assessmentSetting;

  public DeploymentStore(Jdbi jdbi, OwnedSetting assessmentSetting) {
    this.assessmentSetting = assessmentSetting;
    this.jdbi = jdbi;
  }

  public record Company(String id, String name, Instant createdAt) {}

  public record Deployment(String id, String companyId, String name, Instant createdAt) {}

  public void insertCompany(Company company) {
    jdbi.useHandle(
        h ->
            h.createUpdate("INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)")
                .bind(0, company.id())
                .bind(1, company.name())
                .bind(2, utc(company.createdAt()))
                .execute());
  }

  public Optional<Company> findCompany(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT id, name, created_at FROM companies WHERE id = ?")
                .bind(0, id)
                .map(DeploymentStore::company)
                .findOne());
  }

  public List<Company> listCompanies() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT id, name, created_at FROM companies ORDER BY created_at, id")
                .map(DeploymentStore::company)
                .list());
  }

  public boolean hasAnyCompany() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT COUNT(*) FROM companies").mapTo(Long.class).one() > 0);
  }

  /** Inserts a deployment and both its environments in one transaction. */
  public void insertDeployment(Deployment deployment, List<Environment> environments) {
    jdbi.useTransaction(
        h -> {
          h.createUpdate(
                  "INSERT INTO deployments (id, company_id, name, created_at) VALUES (?, ?, ?, ?)")
              .bind(0, deployment.id())
              .bind(1, deployment.companyId())
              .bind(2, deployment.name())
              .bind(3, utc(deployment.createdAt()))
              .execute();
          for (Environment environment : environments) {
            insertEnvironment(h, environment);
          }
        });
  }

  public List<Deployment> listDeployments(String companyId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, company_id, name, created_at FROM deployments WHERE company_id = ?"
                        + " ORDER BY created_at, id")
                .bind(0, companyId)
                .map(DeploymentStore::deployment)
                .list());
  }

  /** One of a company's deployments; another company's id finds nothing. */
  public Optional<Deployment> findDeployment(String companyId, String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, company_id, name, created_at FROM deployments"
                        + " WHERE company_id = ? AND id = ?")
                .bind(0, companyId)
                .bind(1, id)
                .map(DeploymentStore::deployment)
                .findOne());
  }

  public List<Environment> listEnvironments(String deploymentId) {
    return environments("WHERE e.deployment_id = ? ORDER BY e.kind DESC", deploymentId);
  }

  public Optional<Environment> findByIntegrationId(String integrationId) {
    return environments("WHERE e.integration_id = ?", integrationId).stream().findFirst();
  }

  /** Any one environment, oldest first: enough to check that the master key opens its key. */
  public Optional<Environment> findAny() {
    return environments("ORDER BY e.created_at LIMIT 1").stream().findFirst();
  }

  /** The environments with a retention period, for the retention sweep. */
  public List<Environment> listWithRetention() {
    return environments("WHERE e.retention_days IS NOT NULL ORDER BY e.integration_id");
  }

  /**
   * The environment whose current key, or previous key (decision 0027), has the SHA-256 {@code
   * keyHash}, whether or not that previous key still works: the caller decides at its own moment.
   * Two indexed look-ups in one statement.
   */
  public Optional<Environment> findByKeyHash(String keyHash) {
    return environments(
            "WHERE e.api_key_hash = ? UNION ALL "
                + SELECT_ENVIRONMENT
                + "WHERE e.previous_api_key_hash = ?",
            keyHash,
            keyHash)
        .stream()
        .findFirst();
  }

  private List<Environment> environments(String condition, Object... arguments) {
    return jdbi.withHandle(
        h -> {
          var query = h.createQuery(SELECT_ENVIRONMENT + condition);
          for (int i = 0; i < arguments.length; i++) {
            query.bind(i, arguments[i]);
          }
          return query.map(this::environment).list();
        });
  }

  /** Saves an environment's settings and moves the settings version, in one transaction. */
  public void updateSettings(String integrationId, EnvironmentSettings s, Instant now) {
    jdbi.useTransaction(
        h -> {
          h.createUpdate(
                  "UPDATE environments SET session_expiry_hours = :hours, complete_url ="
                      + " :complete, cancelled_url = :cancelled, expired_url = :expired,"
                      + " show_completion_page = :showCompletion, webhook_url = :webhook,"
                      + " privacy_policy_url = :privacy, lender_contact = :contact, brand_logo_url = :logo,"
                      + " brand_primary_color = :color, hmac_required = :hmac,"
                      + " rate_limit_per_minute = :rate, max_open_sessions = :maxOpen,"
                      + " assessment_config = :assessment, scoring_model = :model,"
                      + " norms_minimum = :normsMinimum, retention_days = :retention,"
                      + " frame_ancestors = :frameAncestors,"
                      + " updated_at = :now WHERE integration_id = :id")
              .bindMap(settingsParameters(s))
              .bind("now", utc(now))
              .bind("id", integrationId)
              .execute();
          moveSettingsVersion(h);
        });
  }

  /**
   * Replaces the key and moves the settings version, in one transaction (decision 0024). With
   * {@code previousExpiresAt} null, the key being replaced no longer matches, nor does an earlier
   * one still kept; otherwise the key being replaced becomes the previous key, accepted until then
   * (decision 0027), and an earlier previous key is dropped: two keys at most.
   */
  public void replaceKey(
      String integrationId,
      String keyHash,
      String ciphertext,
      String hint,
      Instant now,
      Instant previousExpiresAt) {
    // Each expression on the right reads the row as it was before the update (standard SQL, on
    // PostgreSQL and H2 alike): the previous key becomes the key being replaced.
    String previous =
        previousExpiresAt == null
            ? "previous_api_key_hash = NULL, previous_api_key_ciphertext = NULL,"
                + " previous_api_key_hint = NULL, previous_api_key_expires_at = NULL"
            : "previous_api_key_hash = api_key_hash,"
                + " previous_api_key_ciphertext = api_key_ciphertext,"
                + " previous_api_key_hint = api_key_hint, previous_api_key_expires_at = :expires";
    jdbi.useTransaction(
        h -> {
          var update =
              h.createUpdate(
                      "UPDATE environments SET "
                          + previous
                          + ", api_key_hash = :hash, api_key_ciphertext = :ciphertext,"
                          + " api_key_hint = :hint, api_key_rotated_at = :now, updated_at = :now"
                          + " WHERE integration_id = :id")
                  .bind("hash", keyHash)
                  .bind("ciphertext", ciphertext)
                  .bind("hint", hint)
                  .bind("now", utc(now))
                  .bind("id", integrationId);
          if (previousExpiresAt != null) {
            update.bind("expires", utc(previousExpiresAt));
          }
          update.execute();
          moveSettingsVersion(h);
        });
  }

  /**
   * Drops the previous key if it still works at {@code now}, and moves the settings version, in one
   * transaction, so that every node lets it go (decisions 0024 and 0027).
   *
   * @return false if the environment had no previous key that still worked (nothing changed)
   */
  public boolean dropPreviousKey(String integrationId, Instant now) {
    return jdbi.inTransaction(
        h -> {
          int dropped =
              h.createUpdate(
                      "UPDATE environments SET previous_api_key_hash = NULL,"
                          + " previous_api_key_ciphertext = NULL, previous_api_key_hint = NULL,"
                          + " previous_api_key_expires_at = NULL, updated_at = :now"
                          + " WHERE integration_id = :id AND previous_api_key_expires_at > :now")
                  .bind("now", utc(now))
                  .bind("id", integrationId)
                  .execute();
          if (dropped > 0) {
            moveSettingsVersion(h);
          }
          return dropped > 0;
        });
  }

  /**
   * The version of every environment's key and settings: it moves with each change of them, so a
   * node that reads the same number as before has nothing cached that changed since.
   */
  public long settingsVersion() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT version FROM settings_version WHERE id = 1")
                .mapTo(Long.class)
                .one());
  }

  private static void moveSettingsVersion(Handle h) {
    h.createUpdate("UPDATE settings_version SET version = version + 1 WHERE id = 1").execute();
  }

  private static void insertEnvironment(Handle h, Environment e) {
    h.createUpdate(
            "INSERT INTO environments (integration_id, deployment_id, kind, api_key_hash,"
                + " api_key_ciphertext, api_key_hint, api_key_rotated_at, session_expiry_hours,"
                + " complete_url, cancelled_url, expired_url, show_completion_page, webhook_url,"
                + " privacy_policy_url, lender_contact, brand_logo_url, brand_primary_color,"
                + " hmac_required,"
                + " rate_limit_per_minute, max_open_sessions, assessment_config, scoring_model, norms_minimum,"
                + " retention_days, frame_ancestors, created_at, updated_at) VALUES"
                + " (:id, :deployment, :kind, :hash, :ciphertext, :hint, :rotated, :hours,"
                + " :complete, :cancelled, :expired, :showCompletion, :webhook, :privacy, :contact,"
                + " :logo,"
                + " :color, :hmac, :rate, :maxOpen, :assessment, :model, :normsMinimum, :retention,"
                + " :frameAncestors,"
                + " :created, :updated)")
        .bind("id", e.integrationId())
        .bind("deployment", e.deploymentId())
        .bind("kind", e.kind().name())
        .bind("hash", e.apiKeyHash())
        .bind("ciphertext", e.apiKeyCiphertext())
        .bind("hint", e.apiKeyHint())
        .bind("rotated", utc(e.apiKeyRotatedAt()))
        .bindMap(settingsParameters(e.settings()))
        .bind("created", utc(e.createdAt()))
        .bind("updated", utc(e.updatedAt()))
        .execute();
  }

  private static Map<String, Object> settingsParameters(EnvironmentSettings s) {
    java.util.HashMap<String, Object> p = new java.util.HashMap<>();
    p.put("hours", s.sessionExpiryHours());
    p.put("complete", s.completeUrl());
    p.put("cancelled", s.cancelledUrl());
    p.put("expired", s.expiredUrl());
    p.put("showCompletion", s.showCompletionPage());
    p.put("webhook", s.webhookUrl());
    p.put("privacy", s.privacyPolicyUrl());
    p.put("contact", s.lenderContact());
    p.put("logo", s.brandLogoUrl());
    p.put("color", s.brandPrimaryColor());
    p.put("hmac", s.hmacRequired());
    p.put("rate", s.rateLimitPerMinute());
    p.put("maxOpen", s.maxOpenSessions());
    p.put("assessment", Json.write(s.assessment()));
    p.put("model", s.scoringModel().toJson());
    p.put("normsMinimum", s.normsMinimum());
    p.put("retention", s.retentionDays());
    // Origins hold no space: one line, space-separated as in the header; NULL for none.
    p.put(
        "frameAncestors",
        s.frameAncestors().isEmpty() ? null : String.join(" ", s.frameAncestors()));
    return p;
  }

  /** The stored JSON of the assessment; NULL (rows from before it existed) is the default. */
  private JsonNode assessment(String json) {
    if (json == null) {
      return assessmentSetting.defaults();
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored assessment configuration is not JSON", e);
    }
  }

  /** The stored origins, space-separated; NULL (none, or rows from before the setting) is none. */
  private static List<String> frameAncestors(String stored) {
    return stored == null ? List.of() : List.of(stored.split(" "));
  }

  /** The stored JSON of a credit model; NULL (rows from before it existed) is the default. */
  private static CreditModel model(String json) {
    return json == null ? CreditModel.DEFAULT : CreditModel.fromJson(json);
  }

  private static Deployment deployment(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Deployment(
        rs.getString("id"),
        rs.getString("company_id"),
        rs.getString("name"),
        instant(rs, "created_at"));
  }

  private static Company company(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Company(rs.getString("id"), rs.getString("name"), instant(rs, "created_at"));
  }

  private static Environment.PreviousKey previousKey(ResultSet rs) throws SQLException {
    String hash = rs.getString("previous_api_key_hash");
    if (hash == null) {
      return null;
    }
    return new Environment.PreviousKey(
        hash,
        rs.getString("previous_api_key_ciphertext"),
        rs.getString("previous_api_key_hint"),
        instant(rs, "previous_api_key_expires_at"));
  }

  private Environment environment(ResultSet rs, StatementContext ctx) throws SQLException {
    EnvironmentSettings settings =
        new EnvironmentSettings(
            rs.getInt("session_expiry_hours"),
            rs.getString("complete_url"),
            rs.getString("cancelled_url"),
            rs.getString("expired_url"),
            rs.getBoolean("show_completion_page"),
            rs.getString("webhook_url"),
            rs.getString("privacy_policy_url"),
            rs.getString("lender_contact"),
            rs.getString("brand_logo_url"),
            rs.getString("brand_primary_color"),
            rs.getBoolean("hmac_required"),
            (Integer) rs.getObject("rate_limit_per_minute", Integer.class),
            (Integer) rs.getObject("max_open_sessions", Integer.class),
            assessment(rs.getString("assessment_config")),
            model(rs.getString("scoring_model")),
            rs.getInt("norms_minimum"),
            (Integer) rs.getObject("retention_days", Integer.class),
            frameAncestors(rs.getString("frame_ancestors")));
    return new Environment(
        rs.getString("integration_id"),
        rs.getString("deployment_id"),
        rs.getString("company_id"),
        EnvironmentKind.valueOf(rs.getString("kind")),
        settings,
        rs.getString("api_key_hash"),
        rs.getString("api_key_ciphertext"),
        rs.getString("api_key_hint"),
        instant(rs, "api_key_rotated_at"),
        previousKey(rs),
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
  }
}
