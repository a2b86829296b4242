package dev.credence.server.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.Json;
import dev.credence.server.results.ActiveModels;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Which model each environment scores with: its active registry model with the norms it was fitted
 * under, or (the {@code settings} row active, or no row yet) the model in its settings. Scoring
 * asks on every result, so the answer is kept for {@link #ACTIVE_REFRESH}: an activation applies at
 * once on the node that made it and within that time on every other node.
 */
public final class ModelRegistry implements ActiveModels {
  static final Duration ACTIVE_REFRESH = Duration.ofSeconds(30);

  private final ModelStore store;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Active> active, Instant at) {}

  ModelRegistry(ModelStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public static ModelRegistry open(Jdbi jdbi, Clock clock) {
    return new ModelRegistry(new ModelStore(jdbi), clock);
  }

  ModelStore store() {
    return store;
  }

  @Override
  public Optional<Active> find(String integrationId) {
    Instant now = clock.instant();
    Cached cached = cache.get(integrationId);
    if (cached != null && cached.at().plus(ACTIVE_REFRESH).isAfter(now)) {
      return cached.active();
    }
    Optional<Active> active =
        store.active(integrationId).filter(row -> !row.isSettings()).map(ModelRegistry::active);
    cache.put(integrationId, new Cached(active, now));
    return active;
  }

  /** The model {@code environment} scores with now (read afresh, not from the cache). */
  CreditModel inUse(Environment environment) {
    return store
        .active(environment.integrationId())
        .filter(row -> !row.isSettings())
        .map(row -> CreditModel.fromJson(row.model()))
        .orElse(environment.settings().scoringModel());
  }

  /** Forgets the environment's cached answer, after an activation on this node. */
  void forget(String integrationId) {
    cache.remove(integrationId);
  }

  static Active active(ModelStore.Row row) {
    return new Active(CreditModel.fromJson(row.model()), norms(row.norms()));
  }

  static Norms norms(String json) {
    try {
      return Json.MAPPER.readValue(json, Norms.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored norms are not JSON", e);
    }
  }
}
