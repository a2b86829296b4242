package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Choosing a language from Accept-Language, and naming languages for the switcher. */
class LanguagesTest {
  private static final List<String> UI = List.of("en", "es", "fr", "pt", "id", "sw");
  private static final List<String> ITEMS = List.of("en", "es", "fr", "pt-br", "id", "de", "zh-cn");

  @Test
  void takesTheFirstAvailableRangeByWeight() {
    assertThat(Languages.negotiate("sw-KE,sw;q=0.9,en;q=0.8", UI, "en")).isEqualTo("sw");
    assertThat(Languages.negotiate("en;q=0.5, id", UI, "en")).isEqualTo("id");
    assertThat(Languages.negotiate("de, fr;q=0.7", UI, "en")).isEqualTo("fr");
  }

  @Test
  void aRegionalVariantMatchesItsLanguage() {
    assertThat(Languages.negotiate("fr-CA", UI, "en")).isEqualTo("fr");
    assertThat(Languages.negotiate("es-MX", UI, "en")).isEqualTo("es");
    assertThat(Languages.negotiate("pt-PT", ITEMS, "en")).isEqualTo("pt-br");
    assertThat(Languages.negotiate("zh-TW", ITEMS, "en")).isEqualTo("zh-cn");
  }

  @Test
  void anExactTagWinsOverItsLanguage() {
    assertThat(Languages.negotiate("pt-BR", ITEMS, "en")).isEqualTo("pt-br");
    assertThat(Languages.negotiate("pt-BR", List.of("pt", "pt-br"), "en")).isEqualTo("pt-br");
    assertThat(Languages.negotiate("pt-AO", List.of("pt-br", "pt"), "en")).isEqualTo("pt");
  }

  @Test
  void aRegionalVariantStillComesAfterAHigherWeightedLanguage() {
    assertThat(Languages.negotiate("pt-PT, en;q=0.8", List.of("en", "pt-br"), "en"))
        .isEqualTo("pt-br");
    assertThat(Languages.negotiate("de-AT, de;q=0.9, en;q=0.8", UI, "fr")).isEqualTo("en");
  }

  @Test
  void zeroWeightExcludes() {
    assertThat(Languages.negotiate("de;q=0, es;q=0.5", ITEMS, "en")).isEqualTo("es");
    assertThat(Languages.negotiate("pt-BR, pt;q=0", ITEMS, "en")).isEqualTo("en");
    assertThat(Languages.negotiate("fr;q=0", UI, "en")).isEqualTo("en");
  }

  @Test
  void isCaseInsensitiveAndAnswersInTheAvailableSpelling() {
    assertThat(Languages.negotiate("PT-br", ITEMS, "en")).isEqualTo("pt-br");
    assertThat(Languages.negotiate("ZH-CN", List.of("en", "zh-CN"), "en")).isEqualTo("zh-CN");
    assertThat(Languages.negotiate("sw", List.of("EN", "SW"), "EN")).isEqualTo("SW");
  }

  @Test
  void aWildcardGivesTheFallback() {
    assertThat(Languages.negotiate("*", UI, "en")).isEqualTo("en");
    assertThat(Languages.negotiate("ja, *;q=0.5, fr;q=0.1", UI, "en")).isEqualTo("en");
  }

  @Test
  void nothingAvailableGivesTheFallback() {
    assertThat(Languages.negotiate("ja, ko;q=0.8", UI, "en")).isEqualTo("en");
    assertThat(Languages.negotiate("fr", List.of(), "en")).isEqualTo("en");
    assertThat(Languages.negotiate("fr", null, "en")).isEqualTo("en");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "garbage;;q=x",
        "en;q=2",
        "en;q=-1",
        ";;;",
        ",,,",
        "fr;q=",
        "12345678901234567890",
        "en-US;q=0.9;q=0.8",
        "\u00e9\u00e8"
      })
  void aMalformedHeaderGivesTheFallbackWithoutThrowing(String header) {
    assertThat(Languages.negotiate(header, UI, "en")).isEqualTo("en");
  }

  @Test
  void aVeryLongHeaderGivesTheFallback() {
    assertThat(Languages.negotiate("fr," + "x-a,".repeat(2000), UI, "en")).isEqualTo("en");
  }

  @Test
  void namesTheInterfaceLanguagesInThemselves() {
    assertThat(UI.stream().map(Languages::nativeName))
        .containsExactly(
            "English", "Español", "Français", "Português", "Bahasa Indonesia", "Kiswahili");
  }

  @Test
  void namesOtherLanguagesFromTheJdkCapitalised() {
    assertThat(Languages.nativeName("pt-br")).isEqualTo("Português (Brasil)");
    assertThat(Languages.nativeName("de")).isEqualTo("Deutsch");
    assertThat(Languages.nativeName("zh-cn")).isEqualTo("中文 (中国)");
    assertThat(Languages.nativeName("xx")).isEqualTo("xx");
  }

  @Test
  void theSwitcherListsTheCurrentThenTheBrowsersThenTheRestByTheirOwnNames() {
    List<String> available = List.of("en", "zh-cn", "sw", "de", "fr", "es", "id", "pt-br");

    assertThat(Languages.forSwitcher(available, "sw, fr;q=0.8, *;q=0.1", "en"))
        .containsExactly("en", "sw", "fr", "id", "de", "es", "pt-br", "zh-cn");
  }

  @Test
  void withoutAHeaderTheSwitcherIsTheCurrentThenAlphabeticalAccentsAside() {
    List<String> available = List.of("fr", "en", "es", "de", "pt-br", "id");

    // Bahasa Indonesia, Deutsch, English, Español, Français, Português (Brasil)
    assertThat(Languages.forSwitcher(available, null, "fr"))
        .containsExactly("fr", "id", "de", "en", "es", "pt-br");
  }

  @Test
  void theSwitcherListsEveryLanguageOnceWhateverTheHeaderSays() {
    List<String> available = List.of("en", "pt-br", "es");

    assertThat(Languages.forSwitcher(available, "pt-PT, pt;q=0.9, en-GB;q=0.5, xx", "es"))
        .containsExactly("es", "pt-br", "en");
    assertThat(Languages.forSwitcher(available, "not a header;;;", "nope"))
        .containsExactlyInAnyOrderElementsOf(available)
        .hasSize(3);
  }

  @Test
  void rightToLeftLanguagesAreKnownByTheirPrimarySubtag() {
    assertThat(Languages.direction("ar")).isEqualTo("rtl");
    assertThat(Languages.direction("he")).isEqualTo("rtl");
    assertThat(Languages.direction("fa-IR")).isEqualTo("rtl");
    assertThat(Languages.direction("ur")).isEqualTo("rtl");
    assertThat(Languages.direction("en")).isEqualTo("ltr");
    assertThat(Languages.direction("sw")).isEqualTo("ltr");
    assertThat(Languages.direction("zh-cn")).isEqualTo("ltr");
  }
}
