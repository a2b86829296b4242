package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An environment setting whose shape belongs to another feature (the assessment's modules):
 * deployments stores and shows it as JSON, the feature that owns it says what it may be and reads
 * it. So deployments does not depend on that feature, and a new module's settings need no change
 * here.
 */
public interface OwnedSetting {
  /** The value a new environment gets, and a stored NULL or a patch's {@code null} means. */
  JsonNode defaults();

  /**
   * The value to store for {@code value} as given in a patch, in its normal form; or null after
   * adding to {@code problems} every reason it cannot be stored.
   */
  JsonNode check(JsonNode value, List<String> problems);
}
