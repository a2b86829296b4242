package dev.credence.server.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain name and one-line meaning of every feature key a result can carry ({@link
 * CreditModel#knownFeatures}) and of every trust flag ({@link TrustIndicators.Flag}), in each
 * language of the dashboard: what an analyst reads where the result says {@code domain.C}. Read
 * from {@code /i18n/glossary_<language>.properties}, one file a language with the same keys.
 */
public final class Glossary {
  /** The dashboard's languages; the first is the one used for any other. */
  public static final List<String> LANGUAGES = List.of("en");

  private static final Map<String, Glossary> LOADED = new ConcurrentHashMap<>();

  private final Properties terms;

  private Glossary(Properties terms) {
    this.terms = terms;
  }

  /**
   * One entry: the key as results and models spell it, its name and its meaning.
   *
   * @param known false for a key the glossary has no words for (a module's own measure): its name
   *     is then the key itself and its meaning empty
   */
  public record Term(String key, String name, String meaning, boolean known) {}

  /** The glossary of {@code language}, or of the first of {@link #LANGUAGES} for any other. */
  public static Glossary of(String language) {
    String chosen = LANGUAGES.contains(language) ? language : LANGUAGES.get(0);
    return LOADED.computeIfAbsent(chosen, Glossary::load);
  }

  /** The glossary of the dashboard's first language. */
  public static Glossary standard() {
    return of(LANGUAGES.get(0));
  }

  /** The words for a feature key ({@code domain.C}) or a flag ({@code LONG_STRING}). */
  public Term term(String key) {
    String name = terms.getProperty(key + ".name");
    String meaning = terms.getProperty(key + ".meaning");
    if (name == null || meaning == null) {
      return new Term(key, key, "", false);
    }
    return new Term(key, name, meaning, true);
  }

  /** The plain name of a feature key or flag; the key itself when the glossary has none. */
  public String name(String key) {
    return term(key).name();
  }

  private static Glossary load(String language) {
    String resource = "/i18n/glossary_" + language + ".properties";
    try (InputStream in = Glossary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      Properties terms = new Properties();
      terms.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return new Glossary(terms);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
