package dev.credence.server.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.credence.api.Signatures;
import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.outbound.AddressRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts one signed body to a receiver and reports what happened. Never throws for the receiver's
 * sake: a refused connection, a time-out or a broken answer is an {@link Answer} with an error in
 * the server's own words, never the text of an exception or bytes the peer sent (they could be
 * another service's answer, read back by whoever set the URL).
 *
 * <p>Jetty's client rather than the JDK's, for its resolver hook: every connection goes to an
 * address {@link AddressGuard} checked, with no second lookup ({@link GuardedResolver}).
 */
public final class WebhookSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

  /** How much of a receiver's answer is kept in the delivery log. */
  public static final int SNIPPET_CHARS = 500;

  /** The most bytes read of an answer: enough for the snippet in any UTF-8. */
  private static final int HEAD_BYTES = SNIPPET_CHARS * 4;

  private static final String TLS_FAILED = "TLS handshake failed";

  private final HttpClient http = new HttpClient();

  /**
   * The TLS engines whose handshake failed. Jetty may fail the request with the connection's close
   * instead of the handshake's error (which of the two reaches the request first is timing); the
   * connection's engine tells the two apart. Weak keys: an engine leaves with its connection.
   */
  private final Cache<SSLEngine, Boolean> failedHandshakes =
      Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();

  private final Duration timeout;
  private final Clock clock;

  public WebhookSender(Duration timeout, Clock clock, AddressGuard guard) {
    this.timeout = timeout;
    this.clock = clock;
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("webhook-http");
    threads.setDaemon(true);
    http.setExecutor(threads);
    http.setScheduler(new ScheduledExecutorScheduler("webhook-http-timer", true));
    http.setSocketAddressResolver(new GuardedResolver(guard, threads));
    http.setConnectTimeout(timeout.toMillis());
    // A receiver may take the whole time-out to answer: the client's own idle time-out (30 s by
    // default) would otherwise cut a longer CREDENCE_WEBHOOK_TIMEOUT_MS short and retry an event
    // the receiver was still taking.
    http.setIdleTimeout(timeout.toMillis());
    http.setFollowRedirects(false);
    http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Credence-Webhooks/1"));
    // No Accept-Encoding: the snippet is the answer's first bytes as sent.
    http.getContentDecoderFactories().clear();
    // No cookies: one receiver's answer must not change what the next delivery sends.
    http.setHttpCookieStore(new HttpCookieStore.Empty());
    http.addBean(
        new SslHandshakeListener() {
          @Override
          public void handshakeFailed(Event event, Throwable failure) {
            failedHandshakes.put(event.getSSLEngine(), Boolean.TRUE);
          }
        });
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the webhook HTTP client did not start", e);
    }
  }

  /** How long a connection may stay silent, in ms: the whole time-out (see the constructor). */
  long idleTimeoutMillis() {
    return http.getIdleTimeout();
  }

  /**
   * What the receiver did: its status code and the start of its body, or, when it never answered,
   * {@code statusCode} null and an error saying why; {@code addressRefused} when the guard kept the
   * server from connecting at all.
   */
  public record Answer(
      Integer statusCode, String body, String error, boolean addressRefused, int latencyMs) {
    public boolean delivered() {
      return statusCode != null && statusCode == 200;
    }
  }

  /**
   * Sends {@code body} with {@code X-Signature} (vendor-compatible) keyed with the environment's
   * current API key, and Credence's event id, timestamp and timestamped signature: one {@code v1}
   * entry per key of {@code apiKeys}, the current one first, then the previous one while a
   * rotation's overlap runs (decision 0027).
   *
   * @param apiKeys the keys that work now, the current one first ({@code
   *     DeploymentService.apiKeys})
   */
  public Answer send(String url, List<String> apiKeys, String eventId, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    long started = System.nanoTime();
    Head head = new Head();
    Request request;
    try {
      request =
          http.newRequest(URI.create(url))
              .method(HttpMethod.POST)
              // Plain HTTP/1.1: no h2c upgrade, which some receivers and proxies mishandle.
              .version(HttpVersion.HTTP_1_1)
              .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .headers(
                  h ->
                      h.put(Signatures.HEADER, Signatures.sign(apiKeys.get(0), bytes))
                          .put(Signatures.EVENT_ID_HEADER, eventId)
                          .put(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp))
                          .put(
                              Signatures.TIMESTAMPED_HEADER,
                              Signatures.timestampedHeader(apiKeys, timestamp, bytes)))
              .body(new BytesRequestContent("application/json", bytes));
      request.send(head);
    } catch (IllegalArgumentException e) {
      return failed("invalid webhook URL", false, started);
    }
    Result result;
    try {
      // The request's own time-out ends it; the margin only covers a client that never calls back.
      result = head.done.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      request.abort(e);
      return failed(timedOut(), false, started);
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      return failed("interrupted while sending", false, started);
    }
    if (head.status > 0) {
      // It answered: the status counts, whatever became of the rest of the body.
      return new Answer(head.status, head.snippet(), null, false, millisSince(started));
    }
    return failure(result.getFailure(), handshakeFailed(request), url, started);
  }

  /** Whether the connection {@code request} went out on failed its TLS handshake. */
  private boolean handshakeFailed(Request request) {
    return request.getConnection() instanceof org.eclipse.jetty.io.Connection connection
        && connection.getEndPoint() instanceof SslConnection.SslEndPoint tls
        && failedHandshakes.asMap().remove(tls.getSslConnection().getSSLEngine()) != null;
  }

  private Answer failure(Throwable failure, boolean handshakeFailed, String url, long started) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AddressRefusedException refused) {
        return failed(refused.getMessage(), true, started);
      }
    }
    String error = handshakeFailed ? TLS_FAILED : describe(failure);
    LOG.debug("webhook to {} failed: {}", host(url), error, failure);
    return failed(error, false, started);
  }

  /** The failure in the server's words, from the kind of exception only, never its message. */
  private String describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return "host not found";
      }
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return timedOut();
      }
      if (t instanceof SSLException) {
        return TLS_FAILED;
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof HttpResponseException || t instanceof BadMessageException) {
        return "not an HTTP response";
      }
      if (t instanceof EOFException || t instanceof ClosedChannelException) {
        return "connection closed before an answer";
      }
    }
    return "connection failed";
  }

  private String timedOut() {
    return "timed out after "
        + BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString()
        + " s";
  }

  /** Stops the client: connections close, its threads end. */
  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      LOG.warn("the webhook HTTP client did not stop cleanly", e);
    }
  }

  /**
   * Keeps the status and the first {@link #HEAD_BYTES} of an answer, then stops reading: only the
   * status counts, so a huge or endless body neither fills memory nor holds a delivery thread.
   */
  private static final class Head implements Response.Listener {
    final CompletableFuture<Result> done = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    volatile int status;

    @Override
    public void onHeaders(Response response) {
      status = response.getStatus();
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
      synchronized (bytes) {
        int take = Math.min(content.remaining(), HEAD_BYTES - bytes.size());
        byte[] chunk = new byte[take];
        content.get(chunk);
        bytes.write(chunk, 0, take);
        if (bytes.size() >= HEAD_BYTES) {
          response.abort(new EnoughRead());
        }
      }
    }

    @Override
    public void onComplete(Result result) {
      done.complete(result);
    }

    String snippet() {
      String text;
      synchronized (bytes) {
        text = bytes.toString(StandardCharsets.UTF_8);
      }
      return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text;
    }
  }

  /** Ends reading an answer once its head is kept; not a failure of the delivery. */
  private static final class EnoughRead extends Exception {
    EnoughRead() {
      super("the answer's head is read", null, false, false);
    }
  }

  public static String host(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  private static Answer failed(String error, boolean addressRefused, long started) {
    return new Answer(null, null, error, addressRefused, millisSince(started));
  }

  private static int millisSince(long started) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
  }
}
