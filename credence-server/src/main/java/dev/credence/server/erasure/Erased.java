package dev.credence.server.erasure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session just erased: the uid it had (known to the caller, no longer stored), its integration,
 * the id its tombstone keeps, when and by whom.
 */
public record Erased(
    String uid, String integrationId, String sessionId, Instant erasedAt, String erasedBy) {

  /**
   * {@code {"uid", "erased_at"}} (epoch seconds): the answer of the operator API and the command
   * line.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("uid", uid);
    json.put("erased_at", erasedAt.getEpochSecond());
    return json;
  }
}
