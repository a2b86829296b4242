package dev.credence.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server that plays scripted answers (status, body, Retry-After), for what the real
 * server cannot be made to do on demand: answer 503, stall, or answer HTML. Records every request.
 */
final class Stub implements AutoCloseable {
  record Answer(int status, String body, String retryAfter, Duration stall) {}

  /**
   * A request as it arrived; {@code target} is the request line's target: a path, or the whole URL
   * when sent to a proxy.
   */
  record Request(String method, String target, String body, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    String signature() {
      return header("X-Signature");
    }
  }

  private final HttpServer http;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Request> requests = new ArrayList<>();
  private Answer last;

  private Stub(HttpServer http) {
    this.http = http;
  }

  static Stub on(int port) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 10);
      Stub stub = new Stub(http);
      http.createContext("/", exchange -> stub.handle(exchange));
      http.setExecutor(Executors.newCachedThreadPool());
      http.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stub start() {
    return on(0);
  }

  /** A port nothing listens on (for now). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return http.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Answers to give in order; the last one is repeated once the script runs out. */
  synchronized Stub then(int status, String body, String retryAfter, Duration stall) {
    script.add(new Answer(status, body, retryAfter, stall));
    return this;
  }

  synchronized Stub then(int status, String body) {
    return then(status, body, null, Duration.ZERO);
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    Answer answer;
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              body,
              Map.copyOf(headers)));
      answer = script.isEmpty() ? last : script.poll();
      last = answer;
    }
    try {
      Thread.sleep(answer.stall().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .add("Content-Type", answer.body().startsWith("<") ? "text/html" : "application/json");
    if (answer.retryAfter() != null) {
      exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
