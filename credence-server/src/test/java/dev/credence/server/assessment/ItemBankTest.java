package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.credence.server.assessment.ItemBank.Item;
import dev.credence.server.assessment.ItemBank.Language;
import dev.credence.server.assessment.ItemBank.Length;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.AnswerSheet.ItemAnswer;
import dev.credence.server.scoring.TrustIndicators;
import dev.credence.server.scoring.TrustIndicators.Flag;
import dev.credence.server.scoring.TrustIndicators.Trust;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The item bank as the build packs it from {@code @bigfive-org/questions}: structure only. */
class ItemBankTest {
  private static final int LANGUAGES = 39;

  private static ItemBank bank;

  @BeforeAll
  static void load() {
    bank = ItemBank.load();
  }

  @Test
  void hasEveryLanguageOfThePackageEnglishFirst() {
    List<Language> languages = bank.languages();
    assertThat(languages).hasSize(LANGUAGES);
    assertThat(languages).extracting(Language::id).doesNotHaveDuplicates();
    assertThat(languages.get(0).id()).isEqualTo("en");
    assertThat(languages).allSatisfy(l -> assertThat(l.name()).isNotBlank());
    assertThat(languages)
        .extracting(Language::id)
        .contains("en", "es", "fr", "de", "pt-br", "zh-cn", "zh-hk", "ar", "hi");
    languages.forEach(l -> assertThat(bank.hasLanguage(l.id())).isTrue());
  }

  @Test
  void everyLanguageHasTheEnglishItemsInTheEnglishOrder() {
    List<Item> english = bank.items("en");
    assertThat(english).hasSize(120);
    assertThat(english).extracting(Item::id).doesNotHaveDuplicates();
    for (Language language : bank.languages()) {
      List<Item> items = bank.items(language.id());
      assertThat(items).as(language.id()).hasSize(120);
      assertThat(items)
          .as(language.id())
          .extracting(Item::id, Item::minusKeyed, Item::domain, Item::facet)
          .containsExactlyElementsOf(
              english.stream()
                  .map(i -> tuple(i.id(), i.minusKeyed(), i.domain(), i.facet()))
                  .toList());
      assertThat(items).as(language.id()).allSatisfy(i -> assertThat(i.text()).isNotBlank());
      assertThat(items)
          .as(language.id())
          .allSatisfy(i -> assertThat(i.text()).isEqualTo(i.text().strip()));
    }
  }

  @Test
  void fiveDomainsOfSixFacetsOfFourItems() {
    Map<String, Long> perFacet =
        bank.items("en").stream()
            .collect(Collectors.groupingBy(ItemBankTest::facet, Collectors.counting()));
    assertThat(perFacet).hasSize(30);
    assertThat(perFacet.values()).containsOnly(4L);
    assertThat(bank.items("en")).extracting(Item::domain).containsOnly('N', 'E', 'O', 'A', 'C');
    assertThat(bank.items("en")).extracting(Item::facet).containsOnly(1, 2, 3, 4, 5, 6);
    // Both keys occur, and in every domain.
    assertThat(bank.items("en").stream().filter(Item::minusKeyed).map(Item::domain).distinct())
        .hasSize(5);
    assertThat(bank.items("en").stream().filter(i -> !i.minusKeyed()).map(Item::domain).distinct())
        .hasSize(5);
  }

  @Test
  void fiveDistinctChoicesInEveryLanguage() {
    for (Language language : bank.languages()) {
      List<String> choices = bank.choices(language.id());
      assertThat(choices).as(language.id()).hasSize(5).doesNotHaveDuplicates();
      assertThat(choices).as(language.id()).allSatisfy(c -> assertThat(c).isNotBlank());
    }
  }

  @Test
  void shortFormHasOneItemOfEachFacet() {
    List<String> form = bank.form(Length.SHORT);
    assertThat(form).hasSize(30).doesNotHaveDuplicates();
    assertThat(facets(form).values()).hasSize(30).containsOnly(1L);
    assertThat(form).isEqualTo(balanced(1));
  }

  @Test
  void standardFormHasTwoItemsOfEachFacet() {
    List<String> form = bank.form(Length.STANDARD);
    assertThat(form).hasSize(60).doesNotHaveDuplicates();
    assertThat(facets(form).values()).hasSize(30).containsOnly(2L);
    assertThat(form).isEqualTo(balanced(2));
  }

  @Test
  void fullFormIsEveryItemInThePackageOrder() {
    assertThat(bank.form(Length.FULL))
        .hasSize(120)
        .containsExactlyElementsOf(bank.items("en").stream().map(Item::id).toList());
    for (Length length : Length.values()) {
      assertThat(bank.form(length)).hasSize(length.items());
    }
  }

  /**
   * Plus- and minus-keyed items per domain, "plus/minus" in N E O A C order: the balanced forms
   * split every domain evenly; the full form has what the bank has; the legacy forms (the first
   * items of each facet) had 26 plus-keyed items of 30 and none minus-keyed in N, E and O.
   */
  @Test
  void keyingBalancePerDomainOfEachForm() {
    assertThat(keying(bank.form(Length.SHORT))).isEqualTo("3/3 3/3 3/3 3/3 3/3");
    assertThat(keying(bank.form(Length.STANDARD))).isEqualTo("6/6 6/6 6/6 6/6 6/6");
    assertThat(keying(bank.form(Length.FULL))).isEqualTo("17/7 18/6 12/12 7/17 11/13");
    assertThat(keying(bank.legacyForm(Length.SHORT))).isEqualTo("6/0 6/0 6/0 3/3 5/1");
    assertThat(keying(bank.legacyForm(Length.STANDARD))).isEqualTo("11/1 12/0 10/2 6/6 9/3");
    assertThat(bank.legacyForm(Length.FULL)).isEqualTo(bank.form(Length.FULL));
  }

  @Test
  void legacyFormsAreTheFirstItemsOfEachFacetForSessionsThatRecordedNone() {
    assertThat(bank.legacyForm(Length.SHORT)).isEqualTo(firstOfEachFacet(1));
    assertThat(bank.legacyForm(Length.STANDARD)).isEqualTo(firstOfEachFacet(2));
    assertThat(bank.legacyForm(Length.FULL)).isEqualTo(firstOfEachFacet(4));
  }

  @Test
  void shortFormOpensWithAPlusAndAMinusKeyedItemInTurnPerDomain() {
    // The greedy walk over facets 1 to 6: +, -, +, -, +, - in every domain that allows it
    assertThat(
            bank.form(Length.SHORT).stream()
                .map(id -> bank.item("en", id))
                .map(i -> i.domain() + "" + i.facet() + (i.minusKeyed() ? "-" : "+"))
                .toList())
        .containsExactly(
            "N1+", "E1+", "O1+", "A1+", "C1+", "N2-", "E2-", "O2-", "A2-", "C2-", "N3+", "E3-",
            "O3+", "A3+", "C3+", "N4-", "E4-", "O4-", "A4-", "C4-", "N5+", "E5+", "O5+", "A5-",
            "C5+", "N6-", "E6+", "O6-", "A6+", "C6-");
  }

  /**
   * The inconsistency check has pairs on every form (TrustIndicators): answered 3 throughout, none
   * is inconsistent; answered 5 throughout, every antonym pair (opposite keys) is 4 apart.
   */
  @Test
  void everyFormHasConsistencyPairs() {
    Object[][] table = {
      // form, pairs, antonym pairs
      {Length.SHORT, 45, 45},
      {Length.STANDARD, 30, 14},
      {Length.FULL, 180, 73},
    };
    for (Object[] row : table) {
      Length length = (Length) row[0];
      Trust neutral = TrustIndicators.assess(answeredThroughout(bank.form(length), 3));
      Trust agreeing = TrustIndicators.assess(answeredThroughout(bank.form(length), 5));
      assertThat(neutral.consistencyPairs()).as("%s", length).isEqualTo(row[1]);
      assertThat(neutral.inconsistentPairs()).as("%s", length).isZero();
      assertThat(agreeing.inconsistentPairs()).as("%s", length).isEqualTo(row[2]);
      assertThat(agreeing.flags()).as("%s", length).contains(Flag.INCONSISTENT);
    }
  }

  private static AnswerSheet answeredThroughout(List<String> form, int answer) {
    List<ItemAnswer> answers =
        form.stream()
            .map(id -> new ItemAnswer(bank.item("en", id).facts(), answer, 1, 600_000))
            .toList();
    return new AnswerSheet(answers, List.of(), Map.of(), List.of(), List.of(), 1, 1);
  }

  @Test
  void itemsAreFoundByIdInEveryLanguage() {
    for (String id : bank.form(Length.SHORT)) {
      for (Language language : bank.languages()) {
        assertThat(bank.item(language.id(), id).id()).isEqualTo(id);
      }
    }
    assertThatThrownBy(() -> bank.item("en", "no-such-item"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void minusKeyedItemsScoreReversed() {
    Item minus = bank.items("en").stream().filter(Item::minusKeyed).findFirst().orElseThrow();
    Item plus = bank.items("en").stream().filter(i -> !i.minusKeyed()).findFirst().orElseThrow();
    assertThat(minus.score(1)).isEqualTo(5);
    assertThat(minus.score(2)).isEqualTo(4);
    assertThat(minus.score(3)).isEqualTo(3);
    assertThat(minus.score(4)).isEqualTo(2);
    assertThat(minus.score(5)).isEqualTo(1);
    for (int answer = 1; answer <= 5; answer++) {
      assertThat(plus.score(answer)).isEqualTo(answer);
    }
  }

  @Test
  void answersOutsideOneToFiveAreRefused() {
    Item item = bank.items("en").get(0);
    for (int answer : new int[] {0, 6, -1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> item.score(answer)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void unknownLanguageIsRefused() {
    assertThat(bank.hasLanguage("xx")).isFalse();
    assertThat(bank.hasLanguage(null)).isFalse();
    assertThat(bank.hasLanguage("EN")).isFalse();
    assertThatThrownBy(() -> bank.items("xx")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bank.choices("xx")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bank.item("xx", bank.form(Length.SHORT).get(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String facet(Item item) {
    return item.domain() + "" + item.facet();
  }

  private static Map<String, Long> facets(List<String> ids) {
    Map<String, Item> byId =
        bank.items("en").stream().collect(Collectors.toMap(Item::id, Function.identity()));
    return ids.stream()
        .map(byId::get)
        .collect(Collectors.groupingBy(ItemBankTest::facet, Collectors.counting()));
  }

  /** The first n items of each facet, in the package's order: the legacy forms. */
  private static List<String> firstOfEachFacet(int n) {
    Map<String, Integer> seen = new HashMap<>();
    return bank.items("en").stream()
        .filter(i -> seen.merge(facet(i), 1, Integer::sum) <= n)
        .map(Item::id)
        .toList();
  }

  /** "plus/minus" per domain, N E O A C. */
  private static String keying(List<String> form) {
    List<String> counts = new ArrayList<>();
    for (char domain : "NEOAC".toCharArray()) {
      List<Item> items =
          form.stream().map(id -> bank.item("en", id)).filter(i -> i.domain() == domain).toList();
      long minus = items.stream().filter(Item::minusKeyed).count();
      counts.add((items.size() - minus) + "/" + minus);
    }
    return String.join(" ", counts);
  }

  /**
   * The rule that chose the fixed forms (docs/scoring.md, "The forms"), for {@code n} items a
   * facet. Per domain, the number of minus-keyed items each facet gives (m_1 .. m_6, each as the
   * facet's keys allow) is chosen to make the domain's plus and minus counts as equal as possible,
   * then to mix both keys within as many facets as possible; among splits equal on both, the first
   * one found by walking facets 1 to 6 where each facet tries first the split a greedy pick makes
   * (each of its n items takes the key the domain has fewer of so far, plus on a tie), then the
   * others nearest to it (fewer minus first). Each facet then gives its first m minus- and first n
   * - m plus-keyed items in the package's order. The form presents the first chosen item of every
   * facet (N1 E1 O1 A1 C1 N2 ... C6), then the second.
   */
  private static List<String> balanced(int n) {
    Map<String, List<Item>> chosen = new HashMap<>();
    for (char domain : "NEOAC".toCharArray()) {
      List<List<Item>> facets = new ArrayList<>();
      for (int f = 1; f <= 6; f++) {
        int facet = f;
        facets.add(
            bank.items("en").stream()
                .filter(i -> i.domain() == domain && i.facet() == facet)
                .toList());
      }
      int[] best = search(facets, n, 0, 0, new int[6], null);
      for (int f = 0; f < 6; f++) {
        List<Item> minus = facets.get(f).stream().filter(Item::minusKeyed).limit(best[f]).toList();
        List<Item> plus =
            facets.get(f).stream().filter(i -> !i.minusKeyed()).limit(n - best[f]).toList();
        chosen.put(
            domain + "" + (f + 1),
            facets.get(f).stream().filter(i -> minus.contains(i) || plus.contains(i)).toList());
      }
    }
    List<String> form = new ArrayList<>();
    for (int round = 0; round < n; round++) {
      for (int f = 1; f <= 6; f++) {
        for (char domain : "NEOAC".toCharArray()) {
          form.add(chosen.get(domain + "" + f).get(round).id());
        }
      }
    }
    return form;
  }

  /** Depth-first over facets; keeps the first split with the best (imbalance, -mixed facets). */
  private static int[] search(
      List<List<Item>> facets, int n, int facet, int balance, int[] split, int[] best) {
    if (facet == 6) {
      if (best == null || score(split, n) < score(best, n)) {
        return split.clone();
      }
      return best;
    }
    long minusAvailable = facets.get(facet).stream().filter(Item::minusKeyed).count();
    long plusAvailable = facets.get(facet).size() - minusAvailable;
    int greedy = 0;
    for (int b = balance, k = 0; k < n; k++) {
      if (b > 0) {
        greedy++;
        b--;
      } else {
        b++;
      }
    }
    List<Integer> candidates = new ArrayList<>();
    for (int m = (int) Math.max(0, n - plusAvailable); m <= Math.min(n, minusAvailable); m++) {
      candidates.add(m);
    }
    int g = greedy;
    candidates.sort(Comparator.comparingInt((Integer m) -> Math.abs(m - g)).thenComparing(m -> m));
    for (int m : candidates) {
      split[facet] = m;
      best = search(facets, n, facet + 1, balance + (n - m) - m, split, best);
    }
    return best;
  }

  /** Imbalance first, then fewer mixed facets is worse: one number, lower is better. */
  private static int score(int[] split, int n) {
    int minus = 0;
    int mixed = 0;
    for (int m : split) {
      minus += m;
      mixed += m > 0 && m < n ? 1 : 0;
    }
    return Math.abs(6 * n - 2 * minus) * 100 - mixed;
  }
}
