package dev.credence.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.PythonJson;
import dev.credence.api.Signatures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The Credence API for a lender's server: create sessions, read results, send the webhook test. One
 * client serves one environment (the API key decides which); it is thread-safe, so build it once
 * and share it.
 *
 * <pre>{@code
 * CredenceClient credence =
 *     CredenceClient.builder("https://assess.example.com", System.getenv("CREDENCE_API_KEY"))
 *         .build();
 * Session session = credence.createSession("CUST-00123456", integrationId);
 * // redirect the applicant's browser to session.redirectUrl()
 * }</pre>
 *
 * <p>The vendor's hosted API speaks the same wire format: give its base URL instead, nothing else
 * changes.
 */
public final class CredenceClient {
  static final String USER_AGENT = "credence-client-java/1";
  static final int MAX_PAGE = 500;

  private final String baseUrl;
  private final String apiKey;
  private final boolean signRequests;
  private final Duration requestTimeout;
  private final Transport transport;

  private CredenceClient(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.apiKey = builder.apiKey;
    this.signRequests = builder.signRequests;
    this.requestTimeout = builder.requestTimeout;
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(builder.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.transport = new Transport(http, builder.retry);
  }

  /**
   * A builder for a client of the API at {@code baseUrl} (such as {@code
   * https://assess.example.com}) with one environment's API key.
   */
  public static Builder builder(String baseUrl, String apiKey) {
    return new Builder(baseUrl, apiKey);
  }

  /**
   * Creates the session of {@code uid} on the integration, or returns the same session again while
   * it is open: a create call is idempotent, so network errors and {@code 503} are retried.
   *
   * @throws InvalidUidException before any request, if the uid breaks a uid rule
   * @throws UnauthorizedException 401: wrong key, or HMAC on and the signature missing or wrong
   * @throws ForbiddenException 403: the key belongs to another integration
   * @throws UidAlreadyUsedException 409: the uid's assessment is finished or expired
   * @throws InvalidRequestException 422: the server refused the body
   * @throws RateLimitedException 429: wait {@link RateLimitedException#retryAfter()}
   * @throws ServiceUnavailableException 503 on every attempt
   * @throws CredenceConnectionException no answer on any attempt
   */
  public Session createSession(String uid, String integrationId) {
    Uids.requireValid(uid);
    if (integrationId == null || integrationId.isBlank()) {
      throw new IllegalArgumentException("integrationId is required");
    }
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("uid", uid);
    payload.put("integration_id", integrationId);
    // Compact, ASCII-escaped JSON, sent as signed: the form every server accepts a signature of.
    byte[] body = PythonJson.compact(payload).getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        request("/v1/sessions-management/tokens")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signRequests) {
      request.header(Signatures.HEADER, Signatures.sign(apiKey, body));
    }
    return Session.read(Transport.ok(transport.send(request.build(), true)));
  }

  /**
   * The session of {@code uid} in this environment, with its result once scored.
   *
   * @throws NotFoundException if the environment has no session with that uid
   */
  public Result result(String uid) {
    if (uid == null || uid.isBlank()) {
      throw new IllegalArgumentException("uid is required");
    }
    return Result.read(get("/v1/results/" + encode(uid)).node());
  }

  /**
   * The first page of results scored at or after {@code since} (all results if null), oldest first,
   * at most {@code limit} (1 to 500) of them.
   */
  public ResultPage results(Instant since, int limit) {
    String query = since == null ? "" : "since=" + since.getEpochSecond() + "&";
    return ResultPage.read(get("/v1/results?" + query + "limit=" + limit).node());
  }

  /** The page after {@code cursor}, a {@link ResultPage#nextCursor()} of an earlier page. */
  public ResultPage resultsAfter(String cursor, int limit) {
    if (cursor == null || cursor.isBlank()) {
      throw new IllegalArgumentException("cursor is required: a nextCursor of an earlier page");
    }
    return ResultPage.read(get("/v1/results?cursor=" + encode(cursor) + "&limit=" + limit).node());
  }

  /**
   * Every page from {@code since} (all if null) up to the last one there is now, fetched as the
   * stream is read. Save each page's {@link ResultPage#nextCursor()} to poll later with {@link
   * #pagesAfter}.
   */
  public Stream<ResultPage> pagesSince(Instant since, int limit) {
    return pages(() -> results(since, limit), limit);
  }

  /** Every page after {@code cursor} up to the last one there is now, fetched as read. */
  public Stream<ResultPage> pagesAfter(String cursor, int limit) {
    return pages(() -> resultsAfter(cursor, limit), limit);
  }

  /** Every result scored at or after {@code since} (all if null), oldest first. */
  public Stream<Result> allResultsSince(Instant since) {
    return pagesSince(since, MAX_PAGE).flatMap(page -> page.results().stream());
  }

  /**
   * Sends a test event to the environment's webhook URL and reports how the receiver answered. A
   * receiver that refused or could not be reached is a result, not an exception; it is not retried.
   *
   * @throws ForbiddenException the key matches no environment (this call's status for it)
   * @throws CredenceApiException 424 {@code webhook_not_set}, 400 {@code api_key_missing}
   * @throws RateLimitedException 429 {@code rate_limited}: more than 10 test calls a minute for
   *     this environment
   */
  public WebhookTestResult testWebhook() {
    HttpRequest request =
        request("/v1/webhooks-management/test").POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<byte[]> response = transport.send(request, false);
    switch (response.statusCode()) {
      case 200 -> {
        Fields ok = Transport.parse(response);
        return new WebhookTestResult(
            true, (int) ok.integer("webhook_receiver_status_code"), ok.text("detail"));
      }
      case 422 -> {
        Fields refused = Transport.parse(response).object("detail");
        return new WebhookTestResult(
            false,
            (int) refused.integer("webhook_receiver_status_code"),
            refused.optionalText("webhook_receiver_body_content"));
      }
      case 503 -> {
        return new WebhookTestResult(false, null, Transport.parse(response).text("detail"));
      }
      default -> throw Transport.error(response);
    }
  }

  private Fields get(String path) {
    return Transport.ok(transport.send(request(path).GET().build(), true));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(requestTimeout)
        .header("api-key", apiKey)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT);
  }

  private Stream<ResultPage> pages(Supplier<ResultPage> first, int limit) {
    Iterator<ResultPage> pages =
        new Iterator<>() {
          private ResultPage last;

          @Override
          public boolean hasNext() {
            return last == null || last.hasMore();
          }

          @Override
          public ResultPage next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            last = last == null ? first.get() : resultsAfter(last.nextCursor(), limit);
            return last;
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Settings of a {@link CredenceClient}; every one but the base URL and key has a default. */
  public static final class Builder {
    private final String baseUrl;
    private final String apiKey;
    private boolean signRequests = true;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Builder(String baseUrl, String apiKey) {
      this.baseUrl = baseUrl(baseUrl);
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("an API key is required");
      }
      this.apiKey = apiKey.strip();
    }

    /**
     * Whether create calls carry {@code X-Signature} (on by default). Required when the operator
     * has switched HMAC on for the integration; ignored by the server otherwise, so leaving it on
     * keeps working if HMAC is switched on later.
     */
    public Builder signRequests(boolean sign) {
      this.signRequests = sign;
      return this;
    }

    /** How long to wait for a connection; 5 seconds by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for each answer; 30 seconds by default. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Retries of network errors and 503; {@link RetryPolicy#DEFAULT} unless set. */
    public Builder retryPolicy(RetryPolicy policy) {
      if (policy == null) {
        throw new IllegalArgumentException("retryPolicy is required; use RetryPolicy.NONE");
      }
      this.retry = policy;
      return this;
    }

    public CredenceClient build() {
      return new CredenceClient(this);
    }

    private static String baseUrl(String url) {
      URI uri;
      try {
        uri = url == null ? null : URI.create(url.strip());
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getQuery() != null) {
        throw new IllegalArgumentException(
            "the base URL must be an http or https URL such as https://assess.example.com, got "
                + url);
      }
      String text = uri.toString();
      return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
  }

  /** {@code value} if it is a positive duration; a clear refusal naming the setting otherwise. */
  static Duration positive(Duration value, String name) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
    return value;
  }
}
