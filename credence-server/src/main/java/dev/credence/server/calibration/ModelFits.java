package dev.credence.server.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.Json;
import dev.credence.server.outcomes.OutcomeUploads;
import dev.credence.server.results.ResultStore;
import dev.credence.server.results.Scorer;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a draft model on an environment's scored applicants and their loan outcomes, and stores it
 * with the norms it was fitted under and its report. The features and band cut-offs are those of
 * the model the environment scores with now; the norms are the environment's current ones (its
 * population's once it has enough results), so a refit takes up the population as it is today.
 */
final class ModelFits {
  /** Held-out PDs kept for the stability check: at most this many, evenly spaced quantiles. */
  static final int REFERENCE_POINTS = 1000;

  /** Quantiles kept of each feature's held-out values: enough for the deciles PSI bins by. */
  static final int FEATURE_POINTS = 200;

  static final ObjectMapper SNAKE_CASE =
      Json.MAPPER.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private static final TypeReference<Map<String, Double>> FEATURES = new TypeReference<>() {};
  private static final DateTimeFormatter VERSION =
      DateTimeFormatter.ofPattern("'fit-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final ModelStore store;
  private final ModelRegistry registry;
  private final ResultStore results;
  private final OutcomeUploads outcomes;
  private final Scorer scorer;
  private final Clock clock;

  ModelFits(
      ModelStore store,
      ModelRegistry registry,
      ResultStore results,
      OutcomeUploads outcomes,
      Scorer scorer,
      Clock clock) {
    this.store = store;
    this.registry = registry;
    this.results = results;
    this.outcomes = outcomes;
    this.scorer = scorer;
    this.clock = clock;
  }

  /**
   * Fits and stores a draft named {@code fit-YYYYMMDD-HHMMSS} (UTC), with {@code -N} added when an
   * earlier fit took that name.
   *
   * @throws ModelFitting.InsufficientOutcomes below the minimum labelled applicants or bads
   */
  ModelStore.Row fit(Environment environment, ModelFitting.Options options, String actor) {
    String integrationId = environment.integrationId();
    CreditModel current = registry.inUse(environment);
    Norms norms = scorer.currentNorms(environment);
    List<ModelFitting.Applicant> applicants = applicants(integrationId);
    Instant now = clock.instant();
    String version = VERSION.format(now);
    ModelFitting.Fitted fitted =
        ModelFitting.fit(
            applicants,
            options,
            norms,
            List.copyOf(current.weights().keySet()),
            current.cutoffs(),
            version);
    String normsJson = Json.write(norms);
    String report = report(fitted.report()).toString();
    List<ModelFitting.Applicant> heldOut = heldOut(applicants, options);
    String reference =
        Json.write(
            new Reference(
                referencePds(heldOut, fitted.model(), norms),
                referenceFeatures(heldOut, fitted.model(), norms)));
    return store.insertDraft(
        integrationId,
        version,
        // The version is settled in the store's transaction; the model carries the one settled.
        chosen ->
            new ModelStore.Draft(
                named(fitted.model(), chosen).toJson(), normsJson, report, reference),
        now,
        actor);
  }

  private static CreditModel named(CreditModel m, String version) {
    return new CreditModel(version, m.calibrated(), m.intercept(), m.weights(), m.cutoffs());
  }

  /** The report as the API shows it: snake_case keys, the bad outcomes in their order. */
  static ObjectNode report(ModelFitting.Report report) {
    ObjectNode json = SNAKE_CASE.valueToTree(report);
    ObjectNode options = json.putObject("options");
    options
        .putArray("bad")
        .addAll(
            ModelFitting.OUTCOME_ORDER.stream()
                .filter(report.options().bad()::contains)
                .map(Json.MAPPER.getNodeFactory()::textNode)
                .toList());
    options.put("min_confidence", report.options().minConfidence().name());
    return json;
  }

  /** The environment's scored applicants (each uid's latest result) with their outcomes. */
  private List<ModelFitting.Applicant> applicants(String integrationId) {
    Map<String, List<String>> byUid = outcomes.outcomesByUid(integrationId);
    Map<String, ModelFitting.Applicant> latest = new LinkedHashMap<>();
    for (ResultStore.ScoredFeatures scored : results.scoredFeatures(integrationId)) {
      latest.put(
          scored.uid(),
          new ModelFitting.Applicant(
              scored.uid(),
              features(scored.features()),
              Confidence.valueOf(scored.scoreConfidence()),
              byUid.getOrDefault(scored.uid(), List.of())));
    }
    return List.copyOf(latest.values());
  }

  /**
   * What later applicants are compared with: the held-out applicants' PDs under the new model and,
   * per model feature, their standardised values (z under the frozen norms; an applicant without
   * the feature is left out of that feature's list).
   */
  record Reference(double[] pd, Map<String, double[]> features) {}

  static Map<String, double[]> referenceFeatures(
      List<ModelFitting.Applicant> heldOut, CreditModel model, Norms norms) {
    Map<String, double[]> features = new LinkedHashMap<>();
    for (String feature : model.weights().keySet()) {
      List<Double> values = new ArrayList<>();
      for (ModelFitting.Applicant applicant : heldOut) {
        Double z = ModelFitting.z(applicant.features(), feature, norms);
        if (z != null) {
          values.add(z);
        }
      }
      features.put(feature, quantiles(values, FEATURE_POINTS));
    }
    return features;
  }

  /** The labelled applicants the fit held out: the reference later applicants are compared with. */
  static List<ModelFitting.Applicant> heldOut(
      List<ModelFitting.Applicant> applicants, ModelFitting.Options options) {
    return applicants.stream()
        .filter(a -> ModelFitting.label(a, options) != null)
        .filter(a -> Split.sideOf(a.uid()) == Split.Side.HELD_OUT)
        .toList();
  }

  /** Up to {@code points} evenly spaced quantiles of {@code values}, sorted. */
  static double[] quantiles(List<Double> values, int points) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length <= points) {
      return sorted;
    }
    double[] out = new double[points];
    for (int i = 0; i < out.length; i++) {
      out[i] = sorted[(int) ((long) i * (sorted.length - 1) / (out.length - 1))];
    }
    return out;
  }

  /**
   * The PDs the new model gives the labelled applicants it was not fitted on: the distribution that
   * later scores are compared with. Above {@link #REFERENCE_POINTS}, evenly spaced quantiles of it.
   */
  static double[] referencePds(
      List<ModelFitting.Applicant> heldOut, CreditModel model, Norms norms) {
    List<Double> pds = new ArrayList<>();
    for (ModelFitting.Applicant applicant : heldOut) {
      pds.add(model.score(applicant.features(), norms).pd());
    }
    return quantiles(pds, REFERENCE_POINTS);
  }

  static Map<String, Double> features(String json) {
    try {
      return Json.MAPPER.readValue(json, FEATURES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored features are not JSON", e);
    }
  }

  static Reference reference(String json) {
    try {
      return Json.MAPPER.readValue(json, Reference.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the stored reference is not JSON", e);
    }
  }
}
