package dev.credence.server.outcomes;

import dev.credence.api.UidRules;
import dev.credence.server.errors.Refusal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a loan-outcome file: UTF-8 CSV, the header {@code uid,outcome,date}, then one outcome a
 * line. Fields may be quoted ({@code "a ""b"""}); no valid value holds a line break, so a record is
 * one line and every line number is exact. Blank lines and lines starting with {@code #} are
 * skipped. A problem with the file as a whole (not UTF-8, too big, no header) refuses it; a problem
 * with a row refuses that row only, with its line number and reason.
 */
public final class OutcomeCsv {
  public static final int MAX_BYTES = 5 * 1024 * 1024;
  public static final int MAX_ROWS = 100_000;
  public static final int MAX_LINE_LENGTH = 500;
  public static final List<String> OUTCOMES =
      List.of("repaid", "dpd30", "dpd60", "dpd90", "default");
  public static final String HEADER = "uid,outcome,date";

  /** The template offered for download: the header and an example kept as a comment. */
  public static final String TEMPLATE =
      HEADER
          + "\r\n# One line per loan outcome; lines starting with # are skipped. For example:\r\n"
          + "# CUST-00123456,repaid,2026-01-31\r\n"
          + "# outcome: repaid, dpd30, dpd60, dpd90 or default; date: YYYY-MM-DD, not in the"
          + " future\r\n";

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final Set<String> KNOWN = Set.copyOf(OUTCOMES);

  private OutcomeCsv() {}

  /** A row that reads well; whether its uid exists is for the caller to tell. */
  public record Row(int line, String uid, String outcome, LocalDate date) {}

  /** A row refused, by its line number in the file (the header is line 1). */
  public record RefusedLine(int line, String reason) {}

  public record Parsed(List<Row> rows, List<RefusedLine> refused) {}

  /**
   * Reads the whole file, or refuses it as a whole with 422.
   *
   * @param today dates after this day are refused
   */
  public static Parsed parse(byte[] bytes, LocalDate today) {
    String text = decode(bytes);
    String[] lines = text.split("\r\n|\r|\n", -1);
    int header = firstContentLine(lines);
    if (header < 0) {
      throw refused("csv_empty", "The file is empty: it needs the header " + HEADER + " and rows.");
    }
    checkHeader(lines[header]);
    List<Row> rows = new ArrayList<>();
    List<RefusedLine> refused = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int count = 0;
    for (int i = header + 1; i < lines.length; i++) {
      String line = lines[i];
      if (skipped(line)) {
        continue;
      }
      if (++count > MAX_ROWS) {
        throw refused(
            "csv_too_many_rows",
            "The file has more than "
                + String.format(Locale.ROOT, "%,d", MAX_ROWS)
                + " rows; split it into smaller files. Nothing was stored.");
      }
      int number = i + 1;
      Row row;
      try {
        row = row(line, number, today);
      } catch (RowRefused e) {
        refused.add(new RefusedLine(number, e.getMessage()));
        continue;
      }
      Integer first = seen.putIfAbsent(row.uid() + "\n" + row.outcome(), number);
      if (first != null) {
        refused.add(
            new RefusedLine(number, "duplicate of line " + first + " (same uid and outcome)"));
        continue;
      }
      rows.add(row);
    }
    if (count == 0) {
      throw refused("csv_no_rows", "The file has a header but no rows.");
    }
    return new Parsed(rows, refused);
  }

  private static String decode(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw refused("csv_too_large", tooLarge());
    }
    if (bytes.length >= 2
        && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
            || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF))) {
      throw refused(
          "csv_not_utf8",
          "The file is UTF-16 text; save it as \"CSV UTF-8\" (comma separated) and upload again.");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw refused(
          "csv_not_utf8",
          "The file is not UTF-8 text; save it as \"CSV UTF-8\" (comma separated) and upload"
              + " again.");
    }
    if (text.indexOf('\0') >= 0) {
      throw refused("csv_not_text", "The file is not a CSV text file.");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** What the page says of a file over the limit. */
  public static String tooLarge() {
    return "The file is larger than "
        + MAX_BYTES / (1024 * 1024)
        + " MB; split it into smaller files. Nothing was stored.";
  }

  private static int firstContentLine(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!skipped(lines[i])) {
        return i;
      }
    }
    return -1;
  }

  private static boolean skipped(String line) {
    String stripped = line.strip();
    return stripped.isEmpty() || stripped.startsWith("#");
  }

  private static void checkHeader(String line) {
    List<String> fields = line.length() > MAX_LINE_LENGTH ? null : fields(line);
    if (fields != null
        && fields.size() == 3
        && fields.get(0).strip().equalsIgnoreCase("uid")
        && fields.get(1).strip().equalsIgnoreCase("outcome")
        && fields.get(2).strip().equalsIgnoreCase("date")) {
      return;
    }
    if (line.contains(";") && !line.contains(",")) {
      throw refused(
          "csv_separator",
          "The fields are separated by ';'; save the file as CSV with commas (the header is "
              + HEADER
              + ").");
    }
    throw refused(
        "csv_header",
        "The first line must be the header " + HEADER + "; download the template to start from.");
  }

  /** A data line's row, or its first problem as a {@link RowRefused}. */
  private static Row row(String line, int number, LocalDate today) {
    if (line.length() > MAX_LINE_LENGTH) {
      throw new RowRefused("line is longer than " + MAX_LINE_LENGTH + " characters");
    }
    List<String> fields = fields(line);
    if (fields == null) {
      throw new RowRefused("a quoted field is not closed properly");
    }
    while (fields.size() > 3 && fields.get(fields.size() - 1).isBlank()) {
      fields.remove(fields.size() - 1); // spreadsheets add empty columns at the end
    }
    if (fields.size() < 3) {
      throw new RowRefused("missing columns: expected uid,outcome,date");
    }
    if (fields.size() > 3) {
      throw new RowRefused("too many columns: expected uid,outcome,date");
    }
    String uid = fields.get(0).strip();
    String outcome = fields.get(1).strip();
    String date = fields.get(2).strip();
    if (uid.isEmpty()) {
      throw new RowRefused("uid is missing");
    }
    if (uid.codePointCount(0, uid.length()) > UidRules.MAX_LENGTH) {
      throw new RowRefused("uid is longer than " + UidRules.MAX_LENGTH + " characters");
    }
    if (outcome.isEmpty()) {
      throw new RowRefused("outcome is missing");
    }
    if (!KNOWN.contains(outcome.toLowerCase(Locale.ROOT))) {
      throw new RowRefused(
          "outcome '" + shown(outcome) + "' is not one of " + String.join(", ", OUTCOMES));
    }
    if (date.isEmpty()) {
      throw new RowRefused("date is missing");
    }
    LocalDate parsed;
    try {
      parsed = LocalDate.parse(date, DATE);
    } catch (DateTimeParseException e) {
      throw new RowRefused("date '" + shown(date) + "' is not a real date written YYYY-MM-DD");
    }
    if (parsed.isAfter(today)) {
      throw new RowRefused("date " + date + " is in the future");
    }
    return new Row(number, uid, outcome.toLowerCase(Locale.ROOT), parsed);
  }

  /** The reason a row is refused; a control path inside {@link #parse}, never thrown out of it. */
  private static final class RowRefused extends RuntimeException {
    RowRefused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The fields of one line: comma separated, each either bare or in double quotes with {@code ""}
   * for a quote; null when a quote is left open or followed by anything but a comma.
   */
  public static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            return null;
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          return null;
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          field.append(line.charAt(i++));
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }

  /** A value as quoted in a reason: cut short, so a long bad value cannot flood the page. */
  private static String shown(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "…" : value;
  }

  private static Refusal refused(String code, String detail) {
    return Refusal.invalid(code, detail);
  }
}
