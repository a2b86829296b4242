package dev.credence.server.deployments;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's cache of the environments of API keys, by the SHA-256 of the key, so that a create
 * call need not look its key up in the database (decision 0024); an old key kept by a rotation's
 * overlap is cached like a current one, and its end is checked at each use by {@link
 * DeploymentService#authenticate} (decision 0027). And of environments by integration id ({@link
 * #byIntegration}), so that a webhook delivery need not read its URL and key from the database
 * (decision 0026).
 *
 * <p>What keeps it true: every change of an environment's key or settings moves the settings
 * version in the change's own transaction ({@link DeploymentStore#settingsVersion()}). A change
 * made on this node empties the cache at once ({@link #invalidate()}). A background tick reads the
 * version every {@link #CHECK_EVERY} and empties the cache when it has moved, so that a change made
 * elsewhere (another node, the command line) is seen here within {@link #BOUND}. And the cache is
 * used only while its last successful check started less than {@link #BOUND} ago: a tick that falls
 * behind, or a database that does not answer it, sends every look-up to the database rather than to
 * an entry that may be stale.
 *
 * <p>Only keys that were found are cached, at most {@link #MAX_ENTRIES} of them: a wrong key is
 * looked up in the database each time and leaves nothing here. Each emptying replaces the map with
 * a new one, and a look-up puts what it read into the map it began with, so a read that raced with
 * an emptying lands in the discarded map. The map holds what the database holds (the key's hash and
 * its ciphertext), never a key in clear.
 */
public final class KeyCache implements AutoCloseable {
  /** How long a change made elsewhere may take to reach this node. */
  public static final Duration BOUND = Duration.ofSeconds(1);

  /** How often the tick reads the settings version: twice within the bound. */
  static final Duration CHECK_EVERY = Duration.ofMillis(500);

  /** The most keys kept; beyond it the least useful entry goes. */
  static final int MAX_ENTRIES = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

  private final LongSupplier settingsVersion;
  private final LongSupplier nanoTime;
  private final int maxEntries;
  private final Object changing = new Object();
  private volatile Generation current;
  private ScheduledExecutorService ticker;
  private boolean failing;

  /**
   * The entries valid since the settings version {@code version}, as read by the check that started
   * at {@code checkedAt} (nanoTime); {@code checked} is false until a check has succeeded.
   */
  private record Generation(
      Cache<String, Environment> entries, long version, long checkedAt, boolean checked) {
    boolean trusted(long now) {
      return checked && now - checkedAt < BOUND.toNanos();
    }
  }

  /**
   * A cache that trusts nothing until {@link #start()} has its tick running (the command line never
   * starts it, and so always reads the database).
   */
  public KeyCache(LongSupplier settingsVersion) {
    this(settingsVersion, System::nanoTime, MAX_ENTRIES);
  }

  KeyCache(LongSupplier settingsVersion, LongSupplier nanoTime, int maxEntries) {
    this.settingsVersion = settingsVersion;
    this.nanoTime = nanoTime;
    this.maxEntries = maxEntries;
    this.current = new Generation(newEntries(), 0, 0, false);
  }

  /** The cache key of an environment by its integration id: never the hex of a key's hash. */
  static String byIntegration(String integrationId) {
    return "integration " + integrationId;
  }

  /**
   * The environment cached under {@code keyHash} (or {@link #byIntegration}): from the cache while
   * it is trusted, else from {@code database}, whose answer is kept only if it found one.
   */
  Optional<Environment> find(String keyHash, Supplier<Optional<Environment>> database) {
    Generation generation = current;
    if (!generation.trusted(nanoTime.getAsLong())) {
      return database.get();
    }
    Environment cached = generation.entries().getIfPresent(keyHash);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Environment> found = database.get();
    found.ifPresent(environment -> generation.entries().put(keyHash, environment));
    return found;
  }

  /** Empties the cache: called after this node changed a key or settings, once committed. */
  public void invalidate() {
    synchronized (changing) {
      Generation generation = current;
      current =
          new Generation(
              newEntries(), generation.version(), generation.checkedAt(), generation.checked());
    }
  }

  /**
   * Reads the settings version and empties the cache if it moved since the last check; what the
   * tick does. A failed read changes nothing, and the cache stops being trusted once {@link #BOUND}
   * has passed since the last check that succeeded.
   */
  void check() {
    long started = nanoTime.getAsLong();
    long version;
    try {
      version = settingsVersion.getAsLong();
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "Cannot read the settings version ({}); API keys are looked up in the database until it"
                + " can be read again",
            e.toString());
      }
      return;
    }
    if (failing) {
      failing = false;
      LOG.info("The settings version can be read again; API keys are cached again");
    }
    synchronized (changing) {
      Generation generation = current;
      boolean moved = !generation.checked() || version != generation.version();
      current = new Generation(moved ? newEntries() : generation.entries(), version, started, true);
    }
  }

  /** How many keys are cached now. */
  public long size() {
    Cache<String, Environment> entries = current.entries();
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /** Registers {@code credence_api_key_cache_entries} in {@code meters}. */
  public void registerMeters(MeterRegistry meters) {
    Gauge.builder("credence.api.key.cache.entries", this::size)
        .description(
            "Environments cached on this node with their settings: by API key, and by integration"
                + " id for webhook deliveries")
        .register(meters);
  }

  /** Starts the tick: a first check at once, then one every {@link #CHECK_EVERY}. */
  public void start() {
    synchronized (changing) {
      if (ticker != null) {
        throw new IllegalStateException("the key cache's tick is already running");
      }
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "credence-key-cache");
                thread.setDaemon(true);
                return thread;
              });
      ticker.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the tick, waiting for a check under way, so that none runs once the database closes. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (changing) {
      running = ticker;
    }
    if (running == null) {
      return;
    }
    running.shutdown();
    try {
      running.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Cache<String, Environment> newEntries() {
    return Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
  }
}
