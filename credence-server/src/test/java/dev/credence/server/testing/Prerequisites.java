package dev.credence.server.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What tests that need something outside the JVM (PostgreSQL, a browser, curl) do when it is not
 * there: fail under {@code CI=true}, where everything must run; elsewhere skip, with a message
 * nobody can miss.
 */
public final class Prerequisites {
  private static final String BAR = "!".repeat(69);

  private Prerequisites() {}

  /**
   * @param tests which tests do not run, such as "Browser tests"
   * @param why what is missing
   * @param hint how to provide it
   */
  public static void missing(String tests, String why, String hint) {
    String message =
        "\n" + BAR + "\n!!! " + tests + " NOT RUN: " + why + "\n!!! " + hint + "\n" + BAR;
    System.err.println(message);
    if (TestDatabase.inCi()) {
      throw new IllegalStateException(tests + " must run under CI=true: " + why);
    }
    Assumptions.abort(message);
  }
}
