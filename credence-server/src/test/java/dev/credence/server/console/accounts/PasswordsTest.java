package dev.credence.server.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The rules for a new dashboard password and the words that explain a refusal, without a server.
 */
class PasswordsTest {
  private static final String EMAIL = "mira.okafor@lender.example";
  private static final String NAME = "Mira Okafor";
  private static final String ADVICE = " Add a word or two that are not common.";

  private static String problem(String password) {
    return Passwords.problem(password, EMAIL, NAME);
  }

  @Test
  void theLengthRuleStays() {
    assertThat(problem("velvet orb")).isEqualTo("Use at least 12 characters.");
    assertThat(problem(null)).isEqualTo("Use at least 12 characters.");
    assertThat(problem("velvet lantern orbit " + "x".repeat(180)))
        .isEqualTo("Use at most 200 characters.");
  }

  @Test
  void spacesOnlyAndOneCharacterRepeatedAreRefused() {
    assertThat(problem(" ".repeat(12)))
        .isEqualTo("A password of spaces only is easy to guess. Use words or other characters.");
    assertThat(problem("\t \u00a0".repeat(5))).startsWith("A password of spaces only");
    assertThat(problem("q".repeat(30)))
        .isEqualTo("One character repeated is easy to guess. Use a few different words.");
    assertThat(problem("\uD83D\uDD11".repeat(12))).startsWith("One character repeated");
  }

  @Test
  void theEMailAddressAndALongEnoughLocalPartAreRefusedInAnyCase() {
    assertThat(problem("my " + EMAIL.toUpperCase() + " key"))
        .isEqualTo("Do not put your e-mail address in the password.");
    assertThat(problem("xx Mira.Okafor velvet 58"))
        .isEqualTo("Do not put \"mira.okafor\", from your e-mail address, in the password.");
    // A local part shorter than MIN_LOCAL_PART is a piece of ordinary words: not refused by itself.
    assertThat(Passwords.problem("velvet lantern orbit 58", "orb@lender.example", "Ann Lee"))
        .isNull();
    assertThat(Passwords.problem("velvet lantern orbit 58", "rbit@lender.example", "Ann Lee"))
        .isEqualTo("Do not put \"rbit\", from your e-mail address, in the password.");
  }

  @Test
  void commonPasswordsAndPatternsAreRefusedWithTheirReason() {
    assertThat(problem("correct horse battery staple"))
        .isEqualTo("This is a commonly used password." + ADVICE);
    assertThat(problem("1q2w3e4r5t6y")).isEqualTo("This is a commonly used password." + ADVICE);
    assertThat(problem("password1234"))
        .isEqualTo("It is built on a commonly used password." + ADVICE);
    assertThat(problem("Winter2024!!!!"))
        .isEqualTo("It is built on a commonly used password." + ADVICE);
    assertThat(problem("abcdefghijklmnop"))
        .isEqualTo("Sequences such as abc or 6543 are easy to guess." + ADVICE);
    assertThat(problem("abcabcabcabcabc"))
        .isEqualTo("Repeated letters or words are easy to guess." + ADVICE);
    assertThat(problem("asdfghjkl;'\\"))
        .isEqualTo("Rows of keys such as qwerty are easy to guess." + ADVICE);
    assertThat(problem("01/02/1990 secret"))
        .isEqualTo("Dates and years are easy to guess." + ADVICE);
    assertThat(problem("mary.smith.2024")).isEqualTo("Names are easy to guess." + ADVICE);
    assertThat(problem("summer holidays 2019"))
        .isEqualTo("Common words on their own are easy to guess." + ADVICE);
  }

  @Test
  void theUsersOwnNameAndAddressCountAsTheFirstWordsTried() {
    String withName = "okafor lender 2024";
    assertThat(Passwords.problem(withName, "someone@example.com", "Someone Else")).isNull();
    assertThat(problem(withName))
        .isEqualTo("It is too close to your name or e-mail address." + ADVICE);
    assertThat(PasswordStrength.personalWords(EMAIL, NAME))
        .contains("mira", "okafor", "mira okafor", "miraokafor", "lender", "lender.example")
        .doesNotContain("", "ex");
  }

  @Test
  void passphrasesAndRandomPasswordsPass() {
    assertThat(problem("velvet lantern orbit 58")).isNull();
    assertThat(problem("quiet ferry under copper hills")).isNull();
    assertThat(problem("xK9#mP2$vL5q")).isNull();
  }
}
