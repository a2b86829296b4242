package dev.credence.server.scoring;

/**
 * What the scoring needs of an assessment's settings before any answer: the questionnaire's form
 * (its name in results and its number of items, null without a questionnaire) and the balloon
 * game's most pumps (the default's when there is no game).
 */
public record Design(String form, Integer formItems, int maxPumps) {

  /** The form's item count for the default norms: the full form's when there is none. */
  public int normsFormItems() {
    return formItems == null ? 120 : formItems;
  }

  /** Filled by each module of the assessment. */
  public static final class Builder {
    private String form;
    private Integer formItems;
    private int maxPumps = Norms.DEFAULT_MAX_PUMPS;

    public Builder form(String form, int items) {
      this.form = form;
      this.formItems = items;
      return this;
    }

    public Builder maxPumps(int maxPumps) {
      this.maxPumps = maxPumps;
      return this;
    }

    public Design build() {
      return new Design(form, formItems, maxPumps);
    }
  }
}
