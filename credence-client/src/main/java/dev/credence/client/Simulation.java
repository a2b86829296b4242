package dev.credence.client;

import java.util.List;

/**
 * How a simulated Test session ends ({@link CredenceClient#simulateSession}): a scenario and, for
 * {@link #completed()}, the result's script. Start from a scenario and add to it:
 *
 * <pre>{@code
 * Simulation.completed().riskBand("D").flags("FAST_PAGES")
 * }</pre>
 *
 * @param scenario {@code completed}, {@code cancelled}, {@code expired} or {@code incomplete}
 * @param riskBand the band the result scores in; null for an applicant at the mean of every trait
 * @param flags the result's flags; the confidence follows from them
 * @param scoreConfidence {@code HIGH}, {@code MEDIUM} or {@code LOW}; null for the one the flags
 *     give
 */
public record Simulation(
    String scenario, String riskBand, List<String> flags, String scoreConfidence) {

  public Simulation {
    if (scenario == null || scenario.isBlank()) {
      throw new IllegalArgumentException("a simulation needs a scenario");
    }
    flags = flags == null ? null : List.copyOf(flags);
  }

  /** Consent, then completed and scored: {@code application.complete}, then the score. */
  public static Simulation completed() {
    return new Simulation("completed", null, null, null);
  }

  /** The privacy policy declined: {@code application.cancelled}. */
  public static Simulation cancelled() {
    return new Simulation("cancelled", null, null, null);
  }

  /** Never started, its time limit ended: {@code application.expired}. */
  public static Simulation expired() {
    return new Simulation("expired", null, null, null);
  }

  /** Started, then its time limit ended: {@code application.expired}, {@code .incomplete}. */
  public static Simulation incomplete() {
    return new Simulation("incomplete", null, null, null);
  }

  public Simulation riskBand(String band) {
    return new Simulation(scenario, band, flags, scoreConfidence);
  }

  public Simulation flags(String... flags) {
    return new Simulation(scenario, riskBand, List.of(flags), scoreConfidence);
  }

  public Simulation scoreConfidence(String confidence) {
    return new Simulation(scenario, riskBand, flags, confidence);
  }
}
