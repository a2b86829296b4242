package dev.credence.api;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a uid must follow. A uid names one assessment of one applicant on one integration; it
 * is the lender's own reference (a customer or application id), never personal data.
 *
 * <p>A uid is refused, with the first rule it breaks, when:
 *
 * <ol>
 *   <li>{@code uid_length}: it is missing, blank, or not 5 to 60 characters long.
 *   <li>{@code uid_email}: it contains {@code @}, so it looks like an e-mail address.
 *   <li>{@code uid_phone}: it is {@code +} followed by 7 to 15 digits, optionally separated by
 *       spaces, {@code -}, {@code .}, {@code (} or {@code )} (such as {@code +1 (555) 123-4567}).
 *   <li>{@code uid_date}: the whole uid is a real calendar date between the years 1900 and 2100,
 *       written YYYY-MM-DD, DD-MM-YYYY or MM-DD-YYYY with {@code -}, {@code _}, {@code .} or {@code
 *       /} as separator (the same one twice; day and month may have one or two digits), such as
 *       {@code 1985-04-12} or {@code 12/04/1985}. Digits alone ({@code 19850412}) are accepted,
 *       because many real customer ids are plain numbers.
 *   <li>{@code uid_characters}: it holds anything other than ASCII letters, digits, {@code -} and
 *       {@code _}.
 *   <li>{@code uid_national_id}: the whole uid is shaped like a US Social Security number ({@code
 *       123-45-6789}), a Mexican CURP ({@code GOMC850412HDFRRL09}) or a UK National Insurance
 *       number ({@code AB123456C}); letters in any case.
 *   <li>{@code uid_phone}: the whole uid is 3 to 5 groups of digits separated by {@code -} or
 *       {@code _} (1 to 4 digits in the first group, 2 to 4 in the others) with 9 to 15 digits in
 *       all, such as {@code 123-456-7890} or {@code 0801-234-5678}.
 * </ol>
 *
 * <p>Letters with digits in any other arrangement pass, as do the vendor's own examples: {@code
 * CUST-00123456}, {@code APP-2024-987654}, {@code ABCDE-12345-CD-01}, {@code QWERT-YUIOP-ASDFGH},
 * {@code uid_123456} and UUIDs. To assess the same customer again, append a suffix ({@code
 * CUST123-2}).
 *
 * <p>Why this order: the e-mail, international-phone and date checks run before the character
 * check, because {@code @}, {@code +}, spaces, {@code /} and {@code .} would otherwise earn a vague
 * "bad character" message instead of the reason that helps. The national-id check runs before the
 * digit-group phone check because an SSN ({@code 123-45-6789}) has a phone-like shape too and the
 * narrower reason is the more useful one.
 */
public final class UidRules {

  public static final int MIN_LENGTH = 5, MAX_LENGTH = 60;

  private static final String PERSONAL_DATA_ADVICE =
      "use your customer or application id, never personal data";

  private static final Pattern INTERNATIONAL_PHONE = Pattern.compile("\\+[0-9 .()\\-]+");
  private static final Pattern DIGIT_GROUP_PHONE = Pattern.compile("\\d{1,4}(?:[-_]\\d{2,4}){2,4}");
  private static final Pattern YEAR_FIRST_DATE =
      Pattern.compile("(\\d{4})([-_./])(\\d{1,2})\\2(\\d{1,2})");
  private static final Pattern YEAR_LAST_DATE =
      Pattern.compile("(\\d{1,2})([-_./])(\\d{1,2})\\2(\\d{4})");
  private static final Pattern NATIONAL_ID =
      Pattern.compile(
          "\\d{3}-\\d{2}-\\d{4}" // US Social Security number
              + "|[A-Z]{4}\\d{6}[HM][A-Z]{5}[0-9A-Z]\\d" // Mexican CURP
              + "|[A-CEGHJ-PR-TW-Z]{2}\\d{6}[A-D]", // UK National Insurance number
          Pattern.CASE_INSENSITIVE);

  private UidRules() {}

  /** Returns the first rule {@code uid} breaks, or empty if it is a valid uid. */
  public static Optional<UidViolation> check(String uid) {
    if (uid == null || uid.isBlank()) {
      return violation(
          "uid_length",
          "uid is missing or blank; it must be %d to %d characters long",
          MIN_LENGTH,
          MAX_LENGTH);
    }
    // Code points, not UTF-16 units: an emoji is one character to the lender.
    int length = uid.codePointCount(0, uid.length());
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return violation(
          "uid_length",
          "uid must be %d to %d characters long (got %d)",
          MIN_LENGTH,
          MAX_LENGTH,
          length);
    }
    if (uid.indexOf('@') >= 0) {
      return violation("uid_email", "uid looks like an e-mail address; " + PERSONAL_DATA_ADVICE);
    }
    long digits = uid.chars().filter(UidRules::isDigit).count();
    if (INTERNATIONAL_PHONE.matcher(uid).matches() && digits >= 7 && digits <= 15) {
      return phone();
    }
    if (isDate(uid)) {
      return violation(
          "uid_date", "uid looks like a date, such as a date of birth; " + PERSONAL_DATA_ADVICE);
    }
    OptionalInt refused = uid.codePoints().filter(c -> !isAllowed(c)).findFirst();
    if (refused.isPresent()) {
      return violation(
          "uid_characters",
          "uid may contain only ASCII letters, digits, '-' and '_' (found %s)",
          describe(refused.getAsInt()));
    }
    if (NATIONAL_ID.matcher(uid).matches()) {
      return violation(
          "uid_national_id",
          "uid looks like a national identity number (US SSN, Mexican CURP or UK National"
              + " Insurance number); "
              + PERSONAL_DATA_ADVICE);
    }
    if (DIGIT_GROUP_PHONE.matcher(uid).matches() && digits >= 9 && digits <= 15) {
      return phone();
    }
    return Optional.empty();
  }

  private static Optional<UidViolation> phone() {
    return violation("uid_phone", "uid looks like a phone number; " + PERSONAL_DATA_ADVICE);
  }

  private static Optional<UidViolation> violation(String code, String format, Object... args) {
    return Optional.of(new UidViolation(code, String.format(Locale.ROOT, format, args)));
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAllowed(int c) {
    return isDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  }

  private static boolean isDate(String uid) {
    Matcher m = YEAR_FIRST_DATE.matcher(uid);
    if (m.matches()) {
      return isDate(m.group(1), m.group(3), m.group(4));
    }
    m = YEAR_LAST_DATE.matcher(uid);
    if (m.matches()) {
      // 04/12/1985 could be either order; refuse it if either reading is a real date.
      return isDate(m.group(4), m.group(3), m.group(1))
          || isDate(m.group(4), m.group(1), m.group(3));
    }
    return false;
  }

  private static boolean isDate(String year, String month, String day) {
    int y = Integer.parseInt(year);
    if (y < 1900 || y > 2100) {
      return false;
    }
    try {
      LocalDate.of(y, Integer.parseInt(month), Integer.parseInt(day));
      return true;
    } catch (DateTimeException notACalendarDate) {
      return false;
    }
  }

  /** Quotes a visible character and adds its code point when the glyph alone could mislead. */
  private static String describe(int c) {
    String codePoint = String.format(Locale.ROOT, "U+%04X", c);
    if (c >= 0x20 && c < 0x7f) {
      return "'" + Character.toString(c) + "'";
    }
    boolean visible =
        switch (Character.getType(c)) {
          case Character.CONTROL,
              Character.FORMAT,
              Character.SURROGATE,
              Character.PRIVATE_USE,
              Character.UNASSIGNED,
              Character.SPACE_SEPARATOR,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR,
              Character.NON_SPACING_MARK,
              Character.ENCLOSING_MARK ->
              false;
          default -> true;
        };
    return visible ? "'" + Character.toString(c) + "' " + codePoint : codePoint;
  }
}
