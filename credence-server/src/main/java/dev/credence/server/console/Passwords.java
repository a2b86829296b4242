package dev.credence.server.console;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id password hashes (OWASP's minimum: 19 MiB, 2 passes, 1 lane), stored in the PHC string
 * form so that stronger parameters can come later without breaking stored hashes.
 */
final class Passwords {
  static final int MIN_LENGTH = 12;
  static final int MAX_LENGTH = 200;
  private static final Argon2Function ARGON2 =
      Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);

  /** Checked against when the e-mail is unknown, so that both answers take as long. */
  private static final String DECOY = hash("an unknown user's password, never matched");

  private Passwords() {}

  static String hash(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
  }

  static boolean matches(String password, String storedHash) {
    String hash = storedHash == null ? DECOY : storedHash;
    boolean ok = Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    return ok && storedHash != null;
  }

  /** Why a new password is refused, or null when it is acceptable. */
  static String problem(String password, String email) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "Use at least " + MIN_LENGTH + " characters.";
    }
    if (password.length() > MAX_LENGTH) {
      return "Use at most " + MAX_LENGTH + " characters.";
    }
    if (password.strip().equalsIgnoreCase(email)) {
      return "Do not use your e-mail address as the password.";
    }
    return null;
  }
}
