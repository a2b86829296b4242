package dev.credence.server.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trait score is compared with: a mean and standard deviation per trait key (the keys of
 * {@link TraitScorer.Traits#toMap}). An environment is normed on its own population once it has
 * enough finished results ({@link #DEFAULT_MINIMUM}, set per environment), and on the documented
 * defaults before that; {@link #source} says which, and each {@link Norm} says where it came from.
 *
 * <p>The defaults ({@link #defaults(int, int)}):
 *
 * <ul>
 *   <li>domain.N .. domain.C (POMP 0 to 100), per form: mean 50 on every form; SD 15 on the full
 *       form (24 items a domain), 16.16 on the standard (12) and 18.25 on the short (6). The
 *       published IPIP-NEO-120 norms (the project research notes, after Johnson 2014: means about
 *       67 to 87, SDs 12 to 17 on the raw 24 to 120 range) are POMP means of about 45 to 66 and SDs
 *       of 12.5 to 17.7 (raw SD / 96 * 100); 50 and 15 sit inside both ranges. A shorter form
 *       spreads wider: by Spearman-Brown from the full form's domain alpha of .84 ({@link
 *       #FULL_FORM_ALPHA}), the SD of k of the 24 items is {@code 15 * sqrt(alpha_24 / alpha_k)}
 *       ({@link #domainSd}; arithmetic in docs/scoring.md). IPIP itself publishes no norms and
 *       advises local ones.
 *   <li>balloons.adjusted_pumps: mean = max_pumps / 4, SD = max_pumps / (4 * sqrt 3), 16 and 9.24
 *       for 64 pumps. Derived, not measured: with burst points uniform on 1 to max_pumps, p pumps
 *       earn p * (max - p) / max on average, best at p = max / 2 (the risk-neutral optimum, 32).
 *       The default assumes adjusted pumps spread evenly from 0 to that optimum, whose mean and SD
 *       are the ones above. People usually pump below the optimum, and the adjusted score is biased
 *       low by censoring, so this is a neutral placeholder until the population takes over.
 *   <li>choices.delayed_share (0 to 1): mean 0.5, SD 1 / sqrt 12 = 0.289, the same no-information
 *       assumption (evenly spread over its range); the set is built to spread people evenly.
 *   <li>memory_span: mean 7, SD 1.5, from Miller's (1956) "seven plus or minus two" for digits,
 *       reading the plus or minus two as about 1.33 SD either side.
 * </ul>
 *
 * <p>Other keys (facets, bursts, k) have no default: their T score is null until the population
 * norms them.
 */
public record Norms(Map<String, Norm> norms, String source) {
  public static final String DEFAULT = "DEFAULT";
  public static final String POPULATION = "POPULATION";

  /** Finished results an environment needs before its own population is the reference. */
  public static final int DEFAULT_MINIMUM = 200;

  /** The balloon game's default number of pumps (the default assessment's). */
  public static final int DEFAULT_MAX_PUMPS = 64;

  /** The items of the default assessment's questionnaire form (the short form). */
  public static final int DEFAULT_FORM_ITEMS = 30;

  /** The default POMP mean of a domain, every form. */
  public static final double DOMAIN_MEAN = 50;

  /** The default POMP SD of a domain on the full form (24 items). */
  public static final double FULL_FORM_SD = 15;

  /** Coefficient alpha of a 24-item IPIP-NEO-120 domain (mean over domains, Johnson 2014). */
  public static final double FULL_FORM_ALPHA = 0.84;

  private static final int FULL_FORM_ITEMS = 24;

  /** The reference of one trait. */
  public record Norm(double mean, double sd, String source) {
    public Norm {
      if (!(sd > 0) || Double.isNaN(mean) || Double.isInfinite(mean)) {
        throw new IllegalArgumentException("a norm needs a finite mean and a positive sd");
      }
    }
  }

  public Norms {
    norms = Map.copyOf(norms);
  }

  /** The defaults of the default assessment: the short form, a balloon game of 64 pumps. */
  public static Norms defaults() {
    return defaults(DEFAULT_MAX_PUMPS, DEFAULT_FORM_ITEMS);
  }

  /**
   * The documented defaults (see the class comment) for a balloon game of {@code maxPumps} and a
   * questionnaire form of {@code formItems} items (30, 60 or 120: a fifth of them a domain).
   */
  public static Norms defaults(int maxPumps, int formItems) {
    Map<String, Norm> norms = new LinkedHashMap<>();
    double sd = domainSd(formItems / 5);
    for (char domain : "NEOAC".toCharArray()) {
      norms.put("domain." + domain, new Norm(DOMAIN_MEAN, sd, DEFAULT));
    }
    norms.put(
        TraitScorer.ADJUSTED_PUMPS,
        new Norm(maxPumps / 4.0, maxPumps / (4 * Math.sqrt(3)), DEFAULT));
    norms.put(TraitScorer.DELAYED_SHARE, new Norm(0.5, 1 / Math.sqrt(12), DEFAULT));
    norms.put(TraitScorer.MEMORY_SPAN, new Norm(7, 1.5, DEFAULT));
    return new Norms(norms, DEFAULT);
  }

  /**
   * The default SD of a domain's POMP score over {@code k} of its 24 items. Spearman-Brown gives
   * the mean inter-item correlation r = alpha_24 / (24 - 23 alpha_24) and alpha_k = k r / (1 + (k -
   * 1) r); for parallel items the variance of a mean of k items is proportional to (1 + (k - 1) r)
   * / k = r / alpha_k, so SD_k = SD_24 * sqrt(alpha_24 / alpha_k).
   */
  static double domainSd(int k) {
    return FULL_FORM_SD * Math.sqrt(FULL_FORM_ALPHA / domainAlpha(k));
  }

  /**
   * The expected coefficient alpha of a domain score over {@code k} of its 24 items, by
   * Spearman-Brown from {@link #FULL_FORM_ALPHA}: 0.84 for 24 items, 0.72 for 12, 0.57 for 6.
   */
  public static double domainAlpha(int k) {
    double a = FULL_FORM_ALPHA;
    double r = a / (FULL_FORM_ITEMS - (FULL_FORM_ITEMS - 1) * a);
    return k * r / (1 + (k - 1) * r);
  }

  /** {@link #fromPopulation(List, int)} with the default minimum of 200. */
  public static Norms fromPopulation(List<Map<String, Double>> results) {
    return fromPopulation(results, DEFAULT_MINIMUM);
  }

  /**
   * The population's own norms when there are at least {@code minimum} results, else the defaults.
   * Each key is normed on the results that have it (mean and sample SD); a key that fewer than
   * {@code minimum} results have, or that does not vary, keeps its default (if any).
   */
  public static Norms fromPopulation(List<Map<String, Double>> results, int minimum) {
    return fromPopulation(results, minimum, defaults());
  }

  /**
   * As {@link #fromPopulation(List, int)}, falling back on the given defaults, e.g. {@link
   * #defaults(int, int)} for an environment whose form or balloon game differs from the default
   * assessment's.
   */
  public static Norms fromPopulation(
      List<Map<String, Double>> results, int minimum, Norms defaults) {
    if (results.size() < minimum) {
      return defaults;
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Map<String, Double> result : results) {
      result.forEach(
          (key, value) -> {
            if (value != null && Double.isFinite(value)) {
              values.computeIfAbsent(key, x -> new ArrayList<>()).add(value);
            }
          });
    }
    Map<String, Norm> norms = new LinkedHashMap<>(defaults.norms());
    values.forEach(
        (key, list) -> {
          if (list.size() >= minimum) {
            double mean = list.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double squares = list.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            double sd = Math.sqrt(squares / (list.size() - 1));
            if (sd > 0) {
              norms.put(key, new Norm(mean, sd, POPULATION));
            }
          }
        });
    return new Norms(norms, POPULATION);
  }

  /** T = 50 + 10 (x - mean) / sd; null when {@code x} is null or the key has no norm. */
  public Double t(String key, Double x) {
    Norm norm = norms.get(key);
    if (norm == null || x == null) {
      return null;
    }
    return 50 + 10 * (x - norm.mean()) / norm.sd();
  }

  /** The percentile (0 to 100) of {@code x} under a normal distribution; null as for {@link #t}. */
  public Double percentile(String key, Double x) {
    Double t = t(key, x);
    return t == null ? null : 100 * normalCdf((t - 50) / 10);
  }

  /**
   * The percentiles one standard error either side of a percentile: {@code percentile} read as a T
   * score, T minus and plus {@code standardErrorT} (T points), each read back as a percentile and
   * rounded. About two chances in three that the true score lies in between.
   *
   * @param percentile 0 to 100, as a result's trait {@code value}
   * @return {low, high}, each 0 to 100
   */
  public static int[] percentileRange(int percentile, double standardErrorT) {
    if (percentile < 0 || percentile > 100 || !(standardErrorT >= 0)) {
      throw new IllegalArgumentException("a percentile is 0 to 100 and a standard error >= 0");
    }
    double t = 50 + 10 * inverseNormalCdf(percentile / 100.0);
    return new int[] {
      (int) Math.round(100 * normalCdf((t - standardErrorT - 50) / 10)),
      (int) Math.round(100 * normalCdf((t + standardErrorT - 50) / 10))
    };
  }

  /** The z of a probability, by bisection on {@link #normalCdf}; +-8.3 (0 or 1) at the ends. */
  static double inverseNormalCdf(double p) {
    double low = -8.3;
    double high = 8.3;
    for (int i = 0; i < 60; i++) {
      double mid = (low + high) / 2;
      if (normalCdf(mid) < p) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  /**
   * The standard normal CDF, from the error function approximation of Abramowitz and Stegun 7.1.26
   * (absolute error below 1.5e-7).
   */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double poly =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double erf = 1 - poly * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
