package dev.credence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local webhook receiver of the webhook benchmark ({@code bench/run-webhook-bench.sh}).
 *
 * <p>Any {@code POST} outside {@code /_control/} is a webhook: the receiver takes the time of its
 * arrival ({@link System#nanoTime}, which on Linux is {@code CLOCK_MONOTONIC}, the clock of the
 * driver's {@code time.monotonic_ns()}; the driver checks this at start), reads the body, checks
 * {@code X-Signature} (lowercase hex HMAC-SHA512 of the raw body keyed with the API key) and {@code
 * X-Credence-Signature} (a {@code v1=} entry of the same of {@code "<X-Credence-Timestamp>." +
 * body}, timestamp within 300 s), reads {@code uid} and {@code event.type}, records all of it and
 * answers {@code 200 ok}.
 *
 * <p>While the gate is closed, webhooks are recorded on arrival but not answered until it opens:
 * the sender's threads stay busy, so events made meanwhile pile up in the server's queue. Opening
 * the gate lets that backlog drain at full speed.
 *
 * <p>Control (all on 127.0.0.1): {@code GET /_control/clock} (nanoTime), {@code POST /_control/key}
 * (body: the API key to verify with), {@code POST /_control/gate?state=open|closed} (answers the
 * nanoTime of the change), {@code GET /_control/count} ({@code arrivals bad_signatures waiting}),
 * {@code GET /_control/arrivals} (one line per webhook, tab-separated: nanos, uid, type, event id,
 * X-Signature ok, X-Credence-Signature ok, body bytes), {@code GET
 * /_control/wait?count=N&timeout_ms=T} (blocks until N webhooks have arrived or T ms have passed;
 * answers the count), {@code GET /_control/samples} (the last body of each event type, one a line,
 * for the floor client), {@code POST /_control/reset}.
 *
 * <p>Usage: {@code java -cp credence-floor.jar dev.credence.bench.WebhookReceiver PORT [THREADS]}
 * (threads default 64: more than the sender can hold open, so a held gate never starves it).
 */
public final class WebhookReceiver {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMESTAMP_TOLERANCE_SECONDS = 300;

  private record Arrival(
      long nanos,
      String uid,
      String type,
      String eventId,
      boolean signatureOk,
      boolean timestampedOk,
      int bytes) {}

  private final ObjectMapper json = new ObjectMapper();
  private final List<Arrival> arrivals = new ArrayList<>();
  private final AtomicLong badSignatures = new AtomicLong();
  private final AtomicLong waiting = new AtomicLong();
  private final Map<String, String> samples = new ConcurrentHashMap<>();
  private final Object gateLock = new Object();
  private boolean gateOpen = true;
  private volatile String key = "";

  public static void main(String[] args) throws IOException {
    int port =
        Integer.parseInt(args.length > 0 ? args[0] : System.getenv().getOrDefault("PORT", "7090"));
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    // TCP_NODELAY on accepted connections (the JDK server leaves Nagle on by default): without
    // it, a response written in two pieces waits for the sender's delayed ACK, about 40 ms a
    // delivery under load, and the receiver, not the sender, would set every figure.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    WebhookReceiver receiver = new WebhookReceiver();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    server.createContext("/", receiver::handle);
    server.setExecutor(Executors.newFixedThreadPool(threads));
    server.start();
    System.out.println("webhook receiver on 127.0.0.1:" + port + " with " + threads + " threads");
  }

  private void handle(HttpExchange exchange) throws IOException {
    long arrived = System.nanoTime();
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/_control/")) {
        control(exchange, path);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "POST only");
        return;
      }
      byte[] body = readAll(exchange.getRequestBody());
      webhook(exchange, arrived, body);
      waitForGate();
      exchange.sendResponseHeaders(200, OK.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(OK);
      }
    }
  }

  private void webhook(HttpExchange exchange, long arrived, byte[] body) {
    String apiKey = key;
    var headers = exchange.getRequestHeaders();
    boolean signatureOk = matches(apiKey, body, headers.getFirst("X-Signature"));
    boolean timestampedOk = false;
    String timestamp = headers.getFirst("X-Credence-Timestamp");
    if (timestamp != null && timestamp.matches("\\d{1,12}")) {
      long at = Long.parseLong(timestamp);
      long now = System.currentTimeMillis() / 1000;
      byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
      byte[] signed = new byte[prefix.length + body.length];
      System.arraycopy(prefix, 0, signed, 0, prefix.length);
      System.arraycopy(body, 0, signed, prefix.length, body.length);
      timestampedOk =
          Math.abs(now - at) <= TIMESTAMP_TOLERANCE_SECONDS
              && matchesAnEntry(apiKey, signed, headers.getFirst("X-Credence-Signature"));
    }
    if (!signatureOk || !timestampedOk) {
      badSignatures.incrementAndGet();
    }
    String uid = "-";
    String type = "-";
    try {
      JsonNode tree = json.readTree(body);
      uid = tree.path("uid").asText("-");
      type = tree.path("event").path("type").asText("-");
    } catch (IOException notJson) {
      type = "not-json";
    }
    String eventId = headers.getFirst("X-Credence-Event-Id");
    Arrival arrival =
        new Arrival(
            arrived,
            clean(uid),
            clean(type),
            clean(eventId == null ? "-" : eventId),
            signatureOk,
            timestampedOk,
            body.length);
    if (!type.equals("not-json")) {
      samples.put(type, new String(body, StandardCharsets.UTF_8));
    }
    synchronized (arrivals) {
      arrivals.add(arrival);
      arrivals.notifyAll();
    }
  }

  private void waitForGate() {
    synchronized (gateLock) {
      if (gateOpen) {
        return;
      }
      waiting.incrementAndGet();
      try {
        while (!gateOpen) {
          gateLock.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting.decrementAndGet();
      }
    }
  }

  private void control(HttpExchange exchange, String path) throws IOException {
    URI uri = exchange.getRequestURI();
    switch (path) {
      case "/_control/clock" -> reply(exchange, 200, Long.toString(System.nanoTime()));
      case "/_control/key" -> {
        key = new String(readAll(exchange.getRequestBody()), StandardCharsets.UTF_8).strip();
        reply(exchange, 200, "ok");
      }
      case "/_control/gate" -> {
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        boolean open;
        if (query.equals("state=open")) {
          open = true;
        } else if (query.equals("state=closed")) {
          open = false;
        } else {
          reply(exchange, 400, "state=open or state=closed");
          return;
        }
        long at;
        synchronized (gateLock) {
          gateOpen = open;
          at = System.nanoTime();
          gateLock.notifyAll();
        }
        reply(exchange, 200, Long.toString(at));
      }
      case "/_control/count" -> {
        int count;
        synchronized (arrivals) {
          count = arrivals.size();
        }
        reply(exchange, 200, count + " " + badSignatures.get() + " " + waiting.get());
      }
      case "/_control/wait" -> {
        long count = 0;
        long timeoutMs = 0;
        for (String pair : (uri.getQuery() == null ? "" : uri.getQuery()).split("&")) {
          if (pair.startsWith("count=")) {
            count = Long.parseLong(pair.substring(6));
          } else if (pair.startsWith("timeout_ms=")) {
            timeoutMs = Long.parseLong(pair.substring(11));
          }
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        int size;
        synchronized (arrivals) {
          long left;
          while (arrivals.size() < count && (left = deadline - System.nanoTime()) > 0) {
            try {
              arrivals.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
          }
          size = arrivals.size();
        }
        reply(exchange, 200, Integer.toString(size));
      }
      case "/_control/samples" -> {
        StringBuilder out = new StringBuilder();
        samples.values().forEach(body -> out.append(body.replace('\n', ' ')).append('\n'));
        reply(exchange, 200, out.toString());
      }
      case "/_control/arrivals" -> {
        StringBuilder out = new StringBuilder();
        synchronized (arrivals) {
          for (Arrival a : arrivals) {
            out.append(a.nanos())
                .append('\t')
                .append(a.uid())
                .append('\t')
                .append(a.type())
                .append('\t')
                .append(a.eventId())
                .append('\t')
                .append(a.signatureOk() ? 1 : 0)
                .append('\t')
                .append(a.timestampedOk() ? 1 : 0)
                .append('\t')
                .append(a.bytes())
                .append('\n');
          }
        }
        reply(exchange, 200, out.toString());
      }
      case "/_control/reset" -> {
        synchronized (arrivals) {
          arrivals.clear();
        }
        badSignatures.set(0);
        reply(exchange, 200, "ok");
      }
      default -> reply(exchange, 404, "unknown control path");
    }
  }

  /** Whether a {@code v1=<hex>} entry of an {@code X-Credence-Signature} header matches. */
  private static boolean matchesAnEntry(String apiKey, byte[] message, String header) {
    if (header == null) {
      return false;
    }
    for (String entry : header.split(",")) {
      String trimmed = entry.strip();
      if (trimmed.startsWith("v1=") && matches(apiKey, message, trimmed.substring(3))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String apiKey, byte[] message, String signatureHex) {
    if (apiKey.isEmpty() || signatureHex == null) {
      return false;
    }
    byte[] claimed;
    try {
      claimed = HEX.parseHex(signatureHex.strip());
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(hmacSha512(apiKey, message), claimed);
  }

  static byte[] hmacSha512(String apiKey, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String clean(String value) {
    return value.replace('\t', ' ').replace('\n', ' ');
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
