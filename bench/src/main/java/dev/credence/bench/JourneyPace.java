package dev.credence.bench;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * How fast the benchmark's applicant reads, decides and taps: fixed times, and the few choices a
 * person makes (the answers, how far to pump each balloon, today or later) drawn from one seed, so
 * that runs compare and both modes of a run walk as the same applicant. The draws are made in the
 * order the journey asks for them, which is the same with and without JavaScript.
 */
final class JourneyPace {
  /** Reading the consent page before tapping "I agree". */
  static final Duration CONSENT = Duration.ofSeconds(8);

  /**
   * Reading a module's instructions: on its instructions page, before Ready, or on its first screen
   * when it has none (not for the memory game's digits, which are read while they show).
   */
  static final Duration INSTRUCTIONS = Duration.ofSeconds(5);

  /** Reading the memory game's line after its practice round, then tapping Begin. */
  static final Duration BEGIN = Duration.ofSeconds(2);

  /** Reading one statement of the questionnaire and tapping an answer. */
  static final Duration STATEMENT = Duration.ofSeconds(3);

  /** From the balloon's button being usable to the next tap on Pump or Collect. */
  static final Duration PUMP = Duration.ofMillis(350);

  /** The pumps the applicant aims for on each balloon, drawn uniformly from this range. */
  static final int PUMPS_FROM = 15;

  static final int PUMPS_TO = 35;

  /** Reading one choice (today or later) and tapping. */
  static final Duration CHOICE = Duration.ofSeconds(3);

  /** Typing one digit of the memory game. */
  static final Duration DIGIT = Duration.ofMillis(300);

  /**
   * The applicant's memory span: sequences shorter than this are typed back right, longer ones with
   * two neighbouring digits swapped, so the game ends at its second miss as it does for most people
   * (with the default start of 3 digits: right at 3, 4 and 5, wrong twice at 6).
   */
  static final int MISSES_FROM_LENGTH = 6;

  private final Random random;

  JourneyPace(long seed) {
    this.random = new Random(seed);
  }

  /** The answer to a statement, 1 to 5, each as likely. */
  int answer() {
    return 1 + random.nextInt(5);
  }

  /** How many pumps to aim for on a new balloon before collecting. */
  int pumpTarget() {
    return PUMPS_FROM + random.nextInt(PUMPS_TO - PUMPS_FROM + 1);
  }

  /** Whether to choose the larger amount later (else the smaller one today), even odds. */
  boolean later() {
    return random.nextBoolean();
  }

  /**
   * What the applicant types back for the digits they saw: the same digits while the sequence is
   * within their span, else the middle two swapped (the game never shows a digit twice in a row, so
   * the swap is always a miss).
   */
  static String typed(String digits) {
    if (digits.length() < MISSES_FROM_LENGTH) {
      return digits;
    }
    char[] typed = digits.toCharArray();
    int i = typed.length / 2 - 1;
    char swap = typed[i];
    typed[i] = typed[i + 1];
    typed[i + 1] = swap;
    return new String(typed);
  }

  /** The profile in words, one Markdown bullet each, for the results page. */
  static List<String> describe(long seed) {
    return List.of(
        "consent: " + seconds(CONSENT) + " to read, then \"I agree\"",
        "each module's instructions: "
            + seconds(INSTRUCTIONS)
            + " to read (on its instructions page before Ready, or on its first screen; the memory"
            + " game's are read while its first digits show)",
        "questionnaire: "
            + seconds(STATEMENT)
            + " to read each statement and tap an answer (1 to 5, each as likely), then Next at"
            + " once",
        "balloons: a tap "
            + seconds(PUMP)
            + " after the button is usable; Pump until a target drawn for each balloon from "
            + PUMPS_FROM
            + " to "
            + PUMPS_TO
            + " pumps, then Collect, unless it burst first",
        "choices: " + seconds(CHOICE) + " each, today or later at even odds",
        "memory: after its practice round, "
            + seconds(BEGIN)
            + " to read that the game now counts, then Begin; the digits read from the screen while they show, typed back at "
            + seconds(DIGIT)
            + " a digit once the answer field shows, then submitted; right up to "
            + (MISSES_FROM_LENGTH - 1)
            + " digits, from "
            + MISSES_FROM_LENGTH
            + " on two neighbouring digits swapped (a miss), so the game ends at the second miss",
        "the draws come from one seeded generator (seed "
            + seed
            + "), so both modes walk as the same applicant; only the balloons' burst points,"
            + " drawn by the server, differ between runs");
  }

  private static String seconds(Duration duration) {
    double s = duration.toMillis() / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }
}
