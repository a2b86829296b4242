package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The interface text: complete in every language, well-formed, and falling back sensibly. */
class MessagesTest {
  private static final Messages MESSAGES = Messages.load();
  private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");

  @Test
  void loadsTheSixInterfaceLanguages() {
    assertThat(MESSAGES.languages()).containsExactly("en", "es", "fr", "pt", "id", "sw");
  }

  @Test
  void everyEnglishKeyIsInEveryLanguageAndNotBlank() {
    List<String> problems = new ArrayList<>();
    Map<String, String> english = MESSAGES.patterns("en");
    assertThat(english).hasSizeGreaterThan(60);
    for (String language : MESSAGES.languages()) {
      Map<String, String> patterns = MESSAGES.patterns(language);
      for (String key : english.keySet()) {
        String value = patterns.get(key);
        if (value == null || value.isBlank()) {
          problems.add(language + ": " + key);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void noLanguageHasKeysThatEnglishLacks() {
    Set<String> english = MESSAGES.patterns("en").keySet();
    for (String language : MESSAGES.languages()) {
      assertThat(english).as(language).containsAll(MESSAGES.patterns(language).keySet());
    }
  }

  @Test
  void everyLanguageUsesTheSamePlaceholdersAsEnglish() {
    List<String> problems = new ArrayList<>();
    Map<String, String> english = MESSAGES.patterns("en");
    for (String language : MESSAGES.languages()) {
      MESSAGES
          .patterns(language)
          .forEach(
              (key, value) -> {
                if (!arguments(value).equals(arguments(english.get(key)))) {
                  problems.add(language + ": " + key + " has " + arguments(value));
                }
              });
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyValueFormatsAndKeepsItsApostrophes() {
    List<String> problems = new ArrayList<>();
    Object[] args = {"ARG0", "ARG1"};
    for (String language : MESSAGES.languages()) {
      MESSAGES
          .patterns(language)
          .forEach(
              (key, value) -> {
                // MessageFormat treats a straight apostrophe as a quote and drops it.
                if (value.contains("'")) {
                  problems.add(language + ": " + key + " has a straight apostrophe; use ’");
                }
                try {
                  String text =
                      new MessageFormat(value, Locale.forLanguageTag(language)).format(args);
                  if (text.contains("{") || text.contains("}")) {
                    problems.add(language + ": " + key + " leaves a brace: " + text);
                  }
                  for (String argument : arguments(value)) {
                    if (!text.contains("ARG" + argument)) {
                      problems.add(language + ": " + key + " loses {" + argument + "}");
                    }
                  }
                } catch (IllegalArgumentException e) {
                  problems.add(language + ": " + key + " does not parse: " + e.getMessage());
                }
              });
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void fillsInArguments() {
    assertThat(MESSAGES.text("en", "progress.label", 2, 5)).isEqualTo("Step 2 of 5");
    assertThat(MESSAGES.text("en", "consent.data_use", "Acme Loans"))
        .isEqualTo("Your answers are shared with Acme Loans to help decide on your application.");
    assertThat(MESSAGES.text("sw", "dd.later", 75, 61)).isEqualTo("Pointi 75 baada ya siku 61");
    assertThat(MESSAGES.text("id", "bart.total", 1500)).isEqualTo("Total poin: 1.500");
    assertThat(MESSAGES.text("fr", "bart.total", 1500))
        .isEqualTo("Total des points\u00A0: 1\u00A0500");
  }

  @Test
  void readsTheFilesAsUtf8() {
    assertThat(MESSAGES.text("es", "dd.question")).isEqualTo("¿Cuál elegiría?");
    assertThat(MESSAGES.text("fr", "consent.accept")).isEqualTo("J’accepte");
    assertThat(MESSAGES.text("pt", "page.title")).isEqualTo("Avaliação");
  }

  @Test
  void refusesAFileThatIsNotUtf8() {
    byte[] latin1 = "page.title=Évaluation\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Messages.read(new ByteArrayInputStream(latin1)))
        .isInstanceOf(java.nio.charset.CharacterCodingException.class);
  }

  @Test
  void ignoresAByteOrderMark() throws Exception {
    byte[] withBom = "\uFEFF# comment\npage.title=Évaluation\n".getBytes(StandardCharsets.UTF_8);
    assertThat(Messages.read(new ByteArrayInputStream(withBom)))
        .containsExactly(Map.entry("page.title", "Évaluation"));
  }

  @Test
  void aLanguageVariantUsesItsPrimaryLanguage() {
    assertThat(MESSAGES.interfaceLanguage("pt-br")).isEqualTo("pt");
    assertThat(MESSAGES.interfaceLanguage("PT_BR")).isEqualTo("pt");
    assertThat(MESSAGES.interfaceLanguage("es-419")).isEqualTo("es");
    assertThat(MESSAGES.interfaceLanguage("sw")).isEqualTo("sw");
    assertThat(MESSAGES.text("pt-br", "button.start")).isEqualTo("Começar");
    assertThat(MESSAGES.text("es-419", "button.start")).isEqualTo("Empezar");
  }

  @Test
  void anUnknownLanguageUsesEnglish() {
    assertThat(MESSAGES.interfaceLanguage("xx")).isEqualTo("en");
    assertThat(MESSAGES.interfaceLanguage("zh-cn")).isEqualTo("en");
    assertThat(MESSAGES.interfaceLanguage(null)).isEqualTo("en");
    assertThat(MESSAGES.interfaceLanguage("")).isEqualTo("en");
    assertThat(MESSAGES.text("xx", "button.start")).isEqualTo("Start");
    assertThat(MESSAGES.text("de", "progress.label", 1, 4)).isEqualTo("Step 1 of 4");
  }

  @Test
  void aKeyMissingInALanguageComesFromEnglish() {
    Messages messages =
        new Messages(
            Map.of(
                "en", Map.of("button.start", "Start", "button.next", "Next"),
                "sw", Map.of("button.start", "Anza", "button.next", " ")));
    assertThat(messages.text("sw", "button.start")).isEqualTo("Anza");
    assertThat(messages.text("sw-KE", "button.next")).isEqualTo("Next");
    assertThat(new Messages(Map.of("en", Map.of("a", "A"), "fr", Map.of())).text("fr", "a"))
        .isEqualTo("A");
  }

  @Test
  void aKeyMissingInEnglishIsAProgrammingError() {
    assertThatThrownBy(() -> MESSAGES.text("fr", "no.such.key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no.such.key");
  }

  private static Set<String> arguments(String pattern) {
    Set<String> arguments = new TreeSet<>();
    Matcher matcher = ARGUMENT.matcher(pattern);
    while (matcher.find()) {
      arguments.add(matcher.group(1));
    }
    return arguments;
  }
}
