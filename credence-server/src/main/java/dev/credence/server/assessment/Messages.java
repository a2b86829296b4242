package dev.credence.server.assessment;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The assessment's interface text (buttons, consent, instructions, game texts) in the six interface
 * languages, read from {@code /i18n/messages_<language>.properties}. Questionnaire items come from
 * the item bank in many more languages; for those the interface falls back to the language's
 * primary subtag ("pt-br" uses "pt") and then to English.
 *
 * <p>Values are {@link MessageFormat} patterns. Pass numbers as numbers, not strings, so that they
 * are written the local way ("1,500" in English, "1.500" in Indonesian).
 */
public final class Messages {
  public static final String ENGLISH = "en";

  /** The interface languages, English first. */
  static final List<String> LANGUAGES = List.of(ENGLISH, "es", "fr", "pt", "id", "sw");

  private final Map<String, Map<String, String>> bundles;
  private final Set<String> languages;

  Messages(Map<String, Map<String, String>> bundles) {
    if (!bundles.containsKey(ENGLISH)) {
      throw new IllegalArgumentException("the English messages are required");
    }
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    bundles.forEach((language, bundle) -> copy.put(language, Map.copyOf(bundle)));
    this.bundles = Collections.unmodifiableMap(copy);
    this.languages = Collections.unmodifiableSet(new LinkedHashSet<>(copy.keySet()));
  }

  /** Reads every language's file from the class path; fails at start-up if one is unreadable. */
  public static Messages load() {
    Map<String, Map<String, String>> bundles = new LinkedHashMap<>();
    for (String language : LANGUAGES) {
      String resource = "/i18n/messages_" + language + ".properties";
      try (InputStream in = Messages.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing " + resource);
        }
        bundles.put(language, read(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource + " as UTF-8", e);
      }
    }
    return new Messages(bundles);
  }

  /**
   * A properties file as UTF-8, strictly: a file saved in another encoding fails loudly here rather
   * than showing applicants garbled text.
   */
  static Map<String, String> read(InputStream in) throws IOException {
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(in.readAllBytes()))
            .toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark some editors add
    }
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    Map<String, String> bundle = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      bundle.put(key, properties.getProperty(key));
    }
    return bundle;
  }

  /**
   * The text for {@code key} in the interface language for {@code language} (any id, such as
   * "pt-br" or "es-419"), with {@code args} filled in. A key missing in that language is taken from
   * English.
   *
   * @throws IllegalArgumentException if English has no such key: a programming error
   */
  public String text(String language, String key, Object... args) {
    String used = interfaceLanguage(language);
    String pattern = bundles.get(used).get(key);
    if (pattern == null || pattern.isBlank()) {
      pattern = bundles.get(ENGLISH).get(key);
    }
    if (pattern == null) {
      throw new IllegalArgumentException("no message " + key);
    }
    String text =
        new MessageFormat(pattern, Locale.forLanguageTag(used))
            .format(args == null ? new Object[0] : args);
    // French groups digits with a narrow no-break space, which older phone fonts lack.
    return text.replace('\u202F', '\u00A0');
  }

  /** The interface languages, English first. */
  public Set<String> languages() {
    return languages;
  }

  /**
   * The interface language used for {@code language}: itself if it is one, else its primary
   * language ("pt-br" gives "pt"), else English.
   */
  public String interfaceLanguage(String language) {
    if (language == null || language.isBlank()) {
      return ENGLISH;
    }
    String id = Languages.normalise(language);
    if (bundles.containsKey(id)) {
      return id;
    }
    int dash = id.indexOf('-');
    String primary = dash < 0 ? id : id.substring(0, dash);
    return bundles.containsKey(primary) ? primary : ENGLISH;
  }

  /** The raw patterns of one language, for tests. */
  Map<String, String> patterns(String language) {
    return bundles.getOrDefault(language, Map.of());
  }
}
