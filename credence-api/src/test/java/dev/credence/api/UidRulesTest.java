package dev.credence.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UidRulesTest {

  private static final String SIXTY = "A".repeat(30) + "-" + "9".repeat(29);

  @ParameterizedTest
  @ValueSource(
      strings = {
        // the vendor's own examples
        "CUST-00123456",
        "APP-2024-987654",
        "ABCDE-12345-CD-01",
        "QWERT-YUIOP-ASDFGH",
        "uid_123456",
        "5a601a98-31f8-4f1d-a1db-a1f09147479e",
        // real numeric ids, even date- or phone-like digit runs
        "12345678901234567890",
        "0801234567",
        "19850412",
        "12345",
        // a re-score suffix
        "CUST123-2",
        // not a calendar date, and only 8 digits so not a phone number
        "2023-02-30",
        // years outside 1900-2100 are not dates of birth
        "1850-04-12",
        // too few digits for a phone number
        "12-345-678",
        // national-id shapes only count for the whole uid
        "ID-123-45-6789",
        "AB123456E"
      })
  void accepts(String uid) {
    assertThat(UidRules.check(uid)).isEmpty();
  }

  @Test
  void sixtyCharactersIsTheLimit() {
    assertThat(SIXTY).hasSize(UidRules.MAX_LENGTH);
    assertThat(UidRules.check(SIXTY)).isEmpty();
    assertThat(UidRules.check(SIXTY + "0")).map(UidViolation::code).contains("uid_length");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "abc                   | uid_length",
        "abcd                  | uid_length",
        "john.doe@example.com  | uid_email",
        "CUST@001              | uid_email",
        "+2348012345678        | uid_phone",
        "+1 (555) 123-4567     | uid_phone",
        "+44 20.7946.0958      | uid_phone",
        "123-456-7890          | uid_phone",
        "0801-234-5678         | uid_phone",
        "254-712-345-678       | uid_phone",
        "123_456_7890          | uid_phone",
        "1985-04-12            | uid_date",
        "12/04/1985            | uid_date",
        "1985/04/12            | uid_date",
        "04.12.1985            | uid_date",
        "31_12_1999            | uid_date",
        "12-31-1999            | uid_date",
        "1/4/1985              | uid_date",
        "2000-02-29            | uid_date",
        "123-45-6789           | uid_national_id",
        "GOMC850412HDFRRL09    | uid_national_id",
        "gomc850412hdfrrl09    | uid_national_id",
        "AB123456C             | uid_national_id",
        "ab123456c             | uid_national_id",
        "CUST 001              | uid_characters",
        "CUSTÉ0001             | uid_characters",
        "CUST.0001             | uid_characters",
        "+CUST0001             | uid_characters",
        "1985/04/12/7          | uid_characters",
      })
  void refuses(String uid, String code) {
    assertThat(UidRules.check(uid)).map(UidViolation::code).contains(code);
  }

  @Test
  void anInvalidLeapDayIsNotADateButTheSlashesStillFail() {
    assertThat(UidRules.check("1999/02/29")).map(UidViolation::code).contains("uid_characters");
    assertThat(UidRules.check("1999-02-29")).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"      ", "\t\n"})
  void missingOrBlankIsALengthProblem(String uid) {
    assertThat(UidRules.check(uid)).map(UidViolation::code).contains("uid_length");
  }

  @Test
  void countsCharactersNotUtf16Units() {
    // Four emoji are eight UTF-16 units but four characters: too short, not a character error.
    assertThat(UidRules.check("😀😀😀😀"))
        .map(UidViolation::detail)
        .contains("uid must be 5 to 60 characters long (got 4)");
  }

  @Test
  void detailsExplainTheProblem() {
    assertThat(UidRules.check("abc"))
        .map(UidViolation::detail)
        .contains("uid must be 5 to 60 characters long (got 3)");
    assertThat(UidRules.check("john.doe@example.com"))
        .map(UidViolation::detail)
        .contains(
            "uid looks like an e-mail address; use your customer or application id, never"
                + " personal data");
    assertThat(UidRules.check("CUST 001"))
        .map(UidViolation::detail)
        .contains("uid may contain only ASCII letters, digits, '-' and '_' (found ' ')");
    assertThat(UidRules.check("CUSTÉ0001"))
        .map(UidViolation::detail)
        .contains("uid may contain only ASCII letters, digits, '-' and '_' (found 'É' U+00C9)");
    assertThat(UidRules.check("CUST\u0000001"))
        .map(UidViolation::detail)
        .contains("uid may contain only ASCII letters, digits, '-' and '_' (found U+0000)");
    assertThat(UidRules.check("CUST\u200B001"))
        .map(UidViolation::detail)
        .contains("uid may contain only ASCII letters, digits, '-' and '_' (found U+200B)");
    assertThat(UidRules.check("123-45-6789"))
        .map(UidViolation::detail)
        .hasValueSatisfying(detail -> assertThat(detail).contains("national identity number"));
    assertThat(UidRules.check("1985-04-12"))
        .map(UidViolation::detail)
        .hasValueSatisfying(detail -> assertThat(detail).contains("date of birth"));
    assertThat(UidRules.check("+2348012345678"))
        .map(UidViolation::detail)
        .hasValueSatisfying(detail -> assertThat(detail).contains("phone number"));
  }
}
