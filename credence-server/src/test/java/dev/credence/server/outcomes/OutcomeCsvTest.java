package dev.credence.server.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.errors.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class OutcomeCsvTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

  @Test
  void fieldsAreBareOrQuotedWithDoubledQuotes() {
    assertThat(OutcomeCsv.fields("a,b,c")).containsExactly("a", "b", "c");
    assertThat(OutcomeCsv.fields("\"a,1\",\"say \"\"hi\"\"\","))
        .containsExactly("a,1", "say \"hi\"", "");
    assertThat(OutcomeCsv.fields("")).containsExactly("");
    assertThat(OutcomeCsv.fields("\"open,b,c")).isNull();
    assertThat(OutcomeCsv.fields("\"a\"x,b,c")).isNull();
  }

  @Test
  void aByteOrderMarkCrLfAndSpacesAroundValuesAreRead() {
    byte[] file =
        ("\uFEFF UID , Outcome , Date \r\n  CUST-001 , DPD90 , 2026-11-22 \r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    OutcomeCsv.Parsed parsed = OutcomeCsv.parse(file, TODAY);
    assertThat(parsed.refused()).isEmpty();
    assertThat(parsed.rows()).containsExactly(new OutcomeCsv.Row(2, "CUST-001", "dpd90", TODAY));
  }

  @Test
  void lineNumbersCountCommentsAndBlankLines() {
    byte[] file =
        "# note\nuid,outcome,date\n\n# more\nA-001,repaid,2026-13-01\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(OutcomeCsv.parse(file, TODAY).refused())
        .containsExactly(
            new OutcomeCsv.RefusedLine(
                5, "date '2026-13-01' is not a real date written YYYY-MM-DD"));
  }

  @Test
  void tomorrowIsTheFuture() {
    byte[] file = "uid,outcome,date\nA-001,repaid,2026-11-23\n".getBytes(StandardCharsets.UTF_8);
    assertThat(OutcomeCsv.parse(file, TODAY).refused())
        .extracting(OutcomeCsv.RefusedLine::reason)
        .containsExactly("date 2026-11-23 is in the future");
  }

  @Test
  void aNulByteIsNotText() {
    byte[] file = "uid,outcome,date\nA\0,repaid,2026-01-01\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OutcomeCsv.parse(file, TODAY))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID))
        .hasMessageContaining("not a CSV text file");
  }
}
