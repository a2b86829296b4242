package dev.credence.server.calibration;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.results.ActiveModels;
import dev.credence.server.results.ResultStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Whether the applicants of the last {@link #WINDOW} look like those the active model was validated
 * on: their PDs under the active model and its frozen norms, against its held-out PDs, by {@link
 * Stability}. Rescoring the recent applicants' stored traits makes the comparison hold whichever
 * model scored them at the time.
 */
final class ModelStability {
  static final Duration WINDOW = Duration.ofDays(30);

  /** Fewer recent results than this give too coarse a PSI to act on. */
  static final int MIN_RECENT = 100;

  static final int MAX_RECENT = 10_000;

  private final ResultStore results;
  private final Clock clock;

  ModelStability(ResultStore results, Clock clock) {
    this.results = results;
    this.clock = clock;
  }

  /** The {@code stability} section for the environment's active row. */
  ObjectNode section(ModelStore.Row active) {
    ObjectNode section = JsonNodeFactory.instance.objectNode();
    section.put("window_days", WINDOW.toDays());
    if (active.isSettings()) {
      return section
          .put("status", "no_reference")
          .put(
              "detail",
              "The active model is the one in the environment's settings; it was not fitted here"
                  + " and has no reference distribution to compare with.");
    }
    List<String> recent =
        results.featuresSince(active.integrationId(), clock.instant().minus(WINDOW), MAX_RECENT);
    section.put("recent", recent.size());
    if (recent.size() < MIN_RECENT) {
      return section
          .put("status", "too_few_results")
          .put(
              "detail",
              recent.size()
                  + " results in the last "
                  + WINDOW.toDays()
                  + " days; stability needs at least "
                  + MIN_RECENT
                  + ".");
    }
    ActiveModels.Active model = ModelRegistry.active(active);
    List<Map<String, Double>> recentFeatures = recent.stream().map(ModelFits::features).toList();
    double[] current =
        recentFeatures.stream()
            .mapToDouble(features -> model.model().score(features, model.norms()).pd())
            .toArray();
    ModelFits.Reference reference = ModelFits.reference(active.referencePds());
    section.put("reference", reference.pd().length);
    try {
      Stability stability = Stability.of(reference.pd(), current);
      section
          .put("status", "computed")
          .put("psi", stability.psi())
          .put("bins", stability.bins())
          .put("label", stability.label());
    } catch (IllegalArgumentException e) {
      return section.put("status", "not_computable").put("detail", e.getMessage());
    }
    // Per feature: which of the model's inputs moved, when the score's distribution did.
    ArrayNode features = section.putArray("features");
    reference
        .features()
        .forEach(
            (feature, values) -> {
              ObjectNode row = features.addObject().put("feature", feature);
              double[] now =
                  recentFeatures.stream()
                      .map(f -> ModelFitting.z(f, feature, model.norms()))
                      .filter(java.util.Objects::nonNull)
                      .mapToDouble(Double::doubleValue)
                      .toArray();
              if (values.length < MIN_RECENT || now.length < MIN_RECENT) {
                row.put("status", "too_few_values")
                    .put("detail", "the feature was measured too rarely to compare");
                return;
              }
              try {
                Stability psi = Stability.of(values, now);
                row.put("status", "computed").put("psi", psi.psi()).put("label", psi.label());
              } catch (IllegalArgumentException e) {
                row.put("status", "not_computable").put("detail", e.getMessage());
              }
            });
    return section;
  }
}
