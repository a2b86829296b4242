package dev.credence.server.store;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Opaque ids: 24 lowercase hex characters, the shape of the vendor's ids, either all random (96
 * bits) or ordered by the second they were made (see {@link #newOrderedId}). Each thread has its
 * own generator: the platform default reads /dev/urandom under one global lock, which the session
 * API measurably queued on.
 */
public final class Ids {
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::generator);

  private Ids() {}

  public static String newId() {
    return HexFormat.of().formatHex(randomBytes());
  }

  /**
   * An opaque id that sorts by creation time: the second it was made (8 hex digits) and 64 random
   * bits (16 hex digits), 24 characters in all like {@link #newId()}. Rows of tables that grow with
   * traffic (sessions, events) then go at the end of their primary-key index, so a commit of many
   * new rows rewrites a few index pages instead of one per row (docs/BENCHMARKS.md, "Session API
   * throughput"). Such ids name things, they are not secrets: nothing is reached by one alone.
   */
  public static String newOrderedId(Instant now) {
    byte[] bytes = randomBytes();
    long seconds = now.getEpochSecond();
    for (int i = 3; i >= 0; i--) {
      bytes[i] = (byte) seconds;
      seconds >>>= 8;
    }
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[12];
    RANDOM.get().nextBytes(bytes);
    return bytes;
  }

  private static SecureRandom generator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
