package dev.credence.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A lender's webhook receiver for tests: a real HTTP server on a local port that records every
 * request and answers with the statuses it was told to (200 once the script runs out).
 */
public final class WebhookReceiver implements AutoCloseable {
  private final int port;
  private final List<Received> received = new ArrayList<>();
  private final Deque<Integer> script = new ArrayDeque<>();
  private int stalls;
  private Duration stall = Duration.ZERO;
  private HttpServer http;

  /** One request as it arrived: headers by lower-case name, the raw body. */
  public record Received(Map<String, String> headers, byte[] body, Instant at, int answered) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private WebhookReceiver(int port) {
    this.port = port;
  }

  /** A receiver listening on a free port. */
  public static WebhookReceiver start() {
    WebhookReceiver receiver = new WebhookReceiver(RunningServer.freePort());
    receiver.listen();
    return receiver;
  }

  /** A receiver listening on {@code port}, such as that of a receiver just closed. */
  public static WebhookReceiver onPort(int port) {
    WebhookReceiver receiver = new WebhookReceiver(port);
    receiver.listen();
    return receiver;
  }

  /** A receiver that is not listening yet: its URL refuses connections until {@link #listen}. */
  public static WebhookReceiver down() {
    return new WebhookReceiver(RunningServer.freePort());
  }

  public synchronized void listen() {
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/", this::handle);
    // A thread a request: one stalled answer does not hold up the others.
    http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    http.start();
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks/credence";
  }

  /** The statuses of the next answers, in order; 200 after them. */
  public synchronized void answer(int... statuses) {
    for (int status : statuses) {
      script.add(status);
    }
  }

  /** The next {@code count} requests get their answer only after {@code delay}. */
  public synchronized void stall(int count, Duration delay) {
    this.stalls = count;
    this.stall = delay;
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits until {@code count} requests have arrived; fails after {@code timeout}. */
  public List<Received> await(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (this) {
        if (received.size() >= count) {
          return List.copyOf(received);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "expected " + count + " webhook requests within " + timeout + ", got " + received());
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
    int status;
    Duration wait = Duration.ZERO;
    synchronized (this) {
      status = script.isEmpty() ? 200 : script.poll();
      received.add(new Received(headers, body, Instant.now(), status));
      if (stalls > 0) {
        stalls--;
        wait = stall;
      }
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] answer = ("answered " + status).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.stop(0);
      http = null;
    }
  }
}
