package dev.credence.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.api.PythonJson;
import dev.credence.api.Signatures;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Properties;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
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
 * <p>Each call has a variant that does not block, such as {@link #createSessionAsync}: it makes the
 * same attempts with the same retries, and its future fails with the exception the blocking call
 * would throw. {@link #withRequestTimeout} gives one call a time-out of its own.
 *
 * <p>The vendor's hosted API speaks the same wire format: give its base URL instead, nothing else
 * changes.
 */
public final class CredenceClient {
  /** This SDK's version, such as {@code 0.1.0}; the {@code User-Agent} of its requests names it. */
  public static final String VERSION = version();

  static final String USER_AGENT =
      "credence-java/" + VERSION + " Java/" + System.getProperty("java.version");
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
    this.transport = new Transport(builder.http(), builder.retry);
  }

  private CredenceClient(CredenceClient client, Duration requestTimeout) {
    this.baseUrl = client.baseUrl;
    this.apiKey = client.apiKey;
    this.signRequests = client.signRequests;
    this.requestTimeout = requestTimeout;
    this.transport = client.transport;
  }

  /**
   * A builder for a client of the API at {@code baseUrl} (such as {@code
   * https://assess.example.com}) with one environment's API key.
   */
  public static Builder builder(String baseUrl, String apiKey) {
    return new Builder(baseUrl, apiKey);
  }

  /**
   * This client with another time to wait for each answer, for the calls made through it; the
   * builder's {@link Builder#requestTimeout} stays the default. It shares this client's connections
   * and costs next to nothing, so make one per call where a call needs its own time-out:
   *
   * <pre>{@code
   * credence.withRequestTimeout(Duration.ofSeconds(3)).createSession(uid, integrationId);
   * }</pre>
   */
  public CredenceClient withRequestTimeout(Duration timeout) {
    return new CredenceClient(this, positive(timeout, "requestTimeout"));
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
    return Transport.await(createSessionAsync(uid, integrationId));
  }

  /**
   * {@link #createSession} without blocking. The future fails with the exception {@code
   * createSession} would throw (a refused uid included), so {@code join()} throws a {@code
   * CompletionException} whose cause is that exception.
   */
  public CompletableFuture<Session> createSessionAsync(String uid, String integrationId) {
    return defer(
        () ->
            transport.call(
                createRequest(uid, integrationId),
                true,
                response -> Session.read(Transport.ok(response))));
  }

  /** The create call of {@code uid}, signed if set so; refused if its arguments are. */
  private HttpRequest createRequest(String uid, String integrationId) {
    return signedPost("/v1/sessions-management/tokens", payload(uid, integrationId));
  }

  /** {@code {"uid", "integration_id"}}; refused if either argument is. */
  private static ObjectNode payload(String uid, String integrationId) {
    Uids.requireValid(uid);
    if (integrationId == null || integrationId.isBlank()) {
      throw new IllegalArgumentException("integrationId is required");
    }
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("uid", uid);
    payload.put("integration_id", integrationId);
    return payload;
  }

  /** A POST of {@code payload} to {@code path}, with X-Signature if set so. */
  private HttpRequest signedPost(String path, ObjectNode payload) {
    // Compact, ASCII-escaped JSON, sent as signed: the form every server accepts a signature of.
    byte[] body = PythonJson.compact(payload).getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signRequests) {
      request.header(Signatures.HEADER, Signatures.sign(apiKey, body));
    }
    return request.build();
  }

  /**
   * Makes a session of {@code uid} in a Test environment and ends it as {@code simulation} says
   * (docs/integration-guide.md, "Simulating outcomes in Test"): the same events and result as an
   * applicant's session with that outcome, marked simulated. Not retried: a simulation ends its
   * session at once, so a second attempt would find the uid used.
   *
   * @return the session as it ended, as {@link #result} reads it
   * @throws UnauthorizedException 401: wrong key
   * @throws ForbiddenException 403: a Production key ({@code simulation_not_allowed}), or the key
   *     belongs to another integration
   * @throws UidAlreadyUsedException 409: the uid has a session already
   * @throws InvalidRequestException 422: a field was refused; {@code code()} names it
   * @throws RateLimitedException 429: wait {@link RateLimitedException#retryAfter()}
   */
  public Result simulateSession(String uid, String integrationId, Simulation simulation) {
    return Transport.await(simulateSessionAsync(uid, integrationId, simulation));
  }

  /** {@link #simulateSession} without blocking; the future fails with what it would throw. */
  public CompletableFuture<Result> simulateSessionAsync(
      String uid, String integrationId, Simulation simulation) {
    return defer(
        () ->
            transport.call(
                simulateRequest(uid, integrationId, simulation),
                false,
                response -> Result.read(Transport.ok(response).node())));
  }

  private HttpRequest simulateRequest(String uid, String integrationId, Simulation simulation) {
    ObjectNode payload = payload(uid, integrationId);
    if (simulation == null) {
      throw new IllegalArgumentException("simulation is required");
    }
    payload.put("scenario", simulation.scenario());
    if (simulation.riskBand() != null) {
      payload.put("risk_band", simulation.riskBand());
    }
    if (simulation.flags() != null) {
      ArrayNode flags = payload.putArray("flags");
      simulation.flags().forEach(flags::add);
    }
    if (simulation.scoreConfidence() != null) {
      payload.put("score_confidence", simulation.scoreConfidence());
    }
    return signedPost("/v1/sessions-management/simulate", payload);
  }

  /**
   * The session of {@code uid} in this environment, with its result once scored.
   *
   * @throws NotFoundException if the environment has no session with that uid
   */
  public Result result(String uid) {
    return Transport.await(resultAsync(uid));
  }

  /** {@link #result} without blocking; the future fails with the exception it would throw. */
  public CompletableFuture<Result> resultAsync(String uid) {
    return defer(
        () -> {
          if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("uid is required");
          }
          return get("/v1/results/" + encode(uid), fields -> Result.read(fields.node()));
        });
  }

  /**
   * The first page of results scored at or after {@code since} (all results if null), oldest first,
   * at most {@code limit} (1 to 500) of them.
   */
  public ResultPage results(Instant since, int limit) {
    return Transport.await(resultsAsync(since, limit));
  }

  /** {@link #results} without blocking; the future fails with the exception it would throw. */
  public CompletableFuture<ResultPage> resultsAsync(Instant since, int limit) {
    String query = since == null ? "" : "since=" + since.getEpochSecond() + "&";
    return defer(
        () ->
            get(
                "/v1/results?" + query + "limit=" + limit,
                fields -> ResultPage.read(fields.node())));
  }

  /** The page after {@code cursor}, a {@link ResultPage#nextCursor()} of an earlier page. */
  public ResultPage resultsAfter(String cursor, int limit) {
    return Transport.await(resultsAfterAsync(cursor, limit));
  }

  /** {@link #resultsAfter} without blocking; the future fails with the exception it would throw. */
  public CompletableFuture<ResultPage> resultsAfterAsync(String cursor, int limit) {
    return defer(
        () -> {
          if (cursor == null || cursor.isBlank()) {
            throw new IllegalArgumentException(
                "cursor is required: a nextCursor of an earlier page");
          }
          return get(
              "/v1/results?cursor=" + encode(cursor) + "&limit=" + limit,
              fields -> ResultPage.read(fields.node()));
        });
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
    return Transport.await(testWebhookAsync());
  }

  /** {@link #testWebhook} without blocking; the future fails with the exception it would throw. */
  public CompletableFuture<WebhookTestResult> testWebhookAsync() {
    return defer(
        () ->
            transport.call(
                request("/v1/webhooks-management/test")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                false,
                CredenceClient::webhookTestResult));
  }

  private static WebhookTestResult webhookTestResult(HttpResponse<byte[]> response) {
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

  /** A retried GET of {@code path}, its 200 answer read by {@code read}. */
  private <T> CompletableFuture<T> get(String path, Function<Fields, T> read) {
    return transport.call(
        request(path).GET().build(), true, response -> read.apply(Transport.ok(response)));
  }

  /**
   * The future {@code call} makes; a failed one if it throws, so an async call never throws and
   * fails only through its future. Its failure is always a {@code CompletionException} whose cause
   * is the exception the blocking form would throw, whether the call was refused before or after a
   * request.
   */
  private static <T> CompletableFuture<T> defer(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(new CompletionException(refused));
    }
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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private boolean signRequests = true;
    private Duration connectTimeout;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private HttpClient httpClient;

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

    /**
     * How long to wait for a connection; 5 seconds by default. A setting of the {@code HttpClient}
     * the SDK builds: with {@link #httpClient}, set it on that client instead.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long to wait for each answer, each attempt on its own; 30 seconds by default. {@link
     * CredenceClient#withRequestTimeout} sets it for some calls only.
     */
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

    /**
     * The JDK {@code HttpClient} to send with, instead of the one the SDK builds: for a proxy
     * ({@code proxy}), your own TLS settings ({@code sslContext}), or an {@code executor} for the
     * asynchronous calls. Its redirect policy must be {@code NEVER} (its default): the SDK follows
     * no redirect, so the API key goes only to the base URL.
     */
    public Builder httpClient(HttpClient client) {
      if (client == null) {
        throw new IllegalArgumentException("httpClient is required when set");
      }
      if (client.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new IllegalArgumentException(
            "the HttpClient must not follow redirects (HttpClient.Redirect.NEVER, its default),"
                + " so that the API key is sent to the base URL only; it follows "
                + client.followRedirects());
      }
      this.httpClient = client;
      return this;
    }

    /**
     * The client.
     *
     * @throws IllegalArgumentException if both {@link #httpClient} and {@link #connectTimeout} are
     *     set: the connect time-out belongs to the HttpClient
     */
    public CredenceClient build() {
      if (httpClient != null && connectTimeout != null) {
        throw new IllegalArgumentException(
            "connectTimeout is a setting of the HttpClient the SDK builds; with httpClient, set"
                + " it on your own (HttpClient.Builder.connectTimeout)");
      }
      return new CredenceClient(this);
    }

    private HttpClient http() {
      if (httpClient != null) {
        return httpClient;
      }
      return HttpClient.newBuilder()
          .connectTimeout(connectTimeout == null ? CONNECT_TIMEOUT : connectTimeout)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
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

  /** The version the build wrote into {@code credence-client.properties}. */
  private static String version() {
    Properties build = new Properties();
    try (InputStream in = CredenceClient.class.getResourceAsStream("credence-client.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException unreadable) {
      // a jar repackaged without it: the requests still go out, naming no version
    }
    return build.getProperty("version", "unknown");
  }

  /** {@code value} if it is a positive duration; a clear refusal naming the setting otherwise. */
  static Duration positive(Duration value, String name) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
    return value;
  }
}
