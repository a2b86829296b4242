package dev.credence.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the cache of API keys answers, and when it must ask the database (decision 0024). */
class KeyCacheTest {
  private static final long MILLIS = 1_000_000;

  private final AtomicLong version = new AtomicLong(7);
  private final AtomicLong now = new AtomicLong(1_000 * MILLIS);
  private final AtomicInteger reads = new AtomicInteger();
  private final KeyCache cache = new KeyCache(this::readVersion, now::get, 3);

  private volatile boolean databaseAway;

  private long readVersion() {
    if (databaseAway) {
      throw new IllegalStateException("the database is away");
    }
    return version.get();
  }

  @Test
  void untilItsFirstCheckEveryLookUpGoesToTheDatabase() {
    assertThat(find("a")).isPresent();
    assertThat(find("a")).isPresent();
    assertThat(reads).hasValue(2);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aKeyFoundIsServedFromTheCacheWhileItIsTrusted() {
    cache.check();
    assertThat(find("a")).isPresent();
    now.addAndGet(900 * MILLIS);
    assertThat(find("a")).get().extracting(Environment::apiKeyHash).isEqualTo("a");
    assertThat(reads).hasValue(1);
    assertThat(cache.size()).isOne();
  }

  @Test
  void aKeyNotFoundIsAskedForEachTimeAndNeverKept() {
    cache.check();
    for (int i = 0; i < 3; i++) {
      assertThat(cache.find("wrong", this::nothing)).isEmpty();
    }
    assertThat(reads).hasValue(3);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aChangeOnThisNodeEmptiesItAtOnce() {
    cache.check();
    find("a");
    cache.invalidate();
    assertThat(cache.size()).isZero();
    find("a");
    assertThat(reads).hasValue(2);
  }

  @Test
  void aCheckThatSeesTheVersionMoveEmptiesItAndOneThatDoesNotKeepsIt() {
    cache.check();
    find("a");
    now.addAndGet(500 * MILLIS);
    cache.check();
    assertThat(cache.size()).isOne();
    version.incrementAndGet();
    now.addAndGet(500 * MILLIS);
    cache.check();
    assertThat(cache.size()).isZero();
    find("a");
    assertThat(reads).hasValue(2);
  }

  @Test
  void pastTheBoundSinceItsLastCheckItIsNotTrusted() {
    cache.check();
    find("a");
    now.addAndGet(KeyCache.BOUND.toNanos());
    find("a");
    assertThat(reads).hasValue(2);
    cache.check();
    find("a");
    assertThat(reads).hasValue(2);
  }

  @Test
  void whileItsChecksFailItIsTrustedNoLongerThanTheBound() {
    cache.check();
    find("a");
    databaseAway = true;
    now.addAndGet(600 * MILLIS);
    cache.check();
    find("a");
    assertThat(reads).hasValue(1);
    now.addAndGet(400 * MILLIS);
    cache.check();
    find("a");
    assertThat(reads).hasValue(2);
    // Back, at the same version: nothing changed meanwhile, so what it holds is good again.
    databaseAway = false;
    cache.check();
    find("a");
    assertThat(reads).hasValue(2);
  }

  @Test
  void aLookUpThatRacedWithAChangeOnThisNodeLeavesNothingBehind() {
    assertALookUpRacingWithLeavesNothing(cache::invalidate);
  }

  @Test
  void aLookUpThatRacedWithACheckSeeingAMoveLeavesNothingBehind() {
    assertALookUpRacingWithLeavesNothing(
        () -> {
          version.incrementAndGet();
          cache.check();
        });
  }

  /** The database answers with the key as it was, and {@code emptying} happens meanwhile. */
  private void assertALookUpRacingWithLeavesNothing(Runnable emptying) {
    cache.check();
    assertThat(
            cache.find(
                "a",
                () -> {
                  Optional<Environment> before = found("a");
                  emptying.run();
                  return before;
                }))
        .isPresent();
    assertThat(cache.size()).isZero();
    find("a");
    assertThat(reads).hasValue(2);
  }

  @Test
  void itHoldsNoMoreKeysThanItsBound() {
    cache.check();
    for (int i = 0; i < 50; i++) {
      find("key-" + i);
    }
    assertThat(cache.size()).isEqualTo(3);
  }

  private Optional<Environment> find(String hash) {
    return cache.find(hash, () -> found(hash));
  }

  private Optional<Environment> found(String hash) {
    reads.incrementAndGet();
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    return Optional.of(
        new Environment(
            "integration-" + hash,
            "deployment",
            "company",
            EnvironmentKind.TEST,
            EnvironmentSettings.defaults(
                EnvironmentKind.TEST, JsonNodeFactory.instance.arrayNode()),
            hash,
            "v1:ciphertext",
            "crd_test_abcd...",
            at,
            null,
            at,
            at));
  }

  private Optional<Environment> nothing() {
    reads.incrementAndGet();
    return Optional.empty();
  }
}
