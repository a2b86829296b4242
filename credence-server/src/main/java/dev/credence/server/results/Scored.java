package dev.credence.server.results;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.http.Json;
import dev.credence.server.scoring.ModelResult;
import dev.credence.server.scoring.TrustIndicators;
import java.time.Instant;

/**
 * One scored session, ready to store.
 *
 * @param calculated {@code details.calculated} of the score event and the pull API
 * @param featuresJson the trait values by key, kept for the environment's own norms
 * @param form the questionnaire's form ({@code short}, {@code standard}, {@code full}); null
 *     without a questionnaire
 * @param simulated scored from a simulation's script ({@link Scorer#scripted}), not from answers
 */
public record Scored(
    ModelResult model,
    TrustIndicators.Trust trust,
    Instant scoredAt,
    ObjectNode calculated,
    String featuresJson,
    String form,
    String language,
    boolean simulated) {

  public String calculatedJson() {
    return Json.write(calculated);
  }
}
