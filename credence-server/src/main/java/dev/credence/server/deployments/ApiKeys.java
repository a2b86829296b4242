package dev.credence.server.deployments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API keys: {@code crd_test_} or {@code crd_live_} and 40 random base62 characters (about 238
 * bits). They are found by their SHA-256, which is safe for values of this entropy, and kept
 * encrypted (not only hashed) because HMAC request signing and webhook signing need the key itself.
 */
public final class ApiKeys {
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int RANDOM_CHARS = 40;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  public static String generate(EnvironmentKind kind) {
    StringBuilder key = new StringBuilder(kind.keyPrefix());
    for (int i = 0; i < RANDOM_CHARS; i++) {
      key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return key.toString();
  }

  public static String hash(String apiKey) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(apiKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** What may be shown of a key once it has been handed over: its prefix and four characters. */
  public static String hint(String apiKey) {
    int visible = Math.min(apiKey.length(), apiKey.indexOf('_', 4) + 5);
    return apiKey.substring(0, visible) + "...";
  }

  /** Constant-time equality of two hex hashes. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
