package dev.credence.server.calibration;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic split of loans into 70% to fit a model on and 30% held out to check it on,
 * decided by the applicant's uid alone: the same uid always falls on the same side, whatever else
 * is in the sample and in whatever order, so a refit keeps its held-out loans unseen.
 *
 * <p>The rule, to reproduce elsewhere: take the SHA-256 digest of the uid's UTF-8 bytes, read its
 * first 8 bytes as an unsigned big-endian integer, and take it modulo 100; a remainder below 70
 * means fit, 70 or more held out. In Python: {@code int.from_bytes(hashlib.sha256(
 * uid.encode("utf-8")).digest()[:8], "big") % 100 < 70}.
 */
public final class Split {
  private Split() {}

  /** The share of buckets, out of 100, that are fitted on. */
  public static final int FIT_PERCENT = 70;

  /** Which side of the split a loan falls on. */
  public enum Side {
    FIT,
    HELD_OUT
  }

  /** The side {@code uid} falls on. */
  public static Side sideOf(String uid) {
    return bucketOf(uid) < FIT_PERCENT ? Side.FIT : Side.HELD_OUT;
  }

  /**
   * The bucket, 0 to 99, of {@code uid}: the first 8 bytes of its SHA-256 digest, unsigned, modulo
   * 100.
   *
   * @throws IllegalArgumentException when {@code uid} is null or empty
   */
  public static int bucketOf(String uid) {
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("a uid is needed to split on");
    }
    byte[] digest = sha256().digest(uid.getBytes(StandardCharsets.UTF_8));
    long first8 = ByteBuffer.wrap(digest, 0, 8).getLong(); // big-endian
    return (int) Long.remainderUnsigned(first8, 100);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
