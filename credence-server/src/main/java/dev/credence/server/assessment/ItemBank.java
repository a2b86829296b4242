package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The questionnaire's items: the IPIP-NEO-120 (120 items, 5 domains x 6 facets x 4 items) in every
 * language of the npm package {@code @bigfive-org/questions}. The build installs that package and
 * packs it into the classpath under {@code itembank/} (see {@code credence-server/itembank}); no
 * item text lives in this repository.
 *
 * <p>Item ids are the same in every language, and so are the order, keys and facets, which the
 * build checks; answers are stored by item id. The items come in the package's interleaved order
 * (N1 E1 O1 A1 C1 N2 ... C6, four times over), so the first 30 hold one item of each facet.
 */
public final class ItemBank {
  private static final String ROOT = "itembank/";
  private static final String DOMAINS = "NEOAC";
  private static final int FACETS = 6;
  private static final int ITEMS = 120;

  /** One statement of the questionnaire, answered on five options scored 1 to 5. */
  public record Item(String id, String text, boolean minusKeyed, char domain, int facet) {
    public Item {
      if (id == null || id.isBlank() || text == null || text.isBlank()) {
        throw new IllegalArgumentException("an item needs an id and a text");
      }
      if (DOMAINS.indexOf(domain) < 0 || facet < 1 || facet > FACETS) {
        throw new IllegalArgumentException("no such facet: " + domain + facet);
      }
    }

    /**
     * The score of an answer, given as the position of the option chosen (1 = the first of {@link
     * ItemBank#choices}, "Very Inaccurate" in English, to 5): the answer itself for plus-keyed
     * items, reversed ({@code 6 - answer}) for minus-keyed ones.
     *
     * @throws IllegalArgumentException if the answer is not 1 to 5
     */
    public int score(int answer) {
      if (answer < 1 || answer > 5) {
        throw new IllegalArgumentException("an answer is 1 to 5, not " + answer);
      }
      return minusKeyed ? 6 - answer : answer;
    }
  }

  /** A language of the item bank: its id as the package has it ("en", "pt-br") and its name. */
  public record Language(String id, String name) {}

  /** The forms of the questionnaire. */
  public enum Length {
    /** One item per facet: 30. */
    SHORT(30),
    /** Two items per facet: 60. */
    STANDARD(60),
    /** All four items of every facet: 120. */
    FULL(120);

    private final int items;

    Length(int items) {
      this.items = items;
    }

    public int items() {
      return items;
    }
  }

  /** The items and answer labels of one language. */
  private record Bank(List<Item> items, Map<String, Item> byId, List<String> choices) {}

  // The files pack.mjs writes, read as they are.
  private record PackedLanguage(String id, String name) {}

  private record PackedItem(String id, String text, String keyed, char domain, int facet) {}

  private record PackedChoices(List<String> plus, List<String> minus) {}

  private record Packed(
      String language, String name, List<PackedItem> items, PackedChoices choices) {}

  private final List<Language> languages;
  private final Map<String, Bank> banks;
  private final Map<Length, List<String>> forms;

  private ItemBank(List<Language> languages, Map<String, Bank> banks) {
    this.languages = List.copyOf(languages);
    this.banks = Map.copyOf(banks);
    List<Item> reference = banks.get(languages.get(0).id()).items();
    Map<Length, List<String>> forms = new LinkedHashMap<>();
    for (Length length : Length.values()) {
      forms.put(length, form(reference, length));
    }
    this.forms = Map.copyOf(forms);
  }

  /**
   * Reads the whole item bank from the classpath. It is immutable: call this once at start-up and
   * share the result.
   *
   * @throws IllegalStateException if the item bank is missing from the classpath or malformed
   */
  public static ItemBank load() {
    ObjectMapper json = new ObjectMapper();
    PackedLanguage[] index = read(json, "languages.json", PackedLanguage[].class);
    if (index.length == 0) {
      throw new IllegalStateException("the item bank lists no languages");
    }
    List<Language> languages = new ArrayList<>();
    Map<String, Bank> banks = new LinkedHashMap<>();
    List<String> referenceIds = null;
    for (PackedLanguage entry : index) {
      Packed packed = read(json, entry.id() + ".json", Packed.class);
      List<Item> items = packed.items().stream().map(ItemBank::item).toList();
      List<String> ids = items.stream().map(Item::id).toList();
      if (referenceIds == null) {
        referenceIds = ids;
      }
      if (items.size() != ITEMS || !ids.equals(referenceIds)) {
        throw new IllegalStateException(
            "item bank language " + entry.id() + " does not have the same " + ITEMS + " items");
      }
      List<String> choices = packed.choices().plus();
      if (choices.size() != 5) {
        throw new IllegalStateException("item bank language " + entry.id() + " lacks 5 choices");
      }
      Map<String, Item> byId =
          items.stream().collect(Collectors.toUnmodifiableMap(Item::id, Function.identity()));
      languages.add(new Language(entry.id(), entry.name()));
      banks.put(entry.id(), new Bank(items, byId, List.copyOf(choices)));
    }
    return new ItemBank(languages, banks);
  }

  /** Every language, in the package's order (English first). */
  public List<Language> languages() {
    return languages;
  }

  public boolean hasLanguage(String id) {
    return id != null && banks.containsKey(id);
  }

  /**
   * All 120 items of a language, in the package's order.
   *
   * @throws IllegalArgumentException for an unknown language
   */
  public List<Item> items(String language) {
    return bank(language).items();
  }

  /**
   * One item by id.
   *
   * @throws IllegalArgumentException for an unknown language or item id (ids come from {@link
   *     #form} and are the same in every language, so an unknown one is a caller's error)
   */
  public Item item(String language, String itemId) {
    Item item = bank(language).byId().get(itemId);
    if (item == null) {
      throw new IllegalArgumentException("unknown item: " + itemId);
    }
    return item;
  }

  /**
   * The five answer labels of a language in display and score order, "Very Inaccurate" to "Very
   * Accurate" in English: for a plus-keyed item the label at position {@code i} (1 to 5) scores
   * {@code i}; for a minus-keyed one the same labels are shown and {@link Item#score} reverses.
   *
   * @throws IllegalArgumentException for an unknown language
   */
  public List<String> choices(String language) {
    return bank(language).choices();
  }

  /**
   * The item ids of a form, in the order to present them: the first one ({@code SHORT}), two
   * ({@code STANDARD}) or four ({@code FULL}) items of every facet, in the package's interleaved
   * order.
   */
  public List<String> form(Length length) {
    return forms.get(length);
  }

  private Bank bank(String language) {
    Bank bank = language == null ? null : banks.get(language);
    if (bank == null) {
      throw new IllegalArgumentException("unknown item bank language: " + language);
    }
    return bank;
  }

  private static List<String> form(List<Item> items, Length length) {
    int perFacet = length.items() / (DOMAINS.length() * FACETS);
    Map<String, Integer> taken = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (Item item : items) {
      if (taken.merge(item.domain() + "" + item.facet(), 1, Integer::sum) <= perFacet) {
        ids.add(item.id());
      }
    }
    if (ids.size() != length.items()) {
      throw new IllegalStateException("the item bank cannot make the " + length + " form");
    }
    return List.copyOf(ids);
  }

  private static Item item(PackedItem packed) {
    if (!"plus".equals(packed.keyed()) && !"minus".equals(packed.keyed())) {
      throw new IllegalStateException("item " + packed.id() + " is keyed " + packed.keyed());
    }
    return new Item(
        packed.id(),
        packed.text(),
        "minus".equals(packed.keyed()),
        packed.domain(),
        packed.facet());
  }

  private static <T> T read(ObjectMapper json, String name, Class<T> type) {
    try (InputStream in = ItemBank.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the item bank is missing from the classpath ("
                + ROOT
                + name
                + "): build with Maven, which installs it with npm (credence-server/itembank)");
      }
      return json.readValue(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the item bank's " + ROOT + name, e);
    }
  }
}
