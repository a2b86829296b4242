package dev.credence.server.console.accounts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.matching.match.DateMatch;
import me.gosimple.nbvcxz.matching.match.DictionaryMatch;
import me.gosimple.nbvcxz.matching.match.Match;
import me.gosimple.nbvcxz.matching.match.RepeatMatch;
import me.gosimple.nbvcxz.matching.match.SequenceMatch;
import me.gosimple.nbvcxz.matching.match.SpacialMatch;
import me.gosimple.nbvcxz.matching.match.YearMatch;
import me.gosimple.nbvcxz.resources.Configuration;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.scoring.Result;

/**
 * How hard a new password is to guess, as nbvcxz estimates it: it splits the password into the
 * cheapest known pieces (common passwords, names, English words, keyboard rows, repeats, sequences,
 * dates) and counts the guesses an attacker who knows those lists needs. The user's e-mail address
 * and name are added as words of their own, the first an attacker would try.
 *
 * <p>{@link #MIN_ENTROPY_BITS} is 40 bits, about 10^12 guesses. Online, the sign-in throttle lets
 * one client address try at most 20 passwords an hour for an account. Offline, with a copy of the
 * database, Argon2id at 19 MiB holds a cracking rig of about $20,000 to some 6,500 guesses a second
 * (nbvcxz's own figure), so searching half that space takes over two years for one account.
 * nbvcxz's default of 35 bits lets through phrases such as "summer holidays 2019"; a higher bar
 * starts refusing three- and four-word passphrases that people do remember.
 *
 * <p>nbvcxz reads its dictionaries (about 1.7 MB of text, 0.3 s and 19 MB of heap) once, when the
 * first password is checked, not when the server starts.
 */
final class PasswordStrength {
  static final double MIN_ENTROPY_BITS = 40;

  /** Shorter pieces of an address or name ("jo", "uk") would only mark common letters as weak. */
  private static final int MIN_PERSONAL_WORD = 3;

  private static final String ADVICE = " Add a word or two that are not common.";

  private PasswordStrength() {}

  /** The estimator's settings without the user's words, built on first use. */
  private static final class Base {
    static final Configuration CONFIGURATION =
        new ConfigurationBuilder()
            .setMinimumEntropy(MIN_ENTROPY_BITS)
            .setMaxLength(Passwords.MAX_LENGTH)
            .setLocale(Locale.ENGLISH)
            .createConfiguration();
  }

  /** Why {@code password} is too easy to guess, in plain words; null if it is strong enough. */
  static String problem(String password, String email, String name) {
    Result result = new Nbvcxz(withPersonalWords(email, name)).estimate(password);
    if (result.getEntropy() >= MIN_ENTROPY_BITS) {
      return null;
    }
    return reason(longest(result.getMatches()), password) + ADVICE;
  }

  /** The base settings, plus a dictionary of the user's own words. */
  private static Configuration withPersonalWords(String email, String name) {
    Configuration base = Base.CONFIGURATION;
    DictionaryBuilder personal = new DictionaryBuilder().setDictionaryName("personal");
    personalWords(email, name).forEach(word -> personal.addWord(word, 1));
    List<Dictionary> dictionaries = new ArrayList<>(base.getDictionaries());
    dictionaries.add(personal.createDictionary());
    return new Configuration(
        base.getPasswordMatchers(),
        base.getGuessTypes(),
        dictionaries,
        base.getAdjacencyGraphs(),
        base.getLeetTable(),
        base.getYearPattern(),
        base.getMinimumEntropy(),
        base.getMaxLength(),
        base.getLocale(),
        base.isDistanceCalc(),
        base.getCombinationAlgorithmTimeout());
  }

  /** The address, its local part and domain, the name, and each of their pieces; lower case. */
  static Set<String> personalWords(String email, String name) {
    Set<String> words = new LinkedHashSet<>();
    for (String whole : List.of(nonNull(email), nonNull(name))) {
      String lower = whole.strip().toLowerCase(Locale.ROOT);
      add(words, lower);
      add(words, lower.replaceAll("\\s+", ""));
      for (String part : lower.split("@")) {
        add(words, part);
        for (String piece : part.split("[^\\p{L}\\p{N}]+")) {
          add(words, piece);
        }
      }
    }
    return words;
  }

  private static void add(Set<String> words, String word) {
    if (word.length() >= MIN_PERSONAL_WORD) {
      words.add(word);
    }
  }

  private static String nonNull(String text) {
    return text == null ? "" : text;
  }

  private static Match longest(List<Match> matches) {
    Match longest = null;
    for (Match match : matches) {
      if (longest == null || match.getLength() > longest.getLength()) {
        longest = match;
      }
    }
    return longest;
  }

  /** nbvcxz's own warnings name every dictionary "a common password"; these say which. */
  private static String reason(Match match, String password) {
    if (match instanceof DictionaryMatch word) {
      return switch (word.getDictionaryName()) {
        case "personal" -> "It is too close to your name or e-mail address.";
        case "passwords" ->
            word.getLength() == password.length()
                ? "This is a commonly used password."
                : "It is built on a commonly used password.";
        case "male_names", "female_names", "surnames" -> "Names are easy to guess.";
        default -> "Common words on their own are easy to guess.";
      };
    }
    if (match instanceof RepeatMatch) {
      return "Repeated letters or words are easy to guess.";
    }
    if (match instanceof SequenceMatch) {
      return "Sequences such as abc or 6543 are easy to guess.";
    }
    if (match instanceof SpacialMatch) {
      return "Rows of keys such as qwerty are easy to guess.";
    }
    if (match instanceof DateMatch || match instanceof YearMatch) {
      return "Dates and years are easy to guess.";
    }
    return "It is too easy to guess.";
  }
}
