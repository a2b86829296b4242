package dev.credence.server.console.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/** What the dashboard's filters read from a query string: values as typed, days checked. */
public final class QueryValues {
  private QueryValues() {}

  /** The value without surrounding blanks; null for none or only blanks. */
  public static String trim(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.strip();
  }

  /**
   * A day written YYYY-MM-DD, or null when none was given; a value that is not one adds the reason
   * to {@code errors} and gives null.
   */
  public static LocalDate day(String value, String name, List<String> errors) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(name + " must be a date written YYYY-MM-DD, such as 2026-01-31.");
      return null;
    }
  }

  /**
   * The days {@code from} and {@code to}, checked each and against each other: an end before the
   * start adds its reason to {@code errors}.
   */
  public static void checkDays(String from, String to, List<String> errors) {
    LocalDate fromDay = day(from, "from", errors);
    LocalDate toDay = day(to, "to", errors);
    if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
      errors.add("The end date " + to + " is before the start date " + from + ".");
    }
  }
}
