package dev.credence.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server that plays scripted answers (status, body, Retry-After), for what the real
 * server cannot be made to do on demand: answer 503, stall, or answer HTML. Records every request.
 */
final class Stub implements AutoCloseable {
  record Answer(int status, String body, String retryAfter, Duration stall) {}

  record Request(String method, String path, String body, String signature) {}

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
    Answer answer;
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              body,
              exchange.getRequestHeaders().getFirst("X-Signature")));
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
