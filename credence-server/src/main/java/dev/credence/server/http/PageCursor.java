package dev.credence.server.http;

import dev.credence.server.errors.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A position in a list read page by page in time order (the pull API's results, the webhook
 * events): a time, then an id for equal times. Lenders see it only as the opaque {@code
 * next_cursor}; {@code since} (epoch seconds) starts a list at a time instead.
 */
public record PageCursor(Instant after, String id) {
  /** The start of every list. */
  public static final PageCursor START = new PageCursor(Instant.EPOCH, "");

  /** The {@code next_cursor} value: URL-safe base64 of the time and the id. */
  public String encode() {
    String raw = after.getEpochSecond() + "." + after.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Where a list starts: after {@code cursor} (a {@code next_cursor} given before), at or after
   * {@code since}, or at the beginning when neither is given; both at once is refused.
   */
  public static PageCursor parse(String cursor, String since) {
    if (cursor != null && since != null) {
      throw Refusal.invalid(
          "invalid_cursor", "Give either cursor (to continue) or since (to start), not both");
    }
    if (cursor != null) {
      return decode(cursor);
    }
    if (since != null) {
      // At or after since: start just before it, below every id.
      return new PageCursor(since(since).minusNanos(1), "");
    }
    return START;
  }

  /** A time in epoch seconds, as the {@code since} of a query or a body. */
  public static Instant since(String value) {
    try {
      return Instant.ofEpochSecond(Long.parseLong(value.trim()));
    } catch (RuntimeException e) {
      throw Refusal.invalid(
          "invalid_since", "since must be a time in epoch seconds, such as 1767225600");
    }
  }

  /** A page size from 1 to {@code max}; {@code fallback} when none is given. */
  public static int limit(String value, int fallback, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(value.trim());
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw Refusal.invalid("invalid_limit", "limit must be a whole number from 1 to " + max);
  }

  private static PageCursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      int dot = raw.indexOf('.');
      if (dot > 0 && colon > dot) {
        Instant at =
            Instant.ofEpochSecond(
                Long.parseLong(raw.substring(0, dot)),
                Long.parseLong(raw.substring(dot + 1, colon)));
        return new PageCursor(at, raw.substring(colon + 1));
      }
    } catch (RuntimeException e) {
      // refused below
    }
    throw Refusal.invalid(
        "invalid_cursor", "cursor must be a next_cursor value returned by this API");
  }
}
