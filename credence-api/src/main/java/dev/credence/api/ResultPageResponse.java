package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A page of {@code GET /v1/results}, oldest scored first.
 *
 * @param nextCursor where to continue, now or at a later poll
 * @param hasMore whether more results are there already
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"results", "next_cursor", "has_more"})
public record ResultPageResponse(
    @JsonProperty("results") List<ResultResponse> results,
    @JsonProperty("next_cursor") String nextCursor,
    @JsonProperty("has_more") Boolean hasMore) {

  public ResultPageResponse {
    results = Copies.list(results);
  }
}
