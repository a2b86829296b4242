package dev.credence.client;

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

  static ResultPage read(Fields page) {
    return new ResultPage(
        page.objects("results").stream().map(Result::read).toList(),
        page.text("next_cursor"),
        page.bool("has_more"));
  }
}
