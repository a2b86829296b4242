package dev.credence.server.results;

import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Norms;
import java.util.Optional;

/**
 * The model an environment's registry has made active, with the norms it was fitted under. Defined
 * here and implemented by the registry (calibration), which reads results: so results does not
 * depend on it.
 */
public interface ActiveModels {
  /** No registry: every environment scores with its settings' model. */
  ActiveModels NONE = integrationId -> Optional.empty();

  /** A registry model and the norms it scores under, frozen when it was fitted. */
  record Active(CreditModel model, Norms norms) {}

  /**
   * The environment's active registry model; empty when the settings' model is in effect (it is
   * then scored under the environment's current norms, as without a registry).
   */
  Optional<Active> find(String integrationId);
}
