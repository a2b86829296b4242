package dev.credence.client;

import dev.credence.api.UidRules;

/**
 * The server's uid rules ({@link UidRules}), applied before a call: 5 to 60 ASCII letters, digits,
 * {@code -} and {@code _}, and nothing that plainly is personal data (an e-mail address, a phone
 * number, a date, a national id).
 */
public final class Uids {
  private Uids() {}

  /** Whether the server would accept {@code uid}. */
  public static boolean isValid(String uid) {
    return UidRules.check(uid).isEmpty();
  }

  /**
   * Returns {@code uid} if the server would accept it.
   *
   * @throws InvalidUidException with the code and detail of the server's 422
   */
  public static String requireValid(String uid) {
    UidRules.check(uid)
        .ifPresent(
            violation -> {
              throw new InvalidUidException(violation);
            });
    return uid;
  }
}
