package dev.credence.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credence.client.CredenceApiException;
import dev.credence.client.CredenceClient;
import dev.credence.client.CredenceConnectionException;
import dev.credence.client.Session;
import dev.credence.client.WebhookDelivery;
import dev.credence.client.WebhookRejectedException;
import dev.credence.client.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A lender's app in one class, on the JDK's HTTP server: {@code GET /apply?customer=<uid>} creates
 * the applicant's session and redirects them to it; {@code POST /webhooks/credence} verifies each
 * delivery, takes each event in once and answers 200; {@code GET /events} lists what was taken in.
 */
public final class LenderApp implements AutoCloseable {
  private final HttpServer http;
  private final CredenceClient credence;
  private final WebhookVerifier verifier;
  private final String integrationId;
  // Your database in real life: the events taken in, keyed by event id to drop repeats.
  private final Map<String, WebhookDelivery> taken = new ConcurrentHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  public LenderApp(int port, CredenceClient credence, WebhookVerifier verifier, String integration)
      throws IOException {
    this.credence = credence;
    this.verifier = verifier;
    this.integrationId = integration;
    this.http = HttpServer.create(new InetSocketAddress(port), 0);
    http.createContext("/apply", this::apply);
    http.createContext("/webhooks/credence", this::webhook);
    http.createContext("/events", e -> answer(e, 200, String.join("\n", log)));
    http.start();
  }

  public static void main(String[] args) throws IOException {
    String api = required("CREDENCE_API");
    String key = required("CREDENCE_API_KEY");
    int port = Integer.parseInt(System.getenv().getOrDefault("LENDER_APP_PORT", "8000"));
    // While the key changes, the key being replaced too: deliveries signed by either are taken.
    String previousKey = System.getenv("CREDENCE_PREVIOUS_API_KEY");
    WebhookVerifier verifier =
        previousKey == null || previousKey.isBlank()
            ? WebhookVerifier.builder(key).build()
            : WebhookVerifier.builder(key, previousKey).build();
    new LenderApp(
        port,
        CredenceClient.builder(api, key).build(),
        verifier,
        required("CREDENCE_INTEGRATION_ID"));
    System.out.println("Lender app: http://localhost:" + port + "/apply?customer=CUST-00123456");
    System.out.println(
        "Webhook URL to give the operator: http://<this host>:" + port + "/webhooks/credence");
  }

  private void apply(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    String uid = query != null && query.startsWith("customer=") ? query.substring(9) : "";
    try {
      Session session = credence.createSession(uid, integrationId);
      exchange.getResponseHeaders().add("Location", session.redirectUrl());
      answer(exchange, 302, "");
    } catch (CredenceApiException e) { // a bad uid (422), a used one (409), ...
      answer(exchange, e.status() == 422 || e.status() == 409 ? e.status() : 502, e.getMessage());
    } catch (CredenceConnectionException e) { // no answer, even after the client's retries
      answer(exchange, 503, "Credence did not answer; try again in a moment");
    }
  }

  private void webhook(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes(); // the raw bytes, before any parsing
    WebhookDelivery delivery;
    try {
      delivery = verifier.verify(body, exchange.getRequestHeaders()::getFirst);
    } catch (WebhookRejectedException e) {
      boolean genuine = e.reason() == WebhookRejectedException.Reason.UNKNOWN_EVENT_TYPE;
      answer(exchange, genuine ? 200 : 401, e.getMessage());
      return;
    }
    if (taken.putIfAbsent(delivery.idempotencyKey(), delivery) == null) {
      String line =
          delivery.eventId() + " " + delivery.event().uid() + " " + delivery.event().type();
      log.add(line);
      System.out.println(line); // hand the event to your own processing here
    }
    answer(exchange, 200, "ok"); // exactly 200, or it is sent again
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      System.err.println("Set " + name + " (see docs/integration-guide.md)");
      System.exit(2);
    }
    return value;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
