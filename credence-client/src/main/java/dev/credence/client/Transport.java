package dev.credence.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends requests with the retry policy, and turns every error answer into its typed exception. Only
 * what is safe to repeat is repeated: network errors and {@code 503}, for calls that are
 * idempotent. Every call is asynchronous underneath; a blocking call waits for its future ({@link
 * #await}), so both run the same attempts, and a wait before a retry holds no thread.
 */
final class Transport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final RetryPolicy retry;

  Transport(HttpClient http, RetryPolicy retry) {
    this.http = http;
    this.retry = retry;
  }

  /**
   * The answer to {@code request}, after retries if {@code idempotent}, read by {@code read}: a
   * future that fails with the typed exception of an error answer, or with a {@link
   * CredenceConnectionException} when no attempt was answered.
   */
  <T> CompletableFuture<T> call(
      HttpRequest request, boolean idempotent, Function<HttpResponse<byte[]>, T> read) {
    CompletableFuture<HttpResponse<byte[]>> answer = new CompletableFuture<>();
    attempt(request, idempotent ? retry.maxAttempts() : 1, 1, answer);
    CompletableFuture<T> result = answer.thenApply(response -> read(response, read));
    // A caller that cancels (or stops waiting) ends the retries; once answered this does nothing.
    result.whenComplete((value, failure) -> answer.cancel(false));
    return result;
  }

  /** Sends attempt number {@code attempt}, and schedules the next one if it may be repeated. */
  private void attempt(
      HttpRequest request,
      int attempts,
      int attempt,
      CompletableFuture<HttpResponse<byte[]>> answer) {
    if (answer.isDone()) {
      return; // the caller gave up waiting
    }
    try {
      http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .whenComplete(
              (response, failure) -> {
                Throwable error =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                boolean last = attempt == attempts;
                if (error != null && !(error instanceof IOException)) {
                  answer.completeExceptionally(error);
                } else if (error != null && last) {
                  answer.completeExceptionally(noAnswer(request, attempt, error));
                } else if (error == null && (response.statusCode() != 503 || last)) {
                  answer.complete(response);
                } else {
                  Duration wait =
                      retry.delayAfter(attempt, error == null ? retryAfter(response) : null);
                  later(wait).execute(() -> attempt(request, attempts, attempt + 1, answer));
                }
              });
    } catch (RuntimeException refused) {
      answer.completeExceptionally(refused);
    }
  }

  /** Runs a task after {@code wait} on the HTTP client's executor, or on the common one. */
  private Executor later(Duration wait) {
    long millis = wait.toMillis();
    return http.executor()
        .map(executor -> CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, executor))
        .orElseGet(() -> CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  private static CredenceConnectionException noAnswer(
      HttpRequest request, int attempts, Throwable last) {
    return new CredenceConnectionException(
        "No answer from "
            + request.method()
            + " "
            + request.uri()
            + " after "
            + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ")
            + last,
        attempts,
        last);
  }

  /**
   * What a blocking call returns: the value of {@code future}, or the exception it failed with,
   * thrown as it is.
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable failure = e.getCause();
      if (failure instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(failure);
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new CredenceConnectionException("Interrupted while waiting for the API", 0, e);
    }
  }

  /**
   * {@code read} applied to an answer; an answer that is not of the documented shape is an {@code
   * unexpected_response}, not a failure inside the SDK.
   */
  private static <T> T read(HttpResponse<byte[]> response, Function<HttpResponse<byte[]>, T> read) {
    try {
      return read.apply(response);
    } catch (Fields.Malformed e) {
      throw unexpected(response, "does not have the documented shape: " + e.getMessage());
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
}
