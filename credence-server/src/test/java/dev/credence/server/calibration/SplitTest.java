package dev.credence.server.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.calibration.Split.Side;
import org.junit.jupiter.api.Test;

/** The uid-hash split of {@link Split}. */
class SplitTest {

  @Test
  void bucketsMatchTheDocumentedRule() {
    // From the rule as written in Python:
    // int.from_bytes(hashlib.sha256(uid.encode("utf-8")).digest()[:8], "big") % 100
    // "applicant-1": 5042994336617283713 % 100 = 13
    // "550e8400-e29b-41d4-a716-446655440000": 11793205509806541490 % 100 = 90; the first 8
    // bytes are above 2^63, so a signed reading would give another bucket
    // "a": 14598278634844962250 % 100 = 50
    assertThat(Split.bucketOf("applicant-1")).isEqualTo(13);
    assertThat(Split.sideOf("applicant-1")).isEqualTo(Side.FIT);
    assertThat(Split.bucketOf("550e8400-e29b-41d4-a716-446655440000")).isEqualTo(90);
    assertThat(Split.sideOf("550e8400-e29b-41d4-a716-446655440000")).isEqualTo(Side.HELD_OUT);
    assertThat(Split.bucketOf("a")).isEqualTo(50);
  }

  @Test
  void theSameUidAlwaysFallsOnTheSameSide() {
    for (int i = 0; i < 1_000; i++) {
      String uid = "uid-" + i;
      Side first = Split.sideOf(uid);
      assertThat(Split.sideOf(new String(uid.toCharArray()))).isEqualTo(first);
    }
  }

  @Test
  void aboutSeventyPercentAreFitted() {
    // binomial(10,000, 0.7): standard deviation sqrt(10,000 * 0.7 * 0.3) = 46, so 6,800 .. 7,200
    // is more than four of them either side
    int fit = 0;
    for (int i = 0; i < 10_000; i++) {
      if (Split.sideOf("uid-" + i) == Side.FIT) {
        fit++;
      }
    }
    assertThat(fit).isBetween(6_800, 7_200);
  }

  @Test
  void aMissingUidIsRefused() {
    assertThatThrownBy(() -> Split.sideOf(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a uid is needed to split on");
  }
}
