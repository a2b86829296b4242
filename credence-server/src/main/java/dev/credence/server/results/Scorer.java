package dev.credence.server.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.Calculated;
import dev.credence.server.assessment.AssessmentModules;
import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.EnvironmentSettings;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Design;
import dev.credence.server.scoring.ModelResult;
import dev.credence.server.scoring.Norms;
import dev.credence.server.scoring.TraitScorer;
import dev.credence.server.scoring.TrustIndicators;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores a finished journey: given everything it answered as an {@link AnswerSheet}, runs the pure
 * scoring ({@link TraitScorer}, {@link TrustIndicators}, the environment's credit model under its
 * norms). An environment's own norms are rebuilt from its latest results at most every {@link
 * #NORMS_REFRESH}, once it has the minimum it is set to. An active registry model ({@link
 * ActiveModels}) replaces the settings' model and scores under its own frozen norms.
 */
public final class Scorer {
  static final Duration NORMS_REFRESH = Duration.ofMinutes(10);
  static final int NORMS_SAMPLE = 10_000;
  private static final TypeReference<Map<String, Double>> FEATURES = new TypeReference<>() {};

  private final ResultStore results;
  private final AssessmentModules modules;
  private final String itemBank;
  private final ActiveModels activeModels;
  private final Clock clock;
  private final Map<String, CachedNorms> norms = new ConcurrentHashMap<>();

  public Scorer(
      ResultStore results,
      AssessmentModules modules,
      String itemBank,
      ActiveModels activeModels,
      Clock clock) {
    this.results = results;
    this.modules = modules;
    this.itemBank = itemBank;
    this.activeModels = activeModels;
    this.clock = clock;
  }

  private record CachedNorms(NormsInUse inUse, Instant at, int minimum) {}

  /**
   * Norms as a result names them: the set, and for the environment's own population how many
   * results it was built from and when (null for the defaults).
   */
  record NormsInUse(Norms norms, Integer n, Instant builtAt, String language) {
    ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("source", norms.source());
      if (n != null) {
        json.put("n", n);
        json.put("built_at", builtAt.getEpochSecond());
      }
      if (language != null) {
        json.put("language", language);
      }
      return json;
    }
  }

  /** Scores {@code sheet}, what the session of {@code view} answered. */
  public Scored score(View view, AnswerSheet sheet) {
    TraitScorer.Traits traits = TraitScorer.score(sheet);
    Map<String, Double> features = TraitScorer.features(traits, sheet);
    return scored(view, scoring(view), features, TrustIndicators.assess(sheet), false);
  }

  /**
   * Scores a simulated applicant of {@code view}'s session as {@code script} says: trait values
   * that the environment's model, under its norms, puts in the scripted band ({@link
   * CreditModel#featuresFor}), and the scripted flags ({@link TrustIndicators#of}).
   */
  public Scored scripted(View view, Script script) {
    Scoring scoring = scoring(view);
    Map<String, Double> features = features(scoring, script);
    return scored(view, scoring, features, TrustIndicators.of(script.flags()), true);
  }

  /**
   * Refuses, before anything is written, a script that {@code environment} cannot score: a band its
   * model does not have, or cannot reach (422 {@code risk_band_unknown}, {@code
   * risk_band_unreachable}).
   */
  public void check(Environment environment, Script script) {
    features(scoring(environment, modules.configOf(environment).design(), null), script);
  }

  private static Map<String, Double> features(Scoring scoring, Script script) {
    List<String> bands = scoring.model().bands();
    if (script.riskBand() != null && !bands.contains(script.riskBand())) {
      throw Refusal.invalid(
          "risk_band_unknown",
          "risk_band '"
              + script.riskBand()
              + "' is not a band of this environment's model, whose bands are "
              + String.join(", ", bands));
    }
    return scoring
        .model()
        .featuresFor(script.riskBand(), scoring.norms())
        .orElseThrow(
            () ->
                Refusal.invalid(
                    "risk_band_unreachable",
                    "This environment's model cannot score band "
                        + script.riskBand()
                        + " with traits within "
                        + (int) CreditModel.MAX_SCRIPTED_SHIFT
                        + " standard deviations of the mean"));
  }

  /** The model that scores in an environment now and the norms it scores under. */
  private record Scoring(CreditModel model, Norms norms, ObjectNode normsUsed) {}

  private Scoring scoring(View view) {
    return scoring(view.environment(), view.config().design(), view.row().language());
  }

  private Scoring scoring(Environment environment, Design design, String language) {
    EnvironmentSettings settings = environment.settings();
    String integrationId = environment.integrationId();
    // A registry model keeps the norms it was fitted under, so rebuilt norms do not move it.
    Optional<ActiveModels.Active> active = activeModels.find(integrationId);
    if (active.isPresent()) {
      CreditModel model = active.get().model();
      Norms norms = active.get().norms();
      ObjectNode normsUsed = JsonNodeFactory.instance.objectNode().put("source", norms.source());
      normsUsed.put("frozen_with_model", model.version());
      return new Scoring(model, norms, normsUsed);
    }
    NormsInUse inUse = normsInUse(integrationId, design, settings, language);
    return new Scoring(settings.scoringModel(), inUse.norms(), inUse.toJson());
  }

  private Scored scored(
      View view,
      Scoring scoring,
      Map<String, Double> features,
      TrustIndicators.Trust trust,
      boolean simulated) {
    Design design = view.config().design();
    ModelResult model = scoring.model().score(features, scoring.norms());
    ObjectNode calculated = calculated(model, trust, design);
    ObjectNode evidence = evidence(view.row().language(), itemBank, trust, design, features);
    evidence.set("norms", scoring.normsUsed());
    calculated.set("evidence", evidence);
    return new Scored(
        model,
        trust,
        clock.instant(),
        calculated,
        Json.write(features),
        design.form(),
        view.row().language(),
        simulated);
  }

  /**
   * What a result rests on, beyond its model ({@code model}): the language the applicant answered
   * in, the item bank, the raw trust indicators behind the flags, and the standard error of
   * measurement of each questionnaire domain on the T scale (mean 50, SD 10), 10 * sqrt(1 - alpha)
   * with the form's expected alpha ({@link Norms#domainAlpha}). The games have no published
   * reliability, so no standard error.
   */
  static ObjectNode evidence(
      String language,
      String itemBank,
      TrustIndicators.Trust trust,
      Design design,
      Map<String, Double> features) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("language", language);
    e.put("item_bank", itemBank);
    ObjectNode t = e.putObject("trust");
    t.put("long_string", trust.longString());
    t.put("fast_pages", trust.fastPages());
    t.put("consistency_pairs", trust.consistencyPairs());
    if (trust.inconsistentPairs() == null) {
      t.putNull("inconsistent_pairs");
    } else {
      t.put("inconsistent_pairs", trust.inconsistentPairs());
    }
    ObjectNode errors = e.putObject("standard_errors");
    if (design.formItems() != null) {
      double sem = 10 * Math.sqrt(1 - Norms.domainAlpha(design.formItems() / 5));
      for (char domain : "NEOAC".toCharArray()) {
        if (features.containsKey("domain." + domain)) {
          errors.put("domain." + domain, Math.round(sem * 10) / 10.0);
        }
      }
    }
    return e;
  }

  /**
   * The norms a model without norms of its own is scored under in {@code environment} now: what a
   * new fit standardises with and then keeps.
   */
  public Norms currentNorms(Environment environment) {
    EnvironmentSettings settings = environment.settings();
    return normsOf(environment.integrationId(), modules.configOf(environment).design(), settings);
  }

  /**
   * The environment's own norms once it has enough results, else the documented defaults. Until
   * then each scoring counts the results (one indexed count); once built, population norms are
   * reused for {@link #NORMS_REFRESH}.
   */
  Norms normsOf(String integrationId, Design design, EnvironmentSettings settings) {
    return normsInUse(integrationId, design, settings, null).norms();
  }

  /**
   * The norms for one form, and for the applicant's {@code language} when that language alone has
   * the minimum of results (translations may shift answers); otherwise all languages pooled.
   */
  private NormsInUse normsInUse(
      String integrationId, Design design, EnvironmentSettings settings, String language) {
    if (language != null) {
      NormsInUse own = normsInUse(integrationId, design, settings, language, true);
      if (own.n() != null) {
        return own;
      }
    }
    return normsInUse(integrationId, design, settings, null, false);
  }

  private NormsInUse normsInUse(
      String integrationId,
      Design design,
      EnvironmentSettings settings,
      String language,
      boolean languageOnly) {
    Norms defaults = Norms.defaults(design.maxPumps(), design.normsFormItems());
    int minimum = settings.normsMinimum();
    Instant now = clock.instant();
    // per form: the defaults a population falls back on differ with the form's length
    String cacheKey = integrationId + "/" + design.form() + "/" + (languageOnly ? language : "*");
    CachedNorms cached = norms.get(cacheKey);
    if (cached != null
        && cached.minimum() == minimum
        && cached.at().plus(NORMS_REFRESH).isAfter(now)) {
      return cached.inUse();
    }
    String form = design.form();
    String only = languageOnly ? language : null;
    if (results.countForNorms(integrationId, form, only) < minimum) {
      NormsInUse none = new NormsInUse(defaults, null, null, null);
      if (languageOnly) {
        // A language short of the minimum may stay so for long: count it again only after a
        // while, not at every scoring (the count reads all of the environment's results).
        norms.put(cacheKey, new CachedNorms(none, now, minimum));
      }
      return none;
    }
    List<Map<String, Double>> population = new ArrayList<>();
    for (String json : results.featuresForNorms(integrationId, form, only, NORMS_SAMPLE)) {
      population.add(parseFeatures(json));
    }
    NormsInUse built =
        new NormsInUse(
            Norms.fromPopulation(population, minimum, defaults), population.size(), now, only);
    norms.put(cacheKey, new CachedNorms(built, now, minimum));
    return built;
  }

  private static Map<String, Double> parseFeatures(String json) {
    try {
      return Json.MAPPER.readValue(json, FEATURES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored features are not JSON", e);
    }
  }

  /**
   * The model's probability of default to four decimal places (0.0001, a hundredth of a percent):
   * finer steps claim a precision no model of this kind has, and a fixed rounding keeps the stored
   * result and every later read of it identical.
   */
  static double probability(double pd) {
    return Math.round(pd * 10_000) / 10_000.0;
  }

  /**
   * {@code details.calculated} as lenders receive it (docs/webhooks.md, "Examples", with Credence's
   * fields); {@code model.form} is the questionnaire's form (null without a questionnaire).
   */
  static ObjectNode calculated(ModelResult model, TrustIndicators.Trust trust, Design design) {
    Calculated calculated =
        new Calculated(
            model.score(),
            model.riskBand(),
            trust.scoreConfidence().name(),
            model.traits().stream()
                .map(t -> new Calculated.Trait(t.key(), t.value(), t.riskBand()))
                .toList(),
            trust.flags().stream().map(Enum::name).toList(),
            probability(model.pd()),
            trust.reviewRequired(),
            new Calculated.Model(
                model.modelVersion(), model.calibrated(), model.normsSource(), design.form()),
            model.missing(),
            null); // evidence is added by the caller
    return Json.MAPPER.valueToTree(calculated);
  }
}
