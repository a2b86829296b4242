package dev.credence.bench;

import dev.credence.server.calibration.Discrimination;
import dev.credence.server.calibration.ModelFitting;
import dev.credence.server.calibration.ModelFitting.Applicant;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fitting a credit model on N labelled applicants ({@code calibration/ModelFitting}, the work of
 * {@code POST /v1/admin/integrations/{id}/models} once the rows are read), against a floor measured
 * in the same run: one pass that standardises every applicant's features and ranks a fixed score
 * (AUC), the least any validation of a model on these rows must do. Prints one line per run.
 *
 * <p>Usage: {@code java -cp bench/target/classes:credence-server/target/credence.jar
 * dev.credence.bench.FitBench [applicants] [runs]}
 */
public final class FitBench {
  private FitBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Norms norms = Norms.defaults();
    List<String> features = new ArrayList<>(CreditModel.DEFAULT.weights().keySet());
    List<Applicant> applicants = applicants(n, norms, features);
    for (int run = 1; run <= runs; run++) {
      System.gc();
      long base = heapUsed();
      resetPeaks();
      long start = System.nanoTime();
      double auc = floor(applicants, norms, features);
      long floorNanos = System.nanoTime() - start;
      long floorPeak = heapPeak();

      System.gc();
      resetPeaks();
      start = System.nanoTime();
      ModelFitting.Fitted fitted =
          ModelFitting.fit(
              applicants,
              ModelFitting.Options.DEFAULT,
              norms,
              features,
              CreditModel.DEFAULT.cutoffs(),
              "bench");
      long fitNanos = System.nanoTime() - start;
      long fitPeak = heapPeak();
      System.out.printf(
          "RUN run=%d applicants=%d labelled=%d base_heap_mb=%.1f floor_ms=%.1f floor_heap_mb=%.1f"
              + " fit_ms=%.1f fit_heap_mb=%.1f iterations=%d holdout_gini=%.4f floor_auc=%.4f%n",
          run,
          n,
          fitted.report().labelled(),
          base / 1048576.0,
          floorNanos / 1e6,
          floorPeak / 1048576.0,
          fitNanos / 1e6,
          fitPeak / 1048576.0,
          fitted.report().iterations(),
          fitted.report().holdout().gini(),
          auc);
    }
  }

  /**
   * Applicants whose log odds of default follow the default model's weights on standard-normal
   * traits (so the fit has real signal), each with one outcome; every tenth has LOW confidence and
   * is left out by the default options, as real data has some.
   */
  private static List<Applicant> applicants(int n, Norms norms, List<String> features) {
    SplittableRandom random = new SplittableRandom(20261207);
    Map<String, Double> weights = CreditModel.DEFAULT.weights();
    List<Applicant> applicants = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Double> values = new LinkedHashMap<>();
      double logit = CreditModel.DEFAULT.intercept();
      for (String feature : features) {
        double z = random.nextGaussian();
        Norms.Norm norm = norms.norms().get(feature);
        values.put(feature, norm.mean() + norm.sd() * z);
        logit += weights.get(feature) * z;
      }
      boolean bad = random.nextDouble() < 1 / (1 + Math.exp(-logit));
      applicants.add(
          new Applicant(
              "B-" + i,
              values,
              i % 10 == 3 ? Confidence.LOW : Confidence.HIGH,
              List.of(bad ? "default" : "repaid")));
    }
    return applicants;
  }

  /** The floor: standardise every row's features and rank their sum as a score (AUC). */
  private static double floor(List<Applicant> applicants, Norms norms, List<String> features) {
    double[] score = new double[applicants.size()];
    boolean[] bad = new boolean[applicants.size()];
    for (int i = 0; i < score.length; i++) {
      Applicant applicant = applicants.get(i);
      for (String feature : features) {
        score[i] += (norms.t(feature, applicant.features().get(feature)) - 50) / 10;
      }
      bad[i] = applicant.outcomes().contains("default");
    }
    return Discrimination.of(score, bad).auc();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The heap in use now (after a collection: the applicants' rows and the JVM's own). */
  private static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  /** The sum of the heap pools' peaks since the last reset: what the work needed at most. */
  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
