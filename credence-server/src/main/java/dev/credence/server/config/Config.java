package dev.credence.server.config;

import dev.credence.server.outbound.AllowedNetworks;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the server, read once from environment variables at start-up. Secrets left unset
 * are generated once into the data directory and reused (see {@link SecretFiles}).
 */
public record Config(
    int port,
    Path dataDir,
    Database database,
    String publicUrl,
    Secret operatorToken,
    Secret tokenSecret,
    List<Secret> previousTokenSecrets,
    Secret masterKey,
    boolean demoOnFirstStart,
    Workers workers,
    Console console,
    Edge edge,
    Shutdown shutdown,
    AllowedNetworks webhookAllowedNetworks,
    LogSettings logging,
    Metrics metrics) {

  /**
   * Where and to whom {@code GET /metrics} answers.
   *
   * @param token the bearer token a scrape must send; null: none asked for
   * @param port a port of its own that serves {@code /metrics} and nothing else (the main port then
   *     does not); null: the main port serves it
   */
  public record Metrics(Secret token, Integer port) {}

  /**
   * What a stop ({@code SIGTERM}) does, in order: readiness answers 503 at once, requests keep
   * being served for {@code drain} so that load balancers notice, then no new connection is
   * accepted and requests in flight get up to {@code timeout} to finish before the background work
   * stops and the database closes.
   */
  public record Shutdown(java.time.Duration drain, java.time.Duration timeout) {}

  /**
   * Background work: webhook delivery and the expiry sweep, run as db-scheduler tasks.
   *
   * @param pollInterval how often each node looks for due tasks (new events are sent at once on the
   *     node that made them; this bounds retries and work left by a stopped node)
   * @param retryBase the delay before the first retry of a webhook; each later one doubles
   * @param retryFor how long an event keeps being retried before it is marked FAILED
   * @param webhookTimeout how long a receiver may take to answer one delivery
   * @param expirySweep how often sessions past their time limit are looked for
   * @param retentionSweep how often finished sessions past their environment's retention period are
   *     looked for and erased
   * @param alertCheck how often environments whose webhooks are failing are looked for, to tell
   *     their Admins
   * @param heartbeat how often a node marks the tasks it runs as alive; a task whose node missed
   *     four heartbeats is taken over by another node (or by the same one restarted)
   */
  public record Workers(
      java.time.Duration pollInterval,
      java.time.Duration retryBase,
      java.time.Duration retryFor,
      java.time.Duration webhookTimeout,
      java.time.Duration expirySweep,
      java.time.Duration retentionSweep,
      java.time.Duration alertCheck,
      java.time.Duration heartbeat) {}

  /**
   * The dashboard under {@code /console}.
   *
   * @param idleTimeout a signed-in browser left alone this long must sign in again
   * @param smtp where invitation e-mails go; null: invitation links are only shown to copy
   */
  /**
   * @param trustedProxies reverse proxies (addresses or CIDR ranges) whose {@code X-Forwarded-For}
   *     names the client, for counting failed sign-ins per client; empty: the TCP peer is the
   *     client
   */
  public record Console(java.time.Duration idleTimeout, Smtp smtp, List<String> trustedProxies) {}

  /**
   * How the server meets the network.
   *
   * @param bindAddress the address to listen on as given (an IP literal or a host name); null:
   *     every interface
   * @param hsts whether answers carry {@code Strict-Transport-Security}: the public URL is https
   *     and CREDENCE_HSTS is not false
   * @param headTimeout how long a client may take to send a whole request head (request line and
   *     headers), counted from its first byte
   * @param connectionsPerAddress the most open connections from one client address, except the
   *     trusted proxies
   */
  public record Edge(
      String bindAddress,
      boolean hsts,
      java.time.Duration headTimeout,
      int connectionsPerAddress) {}

  /** An SMTP relay for invitation e-mails. */
  public record Smtp(
      String host, int port, String user, Secret password, String from, String security) {
    @Override
    public String toString() {
      return security + "://" + (user.isEmpty() ? "" : user + "@") + host + ":" + port;
    }
  }

  /** The store: an embedded H2 file (no URL given) or PostgreSQL. */
  public record Database(String url, String user, Secret password, int poolSize) {
    public boolean isH2() {
      return url.startsWith("jdbc:h2:");
    }

    public boolean isEmbeddedDefault(Path dataDir) {
      return url.equals(h2Url(dataDir));
    }

    @Override
    public String toString() {
      return "Database[url="
          + maskUrl(url)
          + ", user="
          + user
          + ", password="
          + password
          + ", poolSize="
          + poolSize
          + "]";
    }

    /**
     * The embedded default. {@code dsync:} (see {@code store/DurableFiles}) and {@code
     * WRITE_DELAY=0} make every commit reach the disk before it returns; docs/configuration.md says
     * what that costs. {@code LOCK_TIMEOUT=10000}: a statement waits up to 10 s for a row another
     * transaction holds, as long as a PostgreSQL statement may take, not H2's 1 s.
     */
    public static String h2Url(Path dataDir) {
      return "jdbc:h2:dsync:"
          + dataDir.toAbsolutePath().resolve("credence")
          + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"
          + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    }
  }

  /** A secret value and where it came from; its {@code toString} never shows the value. */
  public record Secret(String value, String source) {
    @Override
    public String toString() {
      return "******** (" + source + ")";
    }
  }

  public static final int MIN_TOKEN_SECRET_BYTES = 32;
  public static final int MIN_OPERATOR_TOKEN_LENGTH = 24;

  /** Reads the configuration; throws {@link ConfigException} naming the variable at fault. */
  public static Config fromEnvironment(Map<String, String> env) {
    int port = intValue(env, "CREDENCE_PORT", 8080, 1, 65535);
    Path dataDir = Path.of(env.getOrDefault("CREDENCE_DATA_DIR", "./data")).toAbsolutePath();
    String publicUrl = publicUrl(env, port);

    SecretFiles secrets = new SecretFiles(dataDir);
    Secret operatorToken = secrets.get(env, "CREDENCE_OPERATOR_TOKEN", SecretFiles::randomToken);
    if (operatorToken.value().length() < MIN_OPERATOR_TOKEN_LENGTH) {
      throw new ConfigException(
          "CREDENCE_OPERATOR_TOKEN must be at least " + MIN_OPERATOR_TOKEN_LENGTH + " characters");
    }
    Secret tokenSecret = secrets.get(env, "CREDENCE_TOKEN_SECRET", SecretFiles::randomToken);
    checkTokenSecret("CREDENCE_TOKEN_SECRET", tokenSecret.value());
    List<Secret> previous = new ArrayList<>();
    String previousList = env.getOrDefault("CREDENCE_TOKEN_SECRET_PREVIOUS", "");
    for (String value : previousList.split(",")) {
      if (!value.isBlank()) {
        checkTokenSecret("CREDENCE_TOKEN_SECRET_PREVIOUS", value.trim());
        previous.add(new Secret(value.trim(), "env CREDENCE_TOKEN_SECRET_PREVIOUS"));
      }
    }
    Secret masterKey = secrets.get(env, "CREDENCE_MASTER_KEY", SecretFiles::randomAesKey);
    checkMasterKey(masterKey.value());

    String url = env.getOrDefault("CREDENCE_DATABASE_URL", "").trim();
    boolean embedded = url.isEmpty();
    if (embedded) {
      url = Database.h2Url(dataDir);
    } else if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      throw new ConfigException(
          "CREDENCE_DATABASE_URL must start with jdbc:postgresql: (or jdbc:h2:), got "
              + maskUrl(url));
    }
    String password = env.getOrDefault("CREDENCE_DATABASE_PASSWORD", "");
    Database database =
        new Database(
            url,
            env.getOrDefault("CREDENCE_DATABASE_USER", embedded ? "sa" : ""),
            new Secret(password, password.isEmpty() ? "empty" : "env CREDENCE_DATABASE_PASSWORD"),
            intValue(env, "CREDENCE_DATABASE_POOL_SIZE", 16, 1, 500));

    boolean demo = embedded && boolValue(env, "CREDENCE_DEMO", true);
    Workers workers =
        new Workers(
            millis(intValue(env, "CREDENCE_SCHEDULER_POLL_MS", 2_000, 10, 600_000)),
            millis(intValue(env, "CREDENCE_WEBHOOK_RETRY_BASE_MS", 30_000, 10, 3_600_000)),
            java.time.Duration.ofSeconds(
                intValue(env, "CREDENCE_WEBHOOK_RETRY_SECONDS", 259_200, 1, 2_592_000)),
            millis(intValue(env, "CREDENCE_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000)),
            millis(intValue(env, "CREDENCE_EXPIRY_SWEEP_MS", 60_000, 10, 86_400_000)),
            millis(intValue(env, "CREDENCE_RETENTION_SWEEP_MS", 3_600_000, 10, 86_400_000)),
            millis(intValue(env, "CREDENCE_WEBHOOK_ALERT_CHECK_MS", 60_000, 10, 3_600_000)),
            millis(intValue(env, "CREDENCE_SCHEDULER_HEARTBEAT_MS", 5_000, 250, 600_000)));
    Console console =
        new Console(
            java.time.Duration.ofMinutes(
                intValue(env, "CREDENCE_CONSOLE_IDLE_MINUTES", 30, 1, 1440)),
            smtp(env),
            trustedProxies(env));
    return new Config(
        port,
        dataDir,
        database,
        publicUrl,
        operatorToken,
        tokenSecret,
        List.copyOf(previous),
        masterKey,
        demo,
        workers,
        console,
        edge(env, publicUrl),
        new Shutdown(
            java.time.Duration.ofSeconds(
                intValue(env, "CREDENCE_SHUTDOWN_DRAIN_SECONDS", 5, 0, 300)),
            java.time.Duration.ofSeconds(
                intValue(env, "CREDENCE_SHUTDOWN_TIMEOUT_SECONDS", 30, 1, 600))),
        webhookAllowedNetworks(env),
        LogSettings.fromEnvironment(env),
        metrics(env, port));
  }

  /** The metrics settings: neither is generated, both are optional. */
  private static Metrics metrics(Map<String, String> env, int mainPort) {
    String token = env.getOrDefault("CREDENCE_METRICS_TOKEN", "").strip();
    if (!token.isEmpty() && token.length() < MIN_OPERATOR_TOKEN_LENGTH) {
      throw new ConfigException(
          "CREDENCE_METRICS_TOKEN must be at least " + MIN_OPERATOR_TOKEN_LENGTH + " characters");
    }
    Integer port = null;
    if (!env.getOrDefault("CREDENCE_METRICS_PORT", "").isBlank()) {
      port = intValue(env, "CREDENCE_METRICS_PORT", 0, 1, 65535);
      if (port == mainPort) {
        throw new ConfigException(
            "CREDENCE_METRICS_PORT must differ from CREDENCE_PORT (" + mainPort + ")");
      }
    }
    return new Metrics(
        token.isEmpty() ? null : new Secret(token, "env CREDENCE_METRICS_TOKEN"), port);
  }

  private static Edge edge(Map<String, String> env, String publicUrl) {
    boolean hsts = boolValue(env, "CREDENCE_HSTS", true);
    return new Edge(
        bindAddress(env),
        hsts && isHttps(publicUrl),
        millis(intValue(env, "CREDENCE_REQUEST_HEAD_TIMEOUT_MS", 10_000, 100, 600_000)),
        intValue(env, "CREDENCE_CONNECTIONS_PER_ADDRESS", 64, 1, 100_000));
  }

  private static boolean isHttps(String publicUrl) {
    return publicUrl.toLowerCase(Locale.ROOT).startsWith("https:");
  }

  private static String bindAddress(Map<String, String> env) {
    String value = env.getOrDefault("CREDENCE_BIND_ADDRESS", "").strip();
    if (value.isEmpty()) {
      return null;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new ConfigException(
          "CREDENCE_BIND_ADDRESS must be an IP address or a host name that resolves, got " + value);
    }
    try {
      // Checked here, since a failed bind would only be reported as a port already in use.
      if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
        throw new ConfigException(
            "CREDENCE_BIND_ADDRESS must be an address of this machine, got "
                + value
                + " ("
                + address.getHostAddress()
                + ")");
      }
    } catch (SocketException e) {
      throw new ConfigException(
          "CREDENCE_BIND_ADDRESS: cannot list this machine's addresses: " + e);
    }
    return value;
  }

  /** Networks that webhooks may reach although they are not public (loopback, private, ...). */
  private static AllowedNetworks webhookAllowedNetworks(Map<String, String> env) {
    try {
      return AllowedNetworks.parse(env.getOrDefault("CREDENCE_WEBHOOK_ALLOWED_NETWORKS", ""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("CREDENCE_WEBHOOK_ALLOWED_NETWORKS: " + e.getMessage());
    }
  }

  private static List<String> trustedProxies(Map<String, String> env) {
    List<String> proxies = new ArrayList<>();
    for (String entry : env.getOrDefault("CREDENCE_TRUSTED_PROXIES", "").split(",")) {
      String proxy = entry.strip();
      if (proxy.isEmpty()) {
        continue;
      }
      String problem = TrustedProxies.problem(proxy);
      if (problem != null) {
        throw new ConfigException("CREDENCE_TRUSTED_PROXIES: " + problem);
      }
      proxies.add(proxy);
    }
    return List.copyOf(proxies);
  }

  private static Smtp smtp(Map<String, String> env) {
    String host = env.getOrDefault("CREDENCE_SMTP_HOST", "").trim();
    if (host.isEmpty()) {
      return null;
    }
    String security = env.getOrDefault("CREDENCE_SMTP_SECURITY", "starttls").trim();
    if (!List.of("starttls", "tls", "none").contains(security)) {
      throw new ConfigException(
          "CREDENCE_SMTP_SECURITY must be starttls, tls or none, got " + security);
    }
    String from = env.getOrDefault("CREDENCE_SMTP_FROM", "").trim();
    if (!from.contains("@")) {
      throw new ConfigException(
          "CREDENCE_SMTP_FROM must be the sender's e-mail address when CREDENCE_SMTP_HOST is set");
    }
    String password = env.getOrDefault("CREDENCE_SMTP_PASSWORD", "");
    return new Smtp(
        host,
        intValue(env, "CREDENCE_SMTP_PORT", security.equals("tls") ? 465 : 587, 1, 65535),
        env.getOrDefault("CREDENCE_SMTP_USER", "").trim(),
        new Secret(password, password.isEmpty() ? "empty" : "env CREDENCE_SMTP_PASSWORD"),
        from,
        security);
  }

  private static java.time.Duration millis(int value) {
    return java.time.Duration.ofMillis(value);
  }

  /** The configuration as printed at start-up: one line a setting, secrets masked. */
  public Map<String, String> describe() {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("CREDENCE_PORT", String.valueOf(port));
    lines.put("CREDENCE_DATA_DIR", dataDir.toString());
    lines.put("CREDENCE_DATABASE_URL", maskUrl(database.url()));
    lines.put("CREDENCE_DATABASE_USER", database.user());
    lines.put("CREDENCE_DATABASE_PASSWORD", database.password().toString());
    lines.put("CREDENCE_DATABASE_POOL_SIZE", String.valueOf(database.poolSize()));
    lines.put("CREDENCE_PUBLIC_URL", publicUrl);
    lines.put("CREDENCE_OPERATOR_TOKEN", operatorToken.toString());
    lines.put("CREDENCE_TOKEN_SECRET", tokenSecret.toString());
    lines.put("CREDENCE_TOKEN_SECRET_PREVIOUS", previousTokenSecrets.size() + " secret(s)");
    lines.put("CREDENCE_MASTER_KEY", masterKey.toString());
    lines.put("CREDENCE_DEMO", String.valueOf(demoOnFirstStart));
    lines.put("CREDENCE_SCHEDULER_POLL_MS", String.valueOf(workers.pollInterval().toMillis()));
    lines.put("CREDENCE_SCHEDULER_HEARTBEAT_MS", String.valueOf(workers.heartbeat().toMillis()));
    lines.put("CREDENCE_WEBHOOK_RETRY_BASE_MS", String.valueOf(workers.retryBase().toMillis()));
    lines.put("CREDENCE_WEBHOOK_RETRY_SECONDS", String.valueOf(workers.retryFor().toSeconds()));
    lines.put("CREDENCE_WEBHOOK_TIMEOUT_MS", String.valueOf(workers.webhookTimeout().toMillis()));
    lines.put(
        "CREDENCE_WEBHOOK_ALLOWED_NETWORKS",
        webhookAllowedNetworks.isEmpty()
            ? "(none: webhooks go to public addresses only)"
            : webhookAllowedNetworks.toString());
    lines.put("CREDENCE_EXPIRY_SWEEP_MS", String.valueOf(workers.expirySweep().toMillis()));
    lines.put("CREDENCE_RETENTION_SWEEP_MS", String.valueOf(workers.retentionSweep().toMillis()));
    lines.put("CREDENCE_WEBHOOK_ALERT_CHECK_MS", String.valueOf(workers.alertCheck().toMillis()));
    lines.put("CREDENCE_CONSOLE_IDLE_MINUTES", String.valueOf(console.idleTimeout().toMinutes()));
    lines.put("CREDENCE_SHUTDOWN_DRAIN_SECONDS", String.valueOf(shutdown.drain().toSeconds()));
    lines.put("CREDENCE_SHUTDOWN_TIMEOUT_SECONDS", String.valueOf(shutdown.timeout().toSeconds()));
    lines.put(
        "CREDENCE_TRUSTED_PROXIES",
        console.trustedProxies().isEmpty()
            ? "(none: the connection's address is the client's)"
            : String.join(",", console.trustedProxies()));
    lines.put(
        "CREDENCE_BIND_ADDRESS",
        edge.bindAddress() == null ? "(all interfaces)" : edge.bindAddress());
    lines.put(
        "CREDENCE_HSTS",
        edge.hsts()
            ? "on (max-age=31536000)"
            : isHttps(publicUrl) ? "off" : "off (the public URL is http)");
    lines.put("CREDENCE_REQUEST_HEAD_TIMEOUT_MS", String.valueOf(edge.headTimeout().toMillis()));
    lines.put("CREDENCE_CONNECTIONS_PER_ADDRESS", String.valueOf(edge.connectionsPerAddress()));
    lines.put("CREDENCE_LOG_LEVEL", logging.level());
    lines.put("CREDENCE_LOG_FORMAT", logging.format().name().toLowerCase(Locale.ROOT));
    lines.put(
        "CREDENCE_METRICS_TOKEN",
        metrics.token() == null ? "(none: /metrics asks for no token)" : metrics.token() + "");
    lines.put(
        "CREDENCE_METRICS_PORT",
        metrics.port() == null ? "(none: /metrics is on the main port)" : metrics.port() + "");
    lines.put(
        "CREDENCE_SMTP_HOST",
        console.smtp() == null
            ? "(none: invitation links are shown to copy)"
            : console.smtp() + "");
    return lines;
  }

  public byte[] masterKeyBytes() {
    return Base64.getDecoder().decode(masterKey.value());
  }

  private static String publicUrl(Map<String, String> env, int port) {
    String value = env.get("CREDENCE_PUBLIC_URL");
    if (value == null || value.isBlank()) {
      return "http://localhost:" + port;
    }
    value = value.trim();
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    try {
      URI uri = URI.create(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("CREDENCE_PUBLIC_URL must be an http(s) URL, got " + value);
    }
    return value;
  }

  private static void checkTokenSecret(String name, String value) {
    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_TOKEN_SECRET_BYTES) {
      throw new ConfigException(
          name + " must be at least " + MIN_TOKEN_SECRET_BYTES + " bytes (HS256 needs 256 bits)");
    }
  }

  private static void checkMasterKey(String value) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != 32) {
      throw new ConfigException(
          "CREDENCE_MASTER_KEY must be 32 bytes in base64 (generate one with: openssl rand -base64"
              + " 32)");
    }
    Arrays.fill(key, (byte) 0);
  }

  private static int intValue(
      Map<String, String> env, String name, int fallback, int min, int max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(
          name + " must be a whole number from " + min + " to " + max + ", got " + value);
    }
  }

  private static boolean boolValue(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(name + " must be true or false, got " + value);
    };
  }

  /** Hides a password written inside a JDBC URL ({@code password=...}). */
  static String maskUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1********");
  }
}
