package dev.credence.server.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every feature key the scorer can emit and every trust flag has a plain name and a one-line
 * meaning in every dashboard language, and no language has words for keys the others lack.
 */
class GlossaryTest {

  /** Every key: the model's known features (the scorer's traits) and the flags. */
  private static List<String> everyKey() {
    List<String> keys = new ArrayList<>(CreditModel.knownFeatures());
    for (TrustIndicators.Flag flag : TrustIndicators.Flag.values()) {
      keys.add(flag.name());
    }
    return keys;
  }

  @Test
  void everyTraitMeasureAndFlagHasANameAndAMeaningInEveryLanguage() {
    // every key the scorer's traits can carry, each measured, is a known feature
    Map<String, TraitScorer.Scale> facets = new LinkedHashMap<>();
    Map<String, TraitScorer.Scale> domains = new LinkedHashMap<>();
    for (char domain : "NEOAC".toCharArray()) {
      domains.put(String.valueOf(domain), new TraitScorer.Scale(18, 6, 50));
      for (int facet = 1; facet <= 6; facet++) {
        facets.put(domain + "" + facet, new TraitScorer.Scale(3, 1, 50));
      }
    }
    Map<String, Double> every =
        new TraitScorer.Traits(facets, domains, 12.5, 2, 0.5, 0.01, 6).toMap();
    assertThat(every).hasSize(40);
    assertThat(CreditModel.knownFeatures()).containsExactlyInAnyOrderElementsOf(every.keySet());
    for (String language : Glossary.LANGUAGES) {
      Glossary glossary = Glossary.of(language);
      for (String key : everyKey()) {
        Glossary.Term term = glossary.term(key);
        assertThat(term.known()).as("%s in %s", key, language).isTrue();
        assertThat(term.name()).as("%s in %s", key, language).isNotBlank().isNotEqualTo(key);
        assertThat(term.meaning())
            .as("%s in %s", key, language)
            .isNotBlank()
            .doesNotContain("\n")
            .hasSizeLessThan(120);
      }
    }
  }

  @Test
  void namesAreDistinctSoAColumnOrALineIsNeverAmbiguous() {
    for (String language : Glossary.LANGUAGES) {
      Set<String> names = new TreeSet<>();
      for (String key : everyKey()) {
        assertThat(names.add(Glossary.of(language).name(key)))
            .as("%s in %s: %s", key, language, names)
            .isTrue();
      }
    }
  }

  @Test
  void everyLanguageHasTheSameKeysAndNoOthers() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (String key : everyKey()) {
      expected.add(key + ".name");
      expected.add(key + ".meaning");
    }
    for (String language : Glossary.LANGUAGES) {
      try (InputStream in =
          Glossary.class.getResourceAsStream("/i18n/glossary_" + language + ".properties")) {
        Properties terms = new Properties();
        terms.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        assertThat(new TreeSet<>(terms.stringPropertyNames())).as(language).isEqualTo(expected);
      }
    }
  }

  @Test
  void aKeyWithoutWordsIsShownAsItIsAndAnUnknownLanguageReadsTheFirst() {
    Glossary.Term measure = Glossary.standard().term("yes_no.yes_share");
    assertThat(measure.known()).isFalse();
    assertThat(measure.name()).isEqualTo("yes_no.yes_share");
    assertThat(measure.meaning()).isEmpty();
    assertThat(Glossary.of("xx").name("domain.C")).isEqualTo("Conscientiousness");
    assertThat(Glossary.of("en").term("domain.C").meaning())
        .isEqualTo("Organised, dependable, careful");
  }

  @Test
  void docsScoringListsTheSameWords() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "scoring.md"));
    for (String key : everyKey()) {
      Glossary.Term term = Glossary.standard().term(key);
      assertThat(doc)
          .as(key)
          .contains("| `" + key + "` | " + term.name() + " | " + term.meaning() + " |");
    }
  }
}
