package dev.credence.server.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A module's own measures: checked on the sheet, added after the traits to the features. */
class MeasuresTest {
  @Test
  void measuresFollowTheTraitsInTheOrderTheyWereAdded() {
    AnswerSheet sheet =
        new AnswerSheet.Builder()
            .measure("reaction.median_ms", 412)
            .measure("reaction.misses", 2)
            .build(1, 1);
    TraitScorer.Traits traits = TraitScorer.score(sheet);

    var features = TraitScorer.features(traits, sheet);

    assertThat(features).containsAllEntriesOf(traits.toMap());
    assertThat(List.copyOf(features.keySet())).endsWith("reaction.median_ms", "reaction.misses");
    assertThat(features.get("reaction.median_ms")).isEqualTo(412.0);
  }

  @Test
  void aSheetWithoutMeasuresHasExactlyTheTraitsAsFeatures() {
    AnswerSheet sheet = new AnswerSheet.Builder().build(1, 1);
    TraitScorer.Traits traits = TraitScorer.score(sheet);

    assertThat(TraitScorer.features(traits, sheet)).isEqualTo(traits.toMap());
  }

  @Test
  void aMeasureIsKeyedByItsModuleGivenOnceAndFinite() {
    assertThatThrownBy(() -> new AnswerSheet.Builder().measure("median", 1).build(1, 1))
        .hasMessageContaining("<module type>.<name>");
    assertThatThrownBy(() -> new AnswerSheet.Builder().measure("Reaction.Median", 1).build(1, 1))
        .hasMessageContaining("<module type>.<name>");
    assertThatThrownBy(() -> new AnswerSheet.Builder().measure("a.b", 1).measure("a.b", 2))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> new AnswerSheet.Builder().measure("a.b", Double.NaN).build(1, 1))
        .hasMessageContaining("finite");
  }

  @Test
  void aMeasureMayNotTakeATraitsKey() {
    AnswerSheet sheet =
        new AnswerSheet.Builder().measure(TraitScorer.ADJUSTED_PUMPS, 3).build(1, 1);
    TraitScorer.Traits traits =
        TraitScorer.score(
            new AnswerSheet.Builder()
                .balloons(List.of(new AnswerSheet.Balloon(1, 10, 5, "COLLECTED")))
                .build(1, 1));

    assertThatThrownBy(() -> TraitScorer.features(traits, sheet))
        .hasMessageContaining("takes a trait's key");
  }
}
