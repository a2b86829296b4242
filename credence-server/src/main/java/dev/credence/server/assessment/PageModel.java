package dev.credence.server.assessment;

import java.util.List;

/**
 * What every assessment page shows besides its step: the language and its switcher, the lender (its
 * name in the title and the header, its logo), the brand, the progress bar, and the refusal of the
 * last answer if there was one; and, on a game's pages, the game's script ({@code
 * /assets/{script}.js}, with the shared {@code journey.js}), which plays it without page loads
 * where the browser runs scripts.
 */
public record PageModel(
    String token,
    String language,
    List<LanguageOption> languages,
    Messages messages,
    String nonce,
    String brandColor,
    String logoUrl,
    String lender,
    int percent,
    int module,
    int modules,
    String errorKey,
    String script) {

  public record LanguageOption(String id, String name, boolean selected) {}

  /** An interface text in the page's language. */
  public String t(String key, Object... args) {
    return messages.text(language, key, args);
  }

  /**
   * The language the interface is actually shown in: the session's, or the one it falls back to
   * where the interface has no text in it ("ar" is shown in English). The page is marked with it.
   */
  public String interfaceLanguage() {
    return messages.interfaceLanguage(language);
  }

  /** The interface's writing direction, {@code rtl} or {@code ltr}. */
  public String direction() {
    return Languages.direction(interfaceLanguage());
  }

  /**
   * The {@code lang} of text written in {@code textLanguage} (such as the statements) when it is
   * not the interface's, else null so that the attribute is left out; its direction likewise.
   */
  public String langOf(String textLanguage) {
    return textLanguage.equals(interfaceLanguage()) ? null : textLanguage;
  }

  public String dirOf(String textLanguage) {
    String direction = Languages.direction(textLanguage);
    return direction.equals(direction()) ? null : direction;
  }

  public String action(String path) {
    return "/" + token + "/" + path;
  }

  /** From the first module on; consent and the end pages have no progress bar. */
  public boolean hasProgress() {
    return module > 0 && modules > 0;
  }

  /** Null where no lender is known: a link that matches no session, or the database down. */
  public boolean hasLender() {
    return lender != null && !lender.isBlank();
  }

  /**
   * A refused form (consent, language) is said in the page's language: {@code errorKey} names the
   * message, never the refusal's English detail.
   */
  public boolean hasError() {
    return errorKey != null;
  }
}
