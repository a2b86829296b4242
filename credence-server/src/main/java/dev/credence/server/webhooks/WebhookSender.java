package dev.credence.server.webhooks;

import dev.credence.api.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts one signed body to a receiver and reports what happened. Never throws for the receiver's
 * sake: a refused connection, a time-out or a broken answer is an {@link Answer} with an error.
 */
public final class WebhookSender {
  /** How much of a receiver's answer is kept in the delivery log. */
  public static final int SNIPPET_CHARS = 500;

  private final HttpClient http;
  private final ExecutorService readers = Executors.newCachedThreadPool(WebhookSender::daemon);
  private final Duration timeout;
  private final Clock clock;

  public WebhookSender(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            // Plain HTTP/1.1: no h2c upgrade headers, which some receivers and proxies mishandle.
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newCachedThreadPool(WebhookSender::daemon))
            .build();
  }

  /**
   * What the receiver did: its status code and the start of its body, or, when it never answered,
   * {@code statusCode} null and an error saying why.
   */
  public record Answer(Integer statusCode, String body, String error, int latencyMs) {
    public boolean delivered() {
      return statusCode != null && statusCode == 200;
    }
  }

  /**
   * Sends {@code body} with {@code X-Signature} (vendor-compatible) and Credence's event id,
   * timestamp and timestamped signature, all keyed with the environment's API key.
   */
  public Answer send(String url, String apiKey, String eventId, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    long started = System.nanoTime();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Credence-Webhooks/1")
              .header(Signatures.HEADER, Signatures.sign(apiKey, bytes))
              .header(Signatures.EVENT_ID_HEADER, eventId)
              .header(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp))
              .header(
                  Signatures.TIMESTAMPED_HEADER,
                  Signatures.signTimestamped(apiKey, timestamp, bytes))
              .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
              .build();
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String text = readHead(response.body(), started);
      return new Answer(response.statusCode(), snippet(text), null, millisSince(started));
    } catch (HttpTimeoutException e) {
      return failed("No answer within " + timeout.toMillis() + " ms", started);
    } catch (ConnectException e) {
      return failed("Cannot connect to host " + host(url), started);
    } catch (IOException e) {
      return failed("Connection to host " + host(url) + " failed: " + e.getMessage(), started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("Interrupted while sending", started);
    } catch (IllegalArgumentException e) {
      return failed("Invalid webhook URL: " + e.getMessage(), started);
    }
  }

  /**
   * The start of the receiver's answer, read within what is left of the time-out: only its status
   * counts, so a huge or endless body neither fills memory nor holds a delivery thread.
   */
  private String readHead(InputStream body, long started) {
    Future<byte[]> head = readers.submit(() -> body.readNBytes(SNIPPET_CHARS * 4));
    long left = Math.max(100, timeout.toMillis() - (System.nanoTime() - started) / 1_000_000);
    try {
      return new String(head.get(left, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
    } catch (TimeoutException | ExecutionException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } finally {
      head.cancel(true);
      try {
        body.close();
      } catch (IOException e) {
        // the answer is already judged by its status
      }
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

  private static Answer failed(String error, long started) {
    String text = error.length() > SNIPPET_CHARS ? error.substring(0, SNIPPET_CHARS) : error;
    return new Answer(null, null, text, millisSince(started));
  }

  private static String snippet(String text) {
    return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text;
  }

  private static int millisSince(long started) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "webhook-http");
    thread.setDaemon(true);
    return thread;
  }
}
