package dev.credence.server.assessment;

import java.text.Collator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Language ids ("en", "pt-br", "zh-cn"): choosing one from a browser's Accept-Language header, and
 * naming one in its own language for the language switcher.
 */
public final class Languages {
  /** Real headers are a few dozen characters; anything far longer is not worth parsing. */
  private static final int MAX_HEADER = 1024;

  private static final Map<String, String> NATIVE_NAMES =
      Map.of(
          "en", "English",
          "es", "Español",
          "fr", "Français",
          "pt", "Português",
          "id", "Bahasa Indonesia",
          "sw", "Kiswahili");

  private Languages() {}

  /**
   * The available id that best matches an Accept-Language header, or {@code fallback}. Ranges are
   * taken by q-value; for each, an exact id wins ("pt-BR" gives "pt-br"), then one with the same
   * primary language ("pt-PT" gives "pt-br" when that is the only Portuguese, "es-MX" gives "es").
   * A range with q=0 rules out the ids it covers; "*" gives the fallback. Returns the id as spelled
   * in {@code available}. Never throws on a malformed header: a header it cannot read is as good as
   * none.
   */
  public static String negotiate(
      String acceptLanguageHeader, Collection<String> available, String fallback) {
    if (acceptLanguageHeader == null
        || acceptLanguageHeader.isBlank()
        || acceptLanguageHeader.length() > MAX_HEADER
        || available == null
        || available.isEmpty()) {
      return fallback;
    }
    List<Locale.LanguageRange> ranges;
    try {
      ranges = Locale.LanguageRange.parse(acceptLanguageHeader);
    } catch (RuntimeException e) { // IllegalArgumentException is documented; take no chances
      return fallback;
    }
    // Sorted so that a tie between ids of the same language is settled the same way every time.
    Map<String, String> candidates = new TreeMap<>();
    for (String id : available) {
      if (id != null && !id.isBlank()) {
        candidates.put(normalise(id), id);
      }
    }
    for (Locale.LanguageRange range : ranges) {
      if (range.getWeight() == 0.0) {
        candidates.keySet().removeIf(id -> covers(range.getRange(), id));
      }
    }
    for (Locale.LanguageRange range : ranges) {
      String tag = range.getRange();
      if (range.getWeight() == 0.0) {
        continue;
      }
      if (tag.equals("*")) {
        return fallback;
      }
      String match = match(tag, candidates);
      if (match != null) {
        return match;
      }
    }
    return fallback;
  }

  /** Languages written right to left, by their primary subtag. */
  private static final Set<String> RIGHT_TO_LEFT =
      Set.of("ar", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi");

  /**
   * {@code rtl} for a language written right to left (Arabic, Hebrew, Persian, Urdu...), else
   * {@code ltr}.
   */
  public static String direction(String id) {
    String tag = normalise(id);
    int dash = tag.indexOf('-');
    return RIGHT_TO_LEFT.contains(dash < 0 ? tag : tag.substring(0, dash)) ? "rtl" : "ltr";
  }

  /**
   * The languages in the order the switcher lists them: {@code current} first, then those the
   * browser's Accept-Language header asks for (most wanted first), then the rest by their names in
   * their own languages, compared as a reader would (accents and case aside). So the applicant's
   * likely languages are at the top and the others in an order that does not depend on ids.
   */
  public static List<String> forSwitcher(
      Collection<String> available, String acceptLanguageHeader, String current) {
    Set<String> ordered = new LinkedHashSet<>();
    if (current != null && available.contains(current)) {
      ordered.add(current);
    }
    List<String> rest = new ArrayList<>(available);
    while (!rest.isEmpty()) {
      String wanted = negotiate(acceptLanguageHeader, rest, null);
      if (wanted == null) {
        break;
      }
      ordered.add(wanted);
      rest.remove(wanted);
    }
    Collator collator = Collator.getInstance(Locale.ROOT);
    collator.setStrength(Collator.PRIMARY);
    available.stream()
        .sorted(
            Comparator.comparing(Languages::nativeName, collator)
                .thenComparing(Comparator.naturalOrder()))
        .forEach(ordered::add);
    return List.copyOf(ordered);
  }

  /**
   * The name of a language in that language, capitalised: "Kiswahili", "Português (Brasil)". For an
   * id the JDK does not know, the id itself.
   */
  public static String nativeName(String id) {
    String tag = normalise(id);
    String name = NATIVE_NAMES.get(tag);
    if (name != null) {
      return name;
    }
    Locale locale = Locale.forLanguageTag(tag);
    String language = locale.getDisplayLanguage(locale);
    if (language.isBlank() || language.equalsIgnoreCase(locale.getLanguage())) {
      return id;
    }
    String display = locale.getDisplayName(locale);
    int first = display.offsetByCodePoints(0, 1);
    return display.substring(0, first).toUpperCase(locale) + display.substring(first);
  }

  /** Lower case with hyphens: "pt_BR" and "pt-BR" are both "pt-br". */
  static String normalise(String id) {
    return id.trim().replace('_', '-').toLowerCase(Locale.ROOT);
  }

  private static String match(String tag, Map<String, String> candidates) {
    String exact = candidates.get(tag);
    if (exact != null) {
      return exact;
    }
    String primary = primary(tag);
    String bare = candidates.get(primary);
    if (bare != null) {
      return bare;
    }
    for (Map.Entry<String, String> candidate : candidates.entrySet()) {
      if (primary(candidate.getKey()).equals(primary)) {
        return candidate.getValue();
      }
    }
    return null;
  }

  /** Whether a range covers an id as in RFC 4647 basic filtering ("*;q=0" is left alone). */
  private static boolean covers(String range, String id) {
    return id.equals(range) || id.startsWith(range + "-");
  }

  private static String primary(String tag) {
    int dash = tag.indexOf('-');
    return dash < 0 ? tag : tag.substring(0, dash);
  }
}
