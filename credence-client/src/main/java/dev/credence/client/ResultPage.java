package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.ResultPageResponse;
import dev.credence.api.ResultResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of {@code GET /v1/results}, oldest scored first.
 *
 * @param results completed sessions with their results
 * @param nextCursor where to continue, now or at a later poll; save it after handling the page
 * @param hasMore whether more results are there already (ask again at once with {@code
 *     nextCursor}); false means ask again later
 */
public record ResultPage(List<Result> results, String nextCursor, boolean hasMore) {

  static ResultPage read(JsonNode body) {
    ResultPageResponse page = Wire.read(body, ResultPageResponse.class, "");
    List<ResultResponse> results = Wire.objects(page.results(), "results");
    List<Result> read = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      read.add(Result.read(results.get(i), "results[" + i + "]"));
    }
    return new ResultPage(
        List.copyOf(read),
        Wire.text(page.nextCursor(), "next_cursor"),
        Wire.bool(page.hasMore(), "has_more"));
  }
}
