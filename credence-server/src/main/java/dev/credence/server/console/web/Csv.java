package dev.credence.server.console.web;

import dev.credence.api.UidRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * CSV as RFC 4180 writes it (comma, CRLF, quotes doubled), safe to open in a spreadsheet: a cell
 * that a spreadsheet would run as a formula gets a leading {@code '}. Those are the cells that
 * start with {@code =}, {@code +}, {@code @}, a tab or a carriage return, and those that start with
 * {@code -} unless the cell is a valid uid ({@link UidRules}).
 *
 * <p>Why a uid that starts with {@code -} is written as it is: the uid is the lender's own key, and
 * a file that changes it ({@code '-2-3-4-5}) no longer matches their records or re-imports as the
 * same uid. A valid uid holds only ASCII letters, digits, {@code -} and {@code _}, so a spreadsheet
 * that does evaluate it (Excel reads {@code -2-3-4-5} as the sum -14, {@code -A1} as a cell
 * reference) can at worst show a wrong number: without parentheses, quotes, {@code |} or {@code !}
 * it cannot call a function, open a link, fetch data or start a program, which is what formula
 * injection is about. Any other cell starting with {@code -} is guarded.
 */
public final class Csv {
  private final Writer out;

  public Csv(Writer out) {
    this.out = out;
  }

  public void row(String... cells) {
    try {
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write(cell(cells[i]));
      }
      out.write("\r\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String safe = runs(value) ? "'" + value : value;
    if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
      return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
    return safe;
  }

  private static boolean runs(String value) {
    char first = value.charAt(0);
    if (first == '-') {
      return UidRules.check(value).isPresent();
    }
    return "=+@\t\r".indexOf(first) >= 0;
  }

  /** A moment in ISO 8601, UTC, to the second; empty for none. */
  public static String time(Instant instant) {
    return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
