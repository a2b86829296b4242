package dev.credence.server.deployments;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Opaque ids: 24 lowercase hex characters (96 random bits), the shape of the vendor's ids. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
