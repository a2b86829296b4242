package dev.credence.server.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A credit model, versioned and stored per environment: a logistic model over standardised trait
 * features giving a probability of default (PD), turned into an integer risk score and a risk band.
 *
 * <p>Features are the keys of {@link TraitScorer.Traits#toMap}, standardised by the environment's
 * {@link Norms}: z = (T - 50) / 10. PD = 1 / (1 + exp(-(intercept + sum of weight * z))). A feature
 * that was not measured, or that the norms do not cover, contributes 0 (the mean) and is listed in
 * {@link ModelResult#missing}.
 *
 * <p>Risk bands: "A" for PD below {@code cutoffs[0]}, "B" below {@code cutoffs[1]}, and so on, the
 * last letter for PD at or above the last cut-off; a PD exactly on a cut-off takes the higher band.
 *
 * @param version names the model in every result it makes, e.g. "default-2026.1"
 * @param calibrated true only once the weights were fitted on a lender's own outcomes
 * @param intercept the log odds of default of an applicant at the mean of every feature
 * @param weights feature key to log-odds change per standard deviation (z = 1) of that feature
 * @param cutoffs ascending PD cut-offs between bands, each strictly between 0 and 1, at most 25
 */
public record CreditModel(
    String version,
    boolean calibrated,
    double intercept,
    Map<String, Double> weights,
    List<Double> cutoffs) {

  /** Lowest risk score; scores are clamped into {@code MIN_SCORE..MAX_SCORE}. */
  public static final int MIN_SCORE = 100;

  /** Highest risk score. */
  public static final int MAX_SCORE = 900;

  /** Points to double the odds of default (PDO). */
  public static final double PDO = 20;

  /** Score at the anchor odds of default 1:50 (good:bad 50:1, PD = 1/51, about 1.96%). */
  public static final double ANCHOR_SCORE = 300;

  /** Anchor odds of default (bad:good), 1 to 50. */
  public static final double ANCHOR_ODDS = 1.0 / 50;

  /** Trait band: the trait sits on the side of lower default risk (|z| >= 0.5). */
  public static final String LOW_RISK = "LOW_RISK";

  /** Trait band: within half a standard deviation of the mean, or a feature with weight 0. */
  public static final String AVERAGE = "AVERAGE";

  /** Trait band: the trait sits on the side of higher default risk (|z| >= 0.5). */
  public static final String HIGH_RISK = "HIGH_RISK";

  /** |z| below this is an {@link #AVERAGE} trait. */
  public static final double AVERAGE_HALF_WIDTH = 0.5;

  /** The base rate the default model's intercept is set to: PD of an average applicant, 10%. */
  public static final double DEFAULT_BASE_RATE = 0.10;

  /**
   * The default model, used until a lender's own outcomes replace it; uncalibrated, so every result
   * says {@code calibrated = false}. Weights are log-odds per standard deviation, kept modest (|w|
   * at most 0.5) because the published evidence gives directions and overall strength (Gini about
   * 0.2 to 0.4: IDB TN-587, Fine 2024), not per-trait coefficients, and because relationships seen
   * in low-stakes data do not carry over to real applications (Dlugosch et al. 2018):
   *
   * <ul>
   *   <li>domain.C -0.40: conscientiousness relates positively to credit scores (Bernerth et al.
   *       2012), the strongest and most replicated trait link, so the largest weight.
   *   <li>domain.A +0.10: agreeableness relates negatively to credit scores (Bernerth et al. 2012);
   *       a weaker link, so a small weight.
   *   <li>domain.N +0.25: neuroticism, whose impulsiveness facet (N5) carries the impulsivity
   *       linked with poor repayment; one domain weight rather than a facet, because facets have no
   *       default norms and would be missing until the population norms them.
   *   <li>choices.delayed_share -0.30: more patience lowers risk; the most patient had credit
   *       scores about 30 points higher than the least patient (Meier and Sprenger 2012).
   *   <li>balloons.adjusted_pumps +0.15: more risk taking on the balloon task raises risk modestly;
   *       the task measures risk appetite, an indirect link to repayment.
   *   <li>memory_span -0.10: working memory lowers risk slightly (the item's brief: a small
   *       effect).
   * </ul>
   *
   * <p>Intercept = ln(0.10 / 0.90) = -2.1972245773, so an applicant at the mean of every feature
   * has PD 10% ({@link #DEFAULT_BASE_RATE}), a documented placeholder base rate for small-ticket
   * lending, and a score of 349 (see {@link #scoreOf}). Bands: A below 5%, B below 10%, C below
   * 20%, D below 35%, E at 35% or more.
   */
  public static final CreditModel DEFAULT = defaultModel();

  // Every field is required: a missing intercept must not quietly become 0 (PD 50% at the mean).
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(
              com.fasterxml.jackson.databind.DeserializationFeature
                  .FAIL_ON_MISSING_CREATOR_PROPERTIES,
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  public CreditModel {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("a credit model needs a version");
    }
    if (!Double.isFinite(intercept)) {
      throw new IllegalArgumentException("the intercept must be finite");
    }
    if (weights == null || cutoffs == null) {
      throw new IllegalArgumentException("a credit model needs weights and cut-offs");
    }
    weights.forEach(
        (key, weight) -> {
          if (!isKnownFeature(key)) {
            throw new IllegalArgumentException("unknown feature: " + key);
          }
          if (weight == null || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("the weight of " + key + " must be finite");
          }
        });
    if (cutoffs.isEmpty() || cutoffs.size() > 25) {
      throw new IllegalArgumentException("a credit model needs 1 to 25 cut-offs");
    }
    double previous = 0;
    for (Double cutoff : cutoffs) {
      if (cutoff == null || !(cutoff > previous) || !(cutoff < 1)) {
        throw new IllegalArgumentException("cut-offs must ascend strictly between 0 and 1");
      }
      previous = cutoff;
    }
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    cutoffs = List.copyOf(cutoffs);
  }

  /**
   * Feature keys a model may weigh: the five domains, their 30 facets and the task measures of
   * {@link TraitScorer.Traits#toMap}.
   */
  public static Set<String> knownFeatures() {
    Set<String> keys = new LinkedHashSet<>();
    for (char domain : "NEOAC".toCharArray()) {
      keys.add("domain." + domain);
      for (int facet = 1; facet <= 6; facet++) {
        keys.add("facet." + domain + facet);
      }
    }
    keys.addAll(
        List.of(
            TraitScorer.ADJUSTED_PUMPS,
            TraitScorer.BURSTS,
            TraitScorer.DELAYED_SHARE,
            TraitScorer.K,
            TraitScorer.MEMORY_SPAN));
    return Collections.unmodifiableSet(keys);
  }

  private static boolean isKnownFeature(String key) {
    return key != null && knownFeatures().contains(key);
  }

  /** Scores one applicant's features (keys of {@link TraitScorer.Traits#toMap}) under norms. */
  public ModelResult score(Map<String, Double> features, Norms norms) {
    double logit = intercept;
    List<ModelResult.Trait> traits = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      String key = entry.getKey();
      double weight = entry.getValue();
      Double value = features.get(key);
      Double t = value == null || !Double.isFinite(value) ? null : norms.t(key, value);
      if (t == null) {
        missing.add(key);
        continue;
      }
      double z = (t - 50) / 10;
      logit += weight * z;
      int percentile = (int) Math.round(norms.percentile(key, value));
      traits.add(new ModelResult.Trait(key, percentile, traitBand(weight, z)));
    }
    double pd = logistic(logit);
    return new ModelResult(
        pd, scoreOf(pd), bandOf(pd), traits, version, calibrated, norms.source(), missing);
  }

  /** How far a scripted applicant's traits move from the mean at most, in standard deviations. */
  public static final double MAX_SCRIPTED_SHIFT = 3;

  /** The band letters this model gives, "A" to one letter past the number of cut-offs. */
  public List<String> bands() {
    List<String> bands = new ArrayList<>();
    for (int band = 0; band <= cutoffs.size(); band++) {
      bands.add(String.valueOf((char) ('A' + band)));
    }
    return bands;
  }

  /**
   * Trait values that this model scores in {@code band} under {@code norms}, for a simulated
   * applicant. Every weighted feature the norms cover moves the same number of standard deviations
   * (at most {@link #MAX_SCRIPTED_SHIFT}) in the direction that raises the PD, or lowers it, to the
   * middle of the band on the log-odds scale; the first and last bands, open on one side, aim one
   * log-odds unit inside their cut-off. A null {@code band} is an average applicant: every feature
   * at its norm's mean. Empty when the band cannot be reached that way (a model with no weight, or
   * too little).
   */
  public Optional<Map<String, Double>> featuresFor(String band, Norms norms) {
    double weight = 0;
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      if (norms.norms().containsKey(entry.getKey())) {
        weight += Math.abs(entry.getValue());
      }
    }
    double shift = 0;
    if (band != null && weight > 0) {
      double target = targetLogit(bands().indexOf(band));
      shift =
          Math.max(
              -MAX_SCRIPTED_SHIFT, Math.min(MAX_SCRIPTED_SHIFT, (target - intercept) / weight));
    }
    Map<String, Double> features = new LinkedHashMap<>();
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      Norms.Norm norm = norms.norms().get(entry.getKey());
      if (norm != null) {
        double z = shift * Math.signum(entry.getValue());
        features.put(entry.getKey(), norm.mean() + z * norm.sd());
      }
    }
    if (band != null && !score(features, norms).riskBand().equals(band)) {
      return Optional.empty();
    }
    return Optional.of(features);
  }

  /** The log odds in the middle of band {@code band} (0 for "A"). */
  private double targetLogit(int band) {
    if (band < 0 || band > cutoffs.size()) {
      throw new IllegalArgumentException("this model has no band " + band);
    }
    Double low = band == 0 ? null : logit(cutoffs.get(band - 1));
    Double high = band == cutoffs.size() ? null : logit(cutoffs.get(band));
    if (low == null) {
      return high - 1;
    }
    return high == null ? low + 1 : (low + high) / 2;
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  /** 1 / (1 + e^-x), computed without overflow for large |x|. */
  static double logistic(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /**
   * The integer risk score of a PD; lower means less risk. Scorecard scaling with the odds of
   * default (bad:good) instead of good:bad, the mirror of the common "600 points at 50:1 good:bad,
   * PDO 20": points = Offset + Factor * ln(pd / (1 - pd)), Factor = 20 / ln 2 = 28.8539, Offset =
   * 300 - Factor * ln(1/50) = 300 + 28.8539 * 3.9120 = 412.8771. So odds of default 1:50 (PD 1/51,
   * about 1.96%) give 300 and every doubling of the odds of default adds 20 points. Rounded to the
   * nearest integer, then clamped to 100..900: 100 is ten halvings below the anchor (odds of
   * default 1:51,200, PD about 0.002%), 900 is thirty doublings above it (odds about 21.5 million
   * to 1), so the clamp only bites at the extremes; PD 0 and 1 give 100 and 900.
   */
  public static int scoreOf(double pd) {
    if (Double.isNaN(pd) || pd < 0 || pd > 1) {
      throw new IllegalArgumentException("a PD is between 0 and 1");
    }
    if (pd == 0) {
      return MIN_SCORE;
    }
    if (pd == 1) {
      return MAX_SCORE;
    }
    double factor = PDO / Math.log(2);
    double points = ANCHOR_SCORE + factor * (Math.log(pd / (1 - pd)) - Math.log(ANCHOR_ODDS));
    long rounded = Math.round(points);
    return (int) Math.max(MIN_SCORE, Math.min(MAX_SCORE, rounded));
  }

  /** The band letter of a PD: "A" below the first cut-off, the next letter per cut-off passed. */
  public String bandOf(double pd) {
    int band = 0;
    while (band < cutoffs.size() && pd >= cutoffs.get(band)) {
      band++;
    }
    return String.valueOf((char) ('A' + band));
  }

  /**
   * A trait's band: {@link #AVERAGE} when |z| is below 0.5 or the weight is 0; otherwise {@link
   * #HIGH_RISK} when weight * z is positive (the trait pushes PD up) and {@link #LOW_RISK} when it
   * is negative. So high conscientiousness (negative weight) is LOW_RISK and high risk taking
   * (positive weight) is HIGH_RISK.
   */
  public static String traitBand(double weight, double z) {
    if (Math.abs(z) < AVERAGE_HALF_WIDTH || weight == 0) {
      return AVERAGE;
    }
    return weight * z > 0 ? HIGH_RISK : LOW_RISK;
  }

  /** This model as JSON, the form an environment stores. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      // A record of strings, numbers, a map and a list always serialises.
      throw new IllegalStateException(e);
    }
  }

  /** A model from its JSON; an invalid model is refused with IllegalArgumentException. */
  public static CreditModel fromJson(String json) {
    try {
      return JSON.readValue(json, CreditModel.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException invalid) {
        throw invalid;
      }
      throw new IllegalArgumentException("not a credit model: " + e.getOriginalMessage(), e);
    }
  }

  private static CreditModel defaultModel() {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("domain.C", -0.40);
    weights.put("domain.A", 0.10);
    weights.put("domain.N", 0.25);
    weights.put(TraitScorer.DELAYED_SHARE, -0.30);
    weights.put(TraitScorer.ADJUSTED_PUMPS, 0.15);
    weights.put(TraitScorer.MEMORY_SPAN, -0.10);
    double intercept = Math.log(DEFAULT_BASE_RATE / (1 - DEFAULT_BASE_RATE));
    return new CreditModel(
        "default-2026.1", false, intercept, weights, List.of(0.05, 0.10, 0.20, 0.35));
  }
}
