package dev.credence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.logging.LogEntry;

/**
 * Every HTTP request of a journey, from chromedriver's performance log (Chrome's DevTools network
 * events): each hop of a redirect is a request of its own (a form post and the page it redirects to
 * are two), with when it was sent, whether the cache answered it, and the bytes received for it
 * (Chrome's {@code encodedDataLength}: headers and body as they came over the wire; nothing for a
 * cache hit).
 */
final class JourneyTraffic {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request.
   *
   * @param sentAtMs when Chrome sent it, epoch milliseconds (its {@code wallTime})
   * @param tookMs from sending it to its response headers (or the next hop of its redirect), in
   *     milliseconds; negative if it never got an answer
   * @param cached answered from the memory or disk cache, not the network
   * @param document a page (a navigation), not a stylesheet, script or icon
   */
  record Request(
      long sentAtMs,
      String method,
      String url,
      String type,
      int status,
      boolean cached,
      boolean document,
      long bytes,
      double tookMs) {}

  /** A request seen sent and not finished yet. */
  private static final class Open {
    long sentAtMs;
    double sentAt;
    String method;
    String url;
    String type;
    int status;
    boolean cached;
    double answeredAt = -1;
  }

  private final Map<String, Open> open = new LinkedHashMap<>();
  private final List<Request> requests = new ArrayList<>();

  /** Takes the network events of these log entries, in order. */
  void add(List<LogEntry> entries) {
    for (LogEntry entry : entries) {
      JsonNode message;
      try {
        message = JSON.readTree(entry.getMessage()).path("message");
      } catch (Exception e) {
        throw new IllegalStateException("unreadable performance log entry: " + entry, e);
      }
      JsonNode params = message.path("params");
      String id = params.path("requestId").asText();
      switch (message.path("method").asText()) {
        case "Network.requestWillBeSent" -> sent(id, params);
        case "Network.requestServedFromCache" -> {
          Open request = open.get(id);
          if (request != null) {
            request.cached = true;
          }
        }
        case "Network.responseReceived" -> {
          Open request = open.get(id);
          if (request != null) {
            JsonNode response = params.path("response");
            request.status = response.path("status").asInt();
            request.cached |= response.path("fromDiskCache").asBoolean();
            request.cached |= response.path("fromPrefetchCache").asBoolean();
            request.answeredAt = params.path("timestamp").asDouble();
          }
        }
        case "Network.loadingFinished" -> close(id, params.path("encodedDataLength").asLong());
        case "Network.loadingFailed" -> close(id, 0);
        default -> {
          // other network events carry nothing counted here
        }
      }
    }
  }

  private void sent(String id, JsonNode params) {
    JsonNode redirect = params.path("redirectResponse");
    Open previous = open.get(id);
    if (!redirect.isMissingNode() && previous != null) {
      // The hop that answered with a redirect ends where the next one starts.
      previous.status = redirect.path("status").asInt();
      previous.answeredAt = params.path("timestamp").asDouble();
      close(id, redirect.path("encodedDataLength").asLong());
    }
    JsonNode request = params.path("request");
    Open next = new Open();
    next.sentAtMs = Math.round(params.path("wallTime").asDouble() * 1000);
    next.sentAt = params.path("timestamp").asDouble();
    next.method = request.path("method").asText();
    next.url = request.path("url").asText();
    next.type = params.path("type").asText();
    open.put(id, next);
  }

  private void close(String id, long bytes) {
    Open request = open.remove(id);
    if (request == null) {
      return;
    }
    double took = request.answeredAt < 0 ? -1 : (request.answeredAt - request.sentAt) * 1000;
    requests.add(
        new Request(
            request.sentAtMs,
            request.method,
            request.url,
            request.type,
            request.status,
            request.cached,
            "Document".equals(request.type),
            bytes,
            took));
  }

  /**
   * Every request of the journey's origin ({@code data:} and {@code about:} pages left out), in the
   * order they finished; those never finished count with no bytes.
   */
  List<Request> requests(String origin) {
    List<Request> all = new ArrayList<>(requests);
    for (Open request : open.values()) {
      all.add(
          new Request(
              request.sentAtMs,
              request.method,
              request.url,
              request.type,
              request.status,
              request.cached,
              "Document".equals(request.type),
              0,
              -1));
    }
    return all.stream().filter(r -> r.url().startsWith(origin + "/")).toList();
  }

  /**
   * The median time a request that went to the network took to be answered, in ms: the emulated
   * latency plus what the server and the machine added; NaN if none was answered.
   */
  static double medianNetworkAnswer(List<Request> requests) {
    double[] took =
        requests.stream()
            .filter(r -> !r.cached() && r.tookMs() >= 0)
            .mapToDouble(Request::tookMs)
            .sorted()
            .toArray();
    if (took.length == 0) {
      return Double.NaN;
    }
    int mid = took.length / 2;
    return took.length % 2 == 1 ? took[mid] : (took[mid - 1] + took[mid]) / 2;
  }

  /**
   * The shortest time any request that went to the network took to be answered, in ms: at least the
   * emulated latency if the throttling held for the whole journey; NaN if none was answered.
   */
  static double fastestNetworkAnswer(List<Request> requests) {
    return requests.stream()
        .filter(r -> !r.cached() && r.tookMs() >= 0)
        .mapToDouble(Request::tookMs)
        .min()
        .orElse(Double.NaN);
  }
}
