package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends requests with the retry policy, and turns every error answer into its typed exception. Only
 * what is safe to repeat is repeated: network errors and {@code 503}, for calls that are
 * idempotent.
 */
final class Transport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final RetryPolicy retry;

  Transport(HttpClient http, RetryPolicy retry) {
    this.http = http;
    this.retry = retry;
  }

  /** The answer to {@code request}, after retries if {@code idempotent}; any status. */
  HttpResponse<byte[]> send(HttpRequest request, boolean idempotent) {
    int attempts = idempotent ? retry.maxAttempts() : 1;
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 503 || attempt == attempts) {
          return response;
        }
        pause(retry.delayAfter(attempt, retryAfter(response)));
      } catch (IOException e) {
        if (attempt == attempts) {
          throw new CredenceConnectionException(
              "No answer from "
                  + request.method()
                  + " "
                  + request.uri()
                  + " after "
                  + attempt
                  + (attempt == 1 ? " attempt: " : " attempts: ")
                  + e,
              attempt,
              e);
        }
        pause(retry.delayAfter(attempt, null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CredenceConnectionException(
            "Interrupted while calling " + request.uri(), attempt, e);
      }
    }
  }

  /** The JSON object of a 200 answer; the typed exception of any other. */
  static Fields ok(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw error(response);
    }
    return parse(response);
  }

  static Fields parse(HttpResponse<byte[]> response) {
    try {
      return Fields.of(JSON.readTree(response.body()), "");
    } catch (IOException | Fields.Malformed e) {
      throw unexpected(response, "is not the JSON object this API answers");
    }
  }

  static CredenceApiException unexpected(HttpResponse<byte[]> response, String problem) {
    return new CredenceApiException(
        response.statusCode(),
        "unexpected_response",
        "The answer of "
            + response.request().method()
            + " "
            + response.request().uri()
            + " (HTTP "
            + response.statusCode()
            + ", "
            + response.headers().firstValue("Content-Type").orElse("no Content-Type")
            + ") "
            + problem
            + "; check the client's base URL",
        requestId(response));
  }

  /** The typed exception of an error answer {@code {"detail", "code"}}. */
  static CredenceApiException error(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    JsonNode body = errorBody(response);
    String code = body.path("code").isTextual() ? body.get("code").textValue() : "http_" + status;
    JsonNode detailNode = body.path("detail");
    String detail =
        detailNode.isTextual()
            ? detailNode.textValue()
            : detailNode.isMissingNode() ? "HTTP " + status : detailNode.toString();
    String id = requestId(response);
    Duration wait = retryAfter(response);
    return switch (status) {
      case 401 -> new UnauthorizedException(code, detail, id);
      case 403 -> new ForbiddenException(code, detail, id);
      case 404 -> new NotFoundException(code, detail, id);
      case 409 -> new UidAlreadyUsedException(code, detail, id);
      case 422 -> new InvalidRequestException(code, detail, id);
      case 429 -> new RateLimitedException(code, detail, id, wait == null ? Duration.ZERO : wait);
      case 503 ->
          new ServiceUnavailableException(code, detail, id, wait == null ? Duration.ZERO : wait);
      default -> new CredenceApiException(status, code, detail, id);
    };
  }

  private static JsonNode errorBody(HttpResponse<byte[]> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      return body == null ? JSON.createObjectNode() : body;
    } catch (IOException notJson) {
      return JSON.createObjectNode(); // a proxy's HTML page, say: the status still tells
    }
  }

  /** {@code Retry-After} in seconds; null if absent or in the HTTP-date form. */
  static Duration retryAfter(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After");
    if (value.isEmpty() || !value.get().strip().matches("\\d{1,9}")) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(value.get().strip()));
  }

  private static String requestId(HttpResponse<?> response) {
    return response.headers().firstValue("X-Request-Id").orElse(null);
  }

  private static void pause(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CredenceConnectionException("Interrupted while waiting to retry", 0, e);
    }
  }
}
