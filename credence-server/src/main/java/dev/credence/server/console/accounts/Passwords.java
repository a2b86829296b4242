package dev.credence.server.console.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.Locale;

/**
 * Argon2id password hashes (OWASP's minimum: 19 MiB, 2 passes, 1 lane), stored in the PHC string
 * form so that stronger parameters can come later without breaking stored hashes.
 */
final class Passwords {
  static final int MIN_LENGTH = 12;
  static final int MAX_LENGTH = 200;

  /** The shortest part before the {@code @} that a password may not contain. */
  static final int MIN_LOCAL_PART = 4;

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

  /**
   * Why a new password is refused, in plain words, or null when it is acceptable. Besides the
   * length and {@link PasswordStrength}, a password may not be only spaces, one character repeated,
   * or contain the user's e-mail address or, when it is {@link #MIN_LOCAL_PART} characters or
   * longer, the part before the {@code @}: shorter ones ("jo", "li") are pieces of ordinary words,
   * while a longer one names the person or mailbox and is the first thing an attacker tries.
   */
  static String problem(String password, String email, String name) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "Use at least " + MIN_LENGTH + " characters.";
    }
    if (password.length() > MAX_LENGTH) {
      return "Use at most " + MAX_LENGTH + " characters.";
    }
    if (password
        .codePoints()
        .allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
      return "A password of spaces only is easy to guess. Use words or other characters.";
    }
    if (password.codePoints().distinct().count() == 1) {
      return "One character repeated is easy to guess. Use a few different words.";
    }
    String lower = password.toLowerCase(Locale.ROOT);
    String address = email.toLowerCase(Locale.ROOT);
    if (lower.contains(address)) {
      return "Do not put your e-mail address in the password.";
    }
    String localPart = address.substring(0, Math.max(0, address.indexOf('@')));
    if (localPart.length() >= MIN_LOCAL_PART && lower.contains(localPart)) {
      return "Do not put \"" + localPart + "\", from your e-mail address, in the password.";
    }
    return PasswordStrength.problem(password, address, name);
  }
}
