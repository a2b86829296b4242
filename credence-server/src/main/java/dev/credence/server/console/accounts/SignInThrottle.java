package dev.credence.server.console.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How long a sign-in attempt must still wait, from the failures before it. Three counts, each over
 * the last {@link #WINDOW}:
 *
 * <ul>
 *   <li>per e-mail address and client address together: at {@link #MAX_FAILURES_PER_PAIR} the pair
 *       waits until the oldest counted failure leaves the window, even with the right password;
 *   <li>per client address, whatever the e-mail: the same at {@link #MAX_FAILURES_PER_CLIENT};
 *   <li>per e-mail address, from every client: from {@link #DELAY_AFTER} failures on, a client that
 *       has itself failed for the address waits 1 s after its own last failure, then 2 s, 4 s ...
 *       up to {@link #MAX_DELAY}, doubling with each further failure from anywhere.
 * </ul>
 *
 * <p>The e-mail count never holds back a client that has not failed for that address, and it delays
 * a client from that client's own last failure: however many addresses attack an account, its owner
 * signs in from another client at once, and after a typo of their own waits at most a minute. A
 * hard per-e-mail lock would let anyone lock anyone out by typing wrong passwords.
 */
final class SignInThrottle {
  static final Duration WINDOW = Duration.ofMinutes(15);
  static final int MAX_FAILURES_PER_PAIR = 5;

  /** Several users behind one office NAT share this count. */
  static final int MAX_FAILURES_PER_CLIENT = 20;

  static final int DELAY_AFTER = 3;
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);

  private SignInThrottle() {}

  /**
   * The wait before this attempt may go ahead; zero if it may now.
   *
   * @param pair this client's failures for this e-mail address in the window, oldest first
   * @param emailFailures every client's failures for this e-mail address in the window
   * @param client this client's failures for any e-mail address in the window, oldest first
   */
  static Duration wait(List<Instant> pair, int emailFailures, List<Instant> client, Instant now) {
    Duration wait =
        longest(
            limit(pair, MAX_FAILURES_PER_PAIR, now), limit(client, MAX_FAILURES_PER_CLIENT, now));
    if (!pair.isEmpty()) {
      Instant last = pair.get(pair.size() - 1);
      wait = longest(wait, until(last.plus(delay(emailFailures)), now));
    }
    return wait;
  }

  /** The growing delay after {@code failures} failures for one e-mail address. */
  static Duration delay(int failures) {
    if (failures < DELAY_AFTER) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - DELAY_AFTER, 16); // past the cap long before 2^16
    Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_DELAY) < 0 ? delay : MAX_DELAY;
  }

  private static Duration limit(List<Instant> failures, int max, Instant now) {
    if (failures.size() < max) {
      return Duration.ZERO;
    }
    // Free again once enough of the failures have left the window.
    return until(failures.get(failures.size() - max).plus(WINDOW), now);
  }

  private static Duration until(Instant freeAt, Instant now) {
    Duration wait = Duration.between(now, freeAt);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static Duration longest(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
