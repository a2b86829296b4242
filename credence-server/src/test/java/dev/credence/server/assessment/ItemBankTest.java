package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.credence.server.assessment.ItemBank.Item;
import dev.credence.server.assessment.ItemBank.Language;
import dev.credence.server.assessment.ItemBank.Length;
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
    assertThat(form).isEqualTo(firstOfEachFacet(1));
  }

  @Test
  void standardFormHasTwoItemsOfEachFacet() {
    List<String> form = bank.form(Length.STANDARD);
    assertThat(form).hasSize(60).doesNotHaveDuplicates();
    assertThat(facets(form).values()).hasSize(30).containsOnly(2L);
    assertThat(form).isEqualTo(firstOfEachFacet(2));
    assertThat(form).startsWith(bank.form(Length.SHORT).toArray(String[]::new));
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

  /** The first n items of each facet, in the package's order: what a form should hold. */
  private static List<String> firstOfEachFacet(int n) {
    Map<String, Integer> seen = new HashMap<>();
    return bank.items("en").stream()
        .filter(i -> seen.merge(facet(i), 1, Integer::sum) <= n)
        .map(Item::id)
        .toList();
  }
}
