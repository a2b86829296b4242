package dev.credence.server.assessment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.scoring.AnswerSheet;
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
 * (N1 E1 O1 A1 C1 N2 ... C6, four times over).
 *
 * <p>The short and standard forms are fixed lists of item ids ({@link #form}), chosen once by the
 * rule in docs/scoring.md ("The forms") so that every domain has as many minus-keyed items as
 * plus-keyed ones: 3 and 3 on the short form, 6 and 6 on the standard one. A session records the
 * item ids of its form when it starts (AssessmentService), so a later change of these lists never
 * reshapes a journey in flight; sessions started before the ids were recorded keep the form they
 * were shown, {@link #legacyForm}.
 */
public final class ItemBank {
  private static final String ROOT = "itembank/";
  private static final String DOMAINS = "NEOAC";
  private static final int FACETS = 6;
  private static final int ITEMS = 120;

  // The balanced forms, in presentation order: the first chosen item of every facet (N1 E1 O1 A1
  // C1 N2 ... C6), then the second (standard). The comments name each item's facet and key.
  private static final List<String> SHORT_FORM =
      List.of(
          // N1+ E1+ O1+ A1+ C1+
          "43c98ce8-a07a-4dc2-80f6-c1b2a2485f06",
          "d50a597f-632b-4f7b-89e6-6d85b50fd1c9",
          "888dd864-7449-4e96-8d5c-7a439603ea91",
          "ce2fbbf8-7a97-4199-bda5-117e4ecdf3b6",
          "c7f53c3c-2e77-432f-bb71-7470b67d3aa9",
          // N2- E2- O2- A2- C2-
          "d32bd062-4eb2-401b-99b2-e7afea39ca9b",
          "03c10b30-b88f-4c63-8acc-71251ca24615",
          "751a04bc-5adf-485a-8ea4-4308406ae85b",
          "0cf79e27-e702-45c2-9471-04ac96b58e0e",
          "adf33f9f-45bd-43e3-af25-4c491176d97f",
          // N3+ E3- O3+ A3+ C3+
          "5e8550d7-b8ef-4905-950a-f81d735d39e2",
          "8791f37b-686f-47c3-9db7-74c009951321",
          "0727def6-3d18-4221-bf38-86b58f9f3eed",
          "ccf3a5c8-fb50-4bd4-8e7a-22af3d657279",
          "73d84e5d-cbf5-47f0-b8cb-4d2159a52e32",
          // N4- E4- O4- A4- C4-
          "7317848c-3e1b-422f-bb16-02efc504f677",
          "7d93e1ca-46e8-4a30-9623-42a80c9b420c",
          "33b81fd0-7e32-4cd8-a13a-d5f5f754f998",
          "e2028ad3-b128-4f76-be57-398bfe2aff22",
          "a9c97d6b-6721-4150-8d84-64ef3082f164",
          // N5+ E5+ O5+ A5- C5+
          "481efd08-c810-43b1-a952-f8ac9052f96b",
          "987efee2-899f-4a65-b9b5-1589ef0460d7",
          "e1e804c7-4a1d-498f-8610-f95147af9d1d",
          "71029381-3908-4c68-91e1-e41fb45542a2",
          "f6076eea-56ae-4b46-97f1-5f94a7676c96",
          // N6- E6+ O6- A6+ C6-
          "88a3c2fe-3aa4-4f46-9322-da656332268a",
          "899c3f66-51d0-46ea-963a-6fc36d3b3cb9",
          "96ba77b2-1a44-4dfd-95f9-ae4d1f714460",
          "fd50e1ca-d9e0-4037-a7a1-a191d4db2d96",
          "bd9eec0a-b68b-472c-8803-7db29c308cdb");

  private static final List<String> STANDARD_FORM =
      List.of(
          // N1+ E1- O1+ A1+ C1+
          "43c98ce8-a07a-4dc2-80f6-c1b2a2485f06",
          "9f9166f0-fa94-4c14-a91d-3eecd8395794",
          "888dd864-7449-4e96-8d5c-7a439603ea91",
          "ce2fbbf8-7a97-4199-bda5-117e4ecdf3b6",
          "c7f53c3c-2e77-432f-bb71-7470b67d3aa9",
          // N2+ E2- O2- A2- C2+
          "48ad12ce-470e-4339-90ac-ea8c43a0103e",
          "03c10b30-b88f-4c63-8acc-71251ca24615",
          "751a04bc-5adf-485a-8ea4-4308406ae85b",
          "0cf79e27-e702-45c2-9471-04ac96b58e0e",
          "cda1ca17-b599-4561-a6cd-ff9d36062d27",
          // N3+ E3+ O3+ A3+ C3+
          "5e8550d7-b8ef-4905-950a-f81d735d39e2",
          "8af754f2-68e9-48f3-8c5d-2e6633d4472c",
          "0727def6-3d18-4221-bf38-86b58f9f3eed",
          "ccf3a5c8-fb50-4bd4-8e7a-22af3d657279",
          "73d84e5d-cbf5-47f0-b8cb-4d2159a52e32",
          // N4+ E4+ O4+ A4- C4+
          "b2d9ef74-73f5-4ea8-b00c-7aaca15937df",
          "48a761ef-438e-409b-ae59-ea2ce8f84414",
          "cae55842-8957-4e3b-83b3-ceff98fb9dcf",
          "e2028ad3-b128-4f76-be57-398bfe2aff22",
          "b7fc949b-02b6-4cb9-a3e2-dbb3d824b55f",
          // N5- E5+ O5+ A5- C5+
          "9891b7ba-a494-4307-aafe-301d8db506c6",
          "987efee2-899f-4a65-b9b5-1589ef0460d7",
          "e1e804c7-4a1d-498f-8610-f95147af9d1d",
          "71029381-3908-4c68-91e1-e41fb45542a2",
          "f6076eea-56ae-4b46-97f1-5f94a7676c96",
          // N6+ E6+ O6+ A6+ C6-
          "2f519935-92e8-48ad-9746-4a0f8b38466a",
          "899c3f66-51d0-46ea-963a-6fc36d3b3cb9",
          "79186f48-e7fa-4df4-b74b-b0627ee244e1",
          "fd50e1ca-d9e0-4037-a7a1-a191d4db2d96",
          "bd9eec0a-b68b-472c-8803-7db29c308cdb",
          // N1+ E1- O1+ A1+ C1+
          "7f92ab2c-265c-4b84-8c74-09f9bb9d41a7",
          "41702602-08e4-4e2b-9a19-291d9efc581a",
          "08ff6dca-02a5-4aeb-aaa4-2ecf2526f143",
          "6f66cdc0-9044-457b-b40d-501ecae15ee7",
          "f110fc66-2e9e-413c-920b-19f05e63d7ac",
          // N2- E2- O2- A2- C2-
          "d32bd062-4eb2-401b-99b2-e7afea39ca9b",
          "9a47184f-6046-4e68-a61b-3d9b357b86ea",
          "87c5b27e-59a8-4c48-8ba8-f5413d735693",
          "5a5fa975-d024-4ac8-8845-2823f957c21b",
          "adf33f9f-45bd-43e3-af25-4c491176d97f",
          // N3- E3- O3- A3+ C3-
          "f40e421f-6c24-4be2-bd9f-28d33358d8c6",
          "8791f37b-686f-47c3-9db7-74c009951321",
          "2a300001-6e05-4c79-b8b5-2ccae4c3d463",
          "ada867af-4db1-4e3d-a604-2b695c1806e5",
          "4e6e3a34-176f-4e6e-8730-1341611f972b",
          // N4- E4- O4- A4- C4-
          "7317848c-3e1b-422f-bb16-02efc504f677",
          "7d93e1ca-46e8-4a30-9623-42a80c9b420c",
          "33b81fd0-7e32-4cd8-a13a-d5f5f754f998",
          "d9a9a180-29c9-4ec5-8621-2256d411def7",
          "a9c97d6b-6721-4150-8d84-64ef3082f164",
          // N5- E5+ O5- A5- C5-
          "9f2e7f90-0ca5-4ed0-9fe5-e060238a9b5e",
          "f1675af6-88bf-4376-a946-0281e762b39c",
          "95a3f20c-f933-4d19-a2c1-a7dbdf63c562",
          "7df44711-4cd4-4b05-8830-73fcc3ebdab5",
          "c7db0ed8-df7d-49bf-942f-59e46ef743c4",
          // N6- E6+ O6- A6+ C6-
          "88a3c2fe-3aa4-4f46-9322-da656332268a",
          "961376e0-16a1-4c14-b059-789e63d11b63",
          "96ba77b2-1a44-4dfd-95f9-ae4d1f714460",
          "c2038c12-7a37-47a8-9983-831bd6692aab",
          "956f3e17-ff17-4af5-a52f-9222b8968106");

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

    /** What scoring needs of this item: its id, keying, domain and facet. */
    public AnswerSheet.ItemFacts facts() {
      return new AnswerSheet.ItemFacts(id, minusKeyed, domain, facet);
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
  private final Map<Length, List<String>> legacyForms;
  private final String version;

  private ItemBank(List<Language> languages, Map<String, Bank> banks, String version) {
    this.version = version;
    this.languages = List.copyOf(languages);
    this.banks = Map.copyOf(banks);
    List<Item> reference = banks.get(languages.get(0).id()).items();
    Map<Length, List<String>> legacyForms = new LinkedHashMap<>();
    for (Length length : Length.values()) {
      legacyForms.put(length, firstOfEachFacet(reference, length));
    }
    this.legacyForms = Map.copyOf(legacyForms);
    Map<String, Item> byId = banks.get(languages.get(0).id()).byId();
    this.forms =
        Map.of(
            Length.SHORT, checked(byId, SHORT_FORM, Length.SHORT),
            Length.STANDARD, checked(byId, STANDARD_FORM, Length.STANDARD),
            Length.FULL, legacyForms.get(Length.FULL));
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
    return new ItemBank(languages, banks, readVersion());
  }

  /**
   * The package and version the bank was packed from, such as {@code @bigfive-org/questions@1.3.3}.
   */
  public String version() {
    return version;
  }

  private static String readVersion() {
    try (InputStream in =
        ItemBank.class.getClassLoader().getResourceAsStream(ROOT + "version.txt")) {
      if (in == null) {
        throw new IllegalStateException(
            "the item bank has no version.txt: build with Maven (credence-server/itembank)");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the item bank's version", e);
    }
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
   * The item ids of a form, in the order to present them: one ({@code SHORT}) or two ({@code
   * STANDARD}) items of every facet, chosen for keying balance (the fixed lists above), or all 120
   * in the package's order ({@code FULL}). Sessions record these ids when they start.
   */
  public List<String> form(Length length) {
    return forms.get(length);
  }

  /**
   * The form as it was before forms were balanced and recorded per session: the first one, two or
   * four items of every facet in the package's order. Only for sessions that started before then
   * and stored no item ids (their answers are to these items); the full form is the same either
   * way.
   */
  public List<String> legacyForm(Length length) {
    return legacyForms.get(length);
  }

  private Bank bank(String language) {
    Bank bank = language == null ? null : banks.get(language);
    if (bank == null) {
      throw new IllegalArgumentException("unknown item bank language: " + language);
    }
    return bank;
  }

  /** A fixed form, checked against the bank: known ids, none twice, the right count per facet. */
  private static List<String> checked(Map<String, Item> byId, List<String> ids, Length length) {
    int perFacet = length.items() / (DOMAINS.length() * FACETS);
    Map<String, Integer> perKey = new LinkedHashMap<>();
    for (String id : ids) {
      Item item = byId.get(id);
      if (item == null) {
        throw new IllegalStateException("the " + length + " form names an unknown item " + id);
      }
      perKey.merge(item.domain() + "" + item.facet(), 1, Integer::sum);
    }
    if (ids.size() != length.items()
        || ids.stream().distinct().count() != ids.size()
        || perKey.size() != DOMAINS.length() * FACETS
        || perKey.values().stream().anyMatch(n -> n != perFacet)) {
      throw new IllegalStateException(
          "the " + length + " form does not hold " + perFacet + " item(s) of every facet");
    }
    return ids;
  }

  private static List<String> firstOfEachFacet(List<Item> items, Length length) {
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
