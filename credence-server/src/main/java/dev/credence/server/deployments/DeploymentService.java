package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.config.ConfigException;
import dev.credence.server.deployments.DeploymentStore.Company;
import dev.credence.server.deployments.DeploymentStore.Deployment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.store.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Companies, deployments, their environments, settings and API keys. */
public final class DeploymentService {
  private static final int MAX_NAME_LENGTH = 200;

  private final DeploymentStore store;
  private final SecretBox secretBox;
  private final AddressGuard webhookGuard;
  private final OwnedSetting assessmentSetting;
  private final KeyCache keys;
  private final Clock clock;

  /**
   * @param keys the environments of API keys already found (decision 0024): this service empties it
   *     after each change of a key or settings; whoever runs the node starts and stops its tick
   */
  public DeploymentService(
      DeploymentStore store,
      SecretBox secretBox,
      AddressGuard webhookGuard,
      OwnedSetting assessmentSetting,
      KeyCache keys,
      Clock clock) {
    this.store = store;
    this.secretBox = secretBox;
    this.webhookGuard = webhookGuard;
    this.assessmentSetting = assessmentSetting;
    this.keys = keys;
    this.clock = clock;
  }

  /** A deployment just created: the only moment its API keys are handed out in full. */
  public record CreatedDeployment(
      Deployment deployment,
      Environment test,
      String testKey,
      Environment production,
      String productionKey) {}

  public Company createCompany(String name) {
    Company company = new Company(Ids.newId(), checkName(name), now());
    store.insertCompany(company);
    return company;
  }

  public List<Company> listCompanies() {
    return store.listCompanies();
  }

  public Optional<Company> findCompany(String companyId) {
    return companyId == null ? Optional.empty() : store.findCompany(companyId);
  }

  public String companyName(String companyId) {
    return store.findCompany(companyId).map(Company::name).orElse("");
  }

  public boolean hasAnyCompany() {
    return store.hasAnyCompany();
  }

  public CreatedDeployment createDeployment(String companyId, String name) {
    String checkedName = checkName(name);
    if (companyId == null || store.findCompany(companyId).isEmpty()) {
      throw Refusal.notFound("company_not_found", "No company with id '" + companyId + "'");
    }
    Instant now = now();
    Deployment deployment = new Deployment(Ids.newId(), companyId, checkedName, now);
    String testKey = ApiKeys.generate(EnvironmentKind.TEST);
    String productionKey = ApiKeys.generate(EnvironmentKind.PRODUCTION);
    Environment test = newEnvironment(deployment, EnvironmentKind.TEST, testKey, now);
    Environment production =
        newEnvironment(deployment, EnvironmentKind.PRODUCTION, productionKey, now);
    store.insertDeployment(deployment, List.of(test, production));
    return new CreatedDeployment(deployment, test, testKey, production, productionKey);
  }

  public List<DeploymentWithEnvironments> listDeployments(String companyId) {
    if (companyId == null || store.findCompany(companyId).isEmpty()) {
      throw Refusal.notFound("company_not_found", "No company with id '" + companyId + "'");
    }
    List<DeploymentWithEnvironments> result = new ArrayList<>();
    for (Deployment deployment : store.listDeployments(companyId)) {
      result.add(new DeploymentWithEnvironments(deployment, environmentsOf(deployment)));
    }
    return result;
  }

  public record DeploymentWithEnvironments(Deployment deployment, List<Environment> environments) {
    public Optional<Environment> environment(EnvironmentKind kind) {
      return environments.stream().filter(e -> e.kind() == kind).findFirst();
    }
  }

  /** One of a company's deployments with its environments; another company's id finds nothing. */
  public Optional<DeploymentWithEnvironments> findDeployment(
      String companyId, String deploymentId) {
    return store
        .findDeployment(companyId, deploymentId)
        .map(d -> new DeploymentWithEnvironments(d, environmentsOf(d)));
  }

  private List<Environment> environmentsOf(Deployment deployment) {
    Instant now = clock.instant();
    return store.listEnvironments(deployment.id()).stream().map(e -> e.at(now)).toList();
  }

  public Environment getIntegration(String integrationId) {
    return findIntegration(integrationId).orElseThrow(() -> integrationNotFound(integrationId));
  }

  /** The environments whose finished sessions are erased after a number of days. */
  public List<Environment> listWithRetention() {
    return store.listWithRetention();
  }

  /**
   * The environment of {@code integrationId} for a webhook delivery (its URL and key): from this
   * node's cache ({@link KeyCache}), so that a delivery does not read it from the database each
   * time. A change of the URL or key is seen at once on the node that made it and within {@link
   * KeyCache#BOUND} on the others, as by the session API.
   */
  public Environment forDelivery(String integrationId) {
    return keys.find(
            KeyCache.byIntegration(integrationId), () -> store.findByIntegrationId(integrationId))
        .map(environment -> environment.at(clock.instant()))
        .orElseThrow(() -> integrationNotFound(integrationId));
  }

  private static Refusal integrationNotFound(String integrationId) {
    return Refusal.notFound(
        "integration_not_found", "No integration with id '" + integrationId + "'");
  }

  /**
   * The environment of {@code integrationId} as it stands now: without its previous key once that
   * key's overlap has ended, as every environment this service hands out.
   */
  public Optional<Environment> findIntegration(String integrationId) {
    return store.findByIntegrationId(integrationId).map(e -> e.at(clock.instant()));
  }

  /**
   * Applies a merge patch of settings; 422 with every problem if any value is invalid. The next
   * create call on this node sees the new settings, on other nodes within {@link KeyCache#BOUND}.
   */
  public Environment patchSettings(String integrationId, JsonNode patch) {
    Environment environment = getIntegration(integrationId);
    EnvironmentSettings updated = patched(environment.settings(), patch);
    try {
      store.updateSettings(integrationId, updated, now());
    } finally {
      keys.invalidate();
    }
    return getIntegration(integrationId);
  }

  /**
   * The settings {@code patch} would make of {@code current}, checked as a save checks them (a new
   * {@code webhook_url}'s address, the assessment by its owner), without saving; 422 as a save.
   */
  public EnvironmentSettings patched(EnvironmentSettings current, JsonNode patch) {
    return current.patch(patch, webhookGuard, assessmentSetting);
  }

  /** A key just issued, and until when the key it replaced works beside it (null: not at all). */
  public record RotatedKey(String apiKey, Instant previousKeyExpiresAt) {}

  /**
   * Issues a new key. Without an overlap the old key fails from this moment on this node, and on
   * other nodes within {@link KeyCache#BOUND}. With one, the old key works beside the new one until
   * the overlap ends (decision 0027); a key kept from an earlier rotation stops as without one.
   */
  public RotatedKey rotateKey(String integrationId, KeyOverlap overlap) {
    Environment environment = getIntegration(integrationId);
    String key = ApiKeys.generate(environment.kind());
    Instant now = now();
    Instant previousExpiresAt = overlap.hours() == 0 ? null : now.plus(overlap.duration());
    try {
      store.replaceKey(
          integrationId,
          ApiKeys.hash(key),
          secretBox.encrypt(key, integrationId),
          ApiKeys.hint(key),
          now,
          previousExpiresAt);
    } finally {
      keys.invalidate();
    }
    return new RotatedKey(key, previousExpiresAt);
  }

  /**
   * Ends a rotation's overlap early: the old key fails from this moment on this node, and on other
   * nodes within {@link KeyCache#BOUND}.
   *
   * @throws Refusal CONFLICT {@code no_key_overlap} when no old key works beside the current one
   */
  public Environment endKeyOverlap(String integrationId) {
    getIntegration(integrationId);
    boolean ended;
    try {
      ended = store.dropPreviousKey(integrationId, now());
    } finally {
      keys.invalidate();
    }
    if (!ended) {
      throw Refusal.conflict(
          "no_key_overlap",
          "No old API key works beside the current one of integration '"
              + integrationId
              + "': there is no overlap to end");
    }
    return getIntegration(integrationId);
  }

  /**
   * The environment an API key belongs to, if it is a current key, or a previous key whose overlap
   * runs: from this node's cache of keys already found, else from the database (decisions 0024 and
   * 0027). A previous key is checked against its end at each call, so it stops at that moment
   * whatever the cache holds.
   */
  public Optional<Environment> authenticate(String apiKey) {
    String hash = ApiKeys.hash(apiKey);
    Instant now = clock.instant();
    return keys.find(hash, () -> store.findByKeyHash(hash).filter(e -> e.hasKey(hash, now)))
        .filter(e -> e.hasKey(hash, now))
        .map(e -> e.at(now));
  }

  /** This node's cache of API keys, for the node to run its tick. */
  public KeyCache keyCache() {
    return keys;
  }

  /**
   * Fails start-up at once, with the reason, if the master key cannot open the stored API keys,
   * rather than on the first signed request.
   */
  public void checkMasterKey() {
    store
        .findAny()
        .ifPresent(
            environment -> {
              try {
                apiKey(environment);
              } catch (IllegalStateException e) {
                throw new ConfigException(
                    "CREDENCE_MASTER_KEY cannot decrypt the API keys stored in this database: it is"
                        + " not the key they were written with",
                    e);
              }
            });
  }

  /** The current API key in clear. */
  public String apiKey(Environment environment) {
    return secretBox.decrypt(environment.apiKeyCiphertext(), environment.integrationId());
  }

  /**
   * The API keys in clear that work for {@code environment}, for checking and making HMAC
   * signatures: the current key, then the previous one while its overlap runs (decision 0027).
   */
  public List<String> apiKeys(Environment environment) {
    Environment now = environment.at(clock.instant());
    if (now.previousKey() == null) {
      return List.of(apiKey(now));
    }
    return List.of(
        apiKey(now), secretBox.decrypt(now.previousKey().ciphertext(), now.integrationId()));
  }

  private Environment newEnvironment(
      Deployment deployment, EnvironmentKind kind, String key, Instant now) {
    String integrationId = Ids.newId();
    return new Environment(
        integrationId,
        deployment.id(),
        deployment.companyId(),
        kind,
        EnvironmentSettings.defaults(kind, assessmentSetting.defaults()),
        ApiKeys.hash(key),
        secretBox.encrypt(key, integrationId),
        ApiKeys.hint(key),
        now,
        null,
        now,
        now);
  }

  private static String checkName(String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
      throw Refusal.invalid("invalid_name", "name must be 1 to " + MAX_NAME_LENGTH + " characters");
    }
    return trimmed;
  }

  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }
}
