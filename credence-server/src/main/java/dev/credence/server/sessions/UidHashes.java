package dev.credence.server.sessions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash a session keeps of its uid ({@code sessions.uid_hash}): HMAC-SHA256 of the
 * integration id and the uid, under a key derived from the master key (the one that encrypts API
 * keys) for this use alone. An erased session keeps only this, so its uid stays used on its
 * integration while nobody without the master key can tell which uid it was, nor link it to the
 * same uid on another integration.
 */
public final class UidHashes {
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] PURPOSE = "credence uid hash v1".getBytes(StandardCharsets.UTF_8);

  // One keyed Mac per thread: every session creation hashes its uid, and looking up the provider
  // and setting up the key for each call cost more than the hash itself.
  private final ThreadLocal<Mac> macs;

  public UidHashes(byte[] masterKey) {
    SecretKeySpec key =
        new SecretKeySpec(
            newMac(new SecretKeySpec(masterKey, ALGORITHM)).doFinal(PURPOSE), ALGORITHM);
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** 64 lowercase hex digits. */
  public String hash(String integrationId, String uid) {
    byte[] message = (integrationId + "\n" + uid).getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(macs.get().doFinal(message));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
