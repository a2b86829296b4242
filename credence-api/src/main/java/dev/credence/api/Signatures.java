package dev.credence.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Signature} rule: lowercase hex of HMAC-SHA512, keyed with the API key's UTF-8 bytes.
 * Used both ways: lenders sign create-session requests with it (when the integration has HMAC on),
 * and Credence signs webhook bodies with it.
 */
public final class Signatures {

  public static final String HEADER = "X-Signature";

  /** Webhooks: the event's id, the same on every retry, for receivers to drop repeats. */
  public static final String EVENT_ID_HEADER = "X-Credence-Event-Id";

  /** Webhooks: when this delivery attempt was signed, in epoch seconds. */
  public static final String TIMESTAMP_HEADER = "X-Credence-Timestamp";

  /**
   * Webhooks: {@link #timestampedHeader}, one {@code v1=<hex>} entry of {@link #signTimestamped}
   * per API key that works, newest first, separated by commas.
   */
  public static final String TIMESTAMPED_HEADER = "X-Credence-Signature";

  /** The scheme of an entry of {@link #TIMESTAMPED_HEADER}: {@code v1=<hex>}. */
  public static final String TIMESTAMPED_SCHEME = "v1";

  /** Entries read from one {@link #TIMESTAMPED_HEADER}; more are ignored. */
  private static final int MAX_ENTRIES = 8;

  private static final String ALGORITHM = "HmacSHA512";
  private static final HexFormat HEX = HexFormat.of();

  // Defaults on purpose, as they read a body the way Python's json.loads does: floats become the
  // same doubles (see PythonJson), a repeated key keeps its first position and its last value.
  // Trailing content after the value makes the body unparseable, as it is in Python.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private Signatures() {}

  /**
   * Lowercase hex HMAC-SHA512 of {@code message} keyed with {@code apiKey}.
   *
   * @throws IllegalArgumentException if the key is null or empty
   */
  public static String sign(String apiKey, byte[] message) {
    return HEX.formatHex(hmac(apiKey, message));
  }

  /**
   * Whether {@code signatureHex} is the signature of {@code message}, compared in constant time.
   * Surrounding whitespace and upper-case hex are tolerated; anything else that is not a signature
   * (null, blank, not hex) is simply false.
   */
  public static boolean matches(String apiKey, byte[] message, String signatureHex) {
    if (apiKey == null || apiKey.isEmpty() || message == null || signatureHex == null) {
      return false;
    }
    byte[] claimed;
    try {
      claimed = HEX.parseHex(signatureHex.strip());
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return claimed.length > 0 && MessageDigest.isEqual(hmac(apiKey, message), claimed);
  }

  /**
   * Whether {@code signatureHex} signs a create-session request body. Accepted: a signature of the
   * raw bytes, or of the body re-serialised as compact Python JSON ({@link PythonJson#compact}),
   * because the vendor's sample client signs the compact form but sends {@code requests.post(json=
   * payload)}, which puts a space after every {@code ,} and {@code :}. A body that is not JSON can
   * only match in its raw form. Never throws.
   */
  public static boolean verifyRequestBody(String apiKey, byte[] rawBody, String signatureHex) {
    if (matches(apiKey, rawBody, signatureHex)) {
      return true;
    }
    if (apiKey == null || apiKey.isEmpty() || rawBody == null || signatureHex == null) {
      return false;
    }
    String compact;
    try {
      compact = PythonJson.compact(JSON.readTree(rawBody));
    } catch (Exception notJson) { // IOException or a tree PythonJson cannot write: raw form only
      return false;
    }
    return matches(apiKey, compact.getBytes(StandardCharsets.UTF_8), signatureHex);
  }

  /**
   * The timestamped webhook signature of one key, the value of a {@code v1} entry of {@link
   * #TIMESTAMPED_HEADER}: lowercase hex HMAC-SHA512, keyed with the API key, of the ASCII timestamp
   * (epoch seconds), a full stop, then the raw body. A receiver that checks it and refuses
   * timestamps far from its clock cannot be fooled by a replayed old delivery.
   */
  public static String signTimestamped(String apiKey, long timestamp, byte[] body) {
    return sign(apiKey, timestamped(timestamp, body));
  }

  /**
   * The value of {@link #TIMESTAMPED_HEADER}: {@code v1=<hex>} of {@link #signTimestamped} for each
   * of {@code apiKeys}, in their order, separated by commas. Credence lists the environment's
   * current key first, then, while a rotated key's overlap runs, the old one.
   *
   * @throws IllegalArgumentException if there is no key, or one is null or empty
   */
  public static String timestampedHeader(List<String> apiKeys, long timestamp, byte[] body) {
    if (apiKeys.isEmpty()) {
      throw new IllegalArgumentException("an API key is needed to sign");
    }
    byte[] message = timestamped(timestamp, body);
    StringBuilder header = new StringBuilder();
    for (String apiKey : apiKeys) {
      if (!header.isEmpty()) {
        header.append(',');
      }
      header.append(TIMESTAMPED_SCHEME).append('=').append(sign(apiKey, message));
    }
    return header.toString();
  }

  /**
   * The signatures of a {@link #TIMESTAMPED_HEADER}: the value of each {@code v1=} entry, in order.
   * Entries of another scheme, and anything that is not an entry, are skipped, so that a later
   * scheme can be added beside {@code v1}; a header with none gives an empty list.
   */
  public static List<String> timestampedSignatures(String header) {
    List<String> signatures = new ArrayList<>();
    if (header == null) {
      return signatures;
    }
    String prefix = TIMESTAMPED_SCHEME + "=";
    for (String entry : header.split(",", MAX_ENTRIES + 1)) {
      String trimmed = entry.strip();
      if (signatures.size() < MAX_ENTRIES && trimmed.startsWith(prefix)) {
        signatures.add(trimmed.substring(prefix.length()));
      }
    }
    return signatures;
  }

  /**
   * Whether {@code header}, an {@link #TIMESTAMPED_HEADER}, signs the body at {@code timestamp}
   * with {@code apiKey} in one of its {@code v1} entries, and the timestamp is within {@code
   * toleranceSeconds} of {@code nowEpochSeconds}. Never throws.
   */
  public static boolean verifyTimestamped(
      String apiKey,
      String timestamp,
      byte[] body,
      String header,
      long nowEpochSeconds,
      long toleranceSeconds) {
    return verifyTimestamped(
        apiKey == null ? List.of() : List.of(apiKey),
        timestamp,
        body,
        header,
        nowEpochSeconds,
        toleranceSeconds);
  }

  /**
   * As {@link #verifyTimestamped(String, String, byte[], String, long, long)}, for a receiver that
   * holds several keys (during its own change of key): true when any {@code v1} entry matches any
   * of {@code apiKeys}. Never throws.
   */
  public static boolean verifyTimestamped(
      Collection<String> apiKeys,
      String timestamp,
      byte[] body,
      String header,
      long nowEpochSeconds,
      long toleranceSeconds) {
    if (apiKeys == null
        || timestamp == null
        || body == null
        || !timestamp.strip().matches("\\d{1,12}")) {
      return false;
    }
    long at = Long.parseLong(timestamp.strip());
    if (Math.abs(nowEpochSeconds - at) > toleranceSeconds) {
      return false;
    }
    List<byte[]> claimed = new ArrayList<>();
    for (String signature : timestampedSignatures(header)) {
      try {
        claimed.add(HEX.parseHex(signature.strip()));
      } catch (IllegalArgumentException notHex) {
        // not a signature: it matches nothing
      }
    }
    byte[] message = timestamped(at, body);
    boolean matched = false;
    for (String apiKey : apiKeys) {
      if (apiKey == null || apiKey.isEmpty()) {
        continue;
      }
      byte[] expected = hmac(apiKey, message);
      for (byte[] signature : claimed) {
        // Every pair is compared, so the time taken does not tell which one matched.
        matched |= signature.length > 0 && MessageDigest.isEqual(expected, signature);
      }
    }
    return matched;
  }

  private static byte[] timestamped(long timestamp, byte[] body) {
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(body, 0, message, prefix.length, body.length);
    return message;
  }

  private static byte[] hmac(String apiKey, byte[] message) {
    if (apiKey == null || apiKey.isEmpty()) {
      // SecretKeySpec refuses empty keys anyway; say so plainly.
      throw new IllegalArgumentException("an API key is needed to sign");
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      // Every Java runtime must provide HmacSHA512, and any non-empty key is valid for it.
      throw new IllegalStateException(e);
    }
  }
}
