package dev.credence.server.assessment;

import java.util.List;

/**
 * What every assessment page shows besides its step: the language and its switcher, the lender (its
 * name in the title and the header, its logo), the brand, the progress bar, and the refusal of the
 * last answer if there was one.
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
    String error) {

  public record LanguageOption(String id, String name, boolean selected) {}

  /** An interface text in the page's language. */
  public String t(String key, Object... args) {
    return messages.text(language, key, args);
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

  public boolean hasError() {
    return error != null;
  }
}
