package dev.credence.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of the webhook-throughput benchmark: what the machine and the receiver allow when
 * nothing but the sending is done. {@code THREADS} threads each post, one after another, signed
 * webhook bodies to the receiver with the JDK {@link HttpClient} built exactly as Credence's {@code
 * WebhookSender} builds it (connect time-out, no redirects, a cached thread pool), with the same
 * headers ({@code X-Signature} and the timestamped {@code X-Credence-Signature}, both HMAC-SHA512
 * computed per request, {@code X-Credence-Event-Id}, {@code X-Credence-Timestamp}). No database, no
 * scheduler, no event look-up.
 *
 * <p>Bodies come from {@code BODIES_FILE}, one per line (real event bodies captured from the
 * server's deliveries), used in turn. First {@code WARMUP} posts (JIT warm-up), then the receiver's
 * record is reset ({@code POST /_control/reset}), then {@code COUNT} measured posts. It prints one
 * {@code FLOOR ...} line: posts per second as the client saw them and the round trip of each post
 * (send to answer read) at p50/p90/p99/max; with one thread, that round trip is the latency floor
 * of a single delivery. Any answer but 200 is counted and makes the exit status 1.
 *
 * <p>Usage: {@code java -cp credence-floor.jar dev.credence.bench.WebhookFloorClient URL
 * BODIES_FILE THREADS WARMUP COUNT}, env {@code WEBHOOK_KEY} (the key to sign with).
 */
public final class WebhookFloorClient {
  private static final HexFormat HEX = HexFormat.of();

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: WebhookFloorClient URL BODIES_FILE THREADS WARMUP COUNT");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    if (!"127.0.0.1".equals(url.getHost())) {
      throw new IllegalArgumentException("the floor posts to 127.0.0.1 only, not " + url);
    }
    List<byte[]> bodies = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        bodies.add(line.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("no bodies in " + args[1]);
    }
    int threads = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    String key = System.getenv("WEBHOOK_KEY");
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("set WEBHOOK_KEY");
    }
    Duration timeout = Duration.ofSeconds(10);
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(
                Executors.newCachedThreadPool(
                    task -> {
                      Thread thread = new Thread(task, "webhook-http");
                      thread.setDaemon(true);
                      return thread;
                    }))
            .build();

    Result warm = run(http, url, timeout, key, bodies, threads, warmup);
    URI reset = url.resolve("/_control/reset");
    HttpResponse<String> resetAnswer =
        http.send(
            HttpRequest.newBuilder(reset).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    if (resetAnswer.statusCode() != 200) {
      throw new IllegalStateException("receiver reset answered " + resetAnswer.statusCode());
    }
    Result measured = run(http, url, timeout, key, bodies, threads, count);
    double seconds = measured.nanos() / 1e9;
    long[] took = measured.took().clone();
    Arrays.sort(took);
    System.out.printf(
        Locale.ROOT,
        "FLOOR threads=%d warmup=%d warmup_failed=%d count=%d failed=%d seconds=%.3f"
            + " client_posts_per_s=%.1f rtt_p50_ms=%.3f rtt_p90_ms=%.3f rtt_p99_ms=%.3f"
            + " rtt_max_ms=%.3f%n",
        threads,
        warmup,
        warm.failed(),
        count,
        measured.failed(),
        seconds,
        count / seconds,
        percentile(took, 50),
        percentile(took, 90),
        percentile(took, 99),
        took[took.length - 1] / 1e6);
    System.exit(warm.failed() + measured.failed() > 0 ? 1 : 0);
  }

  /** How long the run took, how many posts failed, and each post's round trip (ns). */
  private record Result(long nanos, long failed, long[] took) {}

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  private static double percentile(long[] sorted, int p) {
    int rank = (int) Math.max(1, Math.ceil(sorted.length * p / 100.0));
    return sorted[rank - 1] / 1e6;
  }

  private static Result run(
      HttpClient http,
      URI url,
      Duration timeout,
      String key,
      List<byte[]> bodies,
      int threads,
      int count)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    long[] took = new long[count];
    List<Thread> workers = new ArrayList<>();
    long started = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                  byte[] body = bodies.get(i % bodies.size());
                  long sent = System.nanoTime();
                  if (!send(http, url, timeout, key, body)) {
                    failed.incrementAndGet();
                  }
                  took[i] = System.nanoTime() - sent;
                }
              },
              "floor-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return new Result(System.nanoTime() - started, failed.get(), took);
  }

  /** One delivery, as {@code WebhookSender.send} makes it. */
  private static boolean send(HttpClient http, URI url, Duration timeout, String key, byte[] body) {
    long timestamp = System.currentTimeMillis() / 1000;
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] stamped = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, stamped, 0, prefix.length);
    System.arraycopy(body, 0, stamped, prefix.length, body.length);
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Credence-Webhooks/1")
              .header("X-Signature", HEX.formatHex(WebhookReceiver.hmacSha512(key, body)))
              .header(
                  "X-Credence-Event-Id",
                  UUID.randomUUID().toString().replace("-", "").substring(0, 24))
              .header("X-Credence-Timestamp", Long.toString(timestamp))
              .header(
                  "X-Credence-Signature",
                  "v1=" + HEX.formatHex(WebhookReceiver.hmacSha512(key, stamped)))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
