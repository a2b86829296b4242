package dev.credence.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {
  private static final String SHAPE = "[0-9a-f]{24}";

  @Test
  void randomIdsHaveTheVendorsShapeAndDoNotRepeat() {
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newId();
      assertThat(id).matches(SHAPE);
      assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
    }
  }

  @Test
  void orderedIdsStartWithTheSecondTheyWereMade() {
    Instant made = Instant.parse("2026-12-07T10:15:30.999Z");
    String id = Ids.newOrderedId(made);
    assertThat(id).matches(SHAPE);
    assertThat(Long.parseLong(id.substring(0, 8), 16)).isEqualTo(made.getEpochSecond());
  }

  @Test
  void orderedIdsSortByTimeAndKeepSixtyFourRandomBits() {
    Instant start = Instant.parse("2026-12-07T10:15:30Z");
    List<String> ids = new ArrayList<>();
    HashSet<String> tails = new HashSet<>();
    for (int second = 0; second < 100; second++) {
      for (int i = 0; i < 100; i++) {
        String id = Ids.newOrderedId(start.plusSeconds(second));
        ids.add(id);
        assertThat(tails.add(id.substring(8))).as("repeated random part in %s", id).isTrue();
      }
    }
    for (int i = 100; i < ids.size(); i += 100) {
      assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
    }
  }
}
