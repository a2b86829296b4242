package dev.credence.server.store;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Opaque ids: 24 lowercase hex characters (96 random bits), the shape of the vendor's ids. Each
 * thread has its own generator: the platform default reads /dev/urandom under one global lock,
 * which the session API measurably queued on.
 */
public final class Ids {
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::generator);

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.get().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static SecureRandom generator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
