package dev.credence.server.assessment.balloons;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The balloon game's script result over HTTP, on each database: a balloon played on the device is
 * one post ({@code balloon, pumps, action=collect|burst, to, ms}) that the server checks against
 * its own burst point. An impossible result is refused with 422 {@code impossible_balloon} and
 * changes nothing, the right one is applied once, and a repeated or stale one is a 409. The page
 * carries a commitment to each balloon's burst point, never the burst point.
 */
abstract class BalloonResultContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Pattern COMMITMENTS = Pattern.compile("data-commitments=\"([^\"]*)\"");

  /** Three balloons of at most 40 pumps, then a questionnaire-free end. */
  private static final String GAME =
      "{\"assessment\": {\"modules\": ["
          + "{\"type\": \"balloons\", \"balloons\": 3, \"max_pumps\": 40}]}}";

  private record Started(String uid, Applicant applicant) {}

  @Test
  void theGameShowsACommitmentToEveryBalloonAndNeverItsBurstPoint() {
    Started s = startedGame();
    String page = s.applicant().page().body();
    List<String[]> commitments = commitments(page);
    assertThat(commitments).as("one a balloon, from the one on screen").hasSize(3);
    for (int balloon = 1; balloon <= 3; balloon++) {
      int burstPoint = row(s.uid(), balloon, "burst_point");
      String salt = commitments.get(balloon - 1)[0];
      String hash = commitments.get(balloon - 1)[1];
      assertThat(salt).matches("[0-9a-f]{32}");
      List<Integer> matching = new ArrayList<>();
      for (int k = 0; k <= 41; k++) {
        if (sha256(salt + ":" + k).equals(hash)) {
          matching.add(k);
        }
      }
      assertThat(matching)
          .as("balloon %d bursts at its own burst point only", balloon)
          .containsExactly(burstPoint);
    }
    assertThat(commitments.stream().map(c -> c[0]).distinct()).as("a salt a balloon").hasSize(3);
    assertThat(page).doesNotContain("burst_point").doesNotContain("data-burst");
    assertThat(s.applicant().page().body())
        .as("the same state, the same page: a reload learns nothing new")
        .isEqualTo(page);

    // After the first balloon, the page carries the ones left, with the same salts.
    setBurstPoint(s.uid(), 1, 30);
    assertThat(script(s, "balloon", "1", "pumps", "0", "action", "collect", "to", "5"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(200);
    List<String[]> left = commitments(s.applicant().page().body());
    assertThat(left).hasSize(2);
    assertThat(left.get(0)).isEqualTo(commitments.get(1));
    assertThat(left.get(1)).isEqualTo(commitments.get(2));
  }

  @Test
  void everyImpossibleResultIsRefusedAndChangesNothing() {
    Started s = startedGame();
    setBurstPoint(s.uid(), 1, 10);
    String before = s.applicant().page().body();
    List<String[]> impossible =
        List.of(
            new String[] {"action", "burst", "to", "9"},
            new String[] {"action", "burst", "to", "11"},
            new String[] {"action", "collect", "to", "10"},
            new String[] {"action", "collect", "to", "12"},
            new String[] {"action", "collect", "to", "41"},
            new String[] {"action", "burst", "to", "-1"});
    for (String[] result : impossible) {
      HttpResponse<String> refused = script(s, withBalloon("1", "0", result));
      assertThat(refused.statusCode()).as(String.join(" ", result)).isEqualTo(422);
      assertThat(json(refused).get("code").asText()).isEqualTo("impossible_balloon");
      assertThat(json(refused).get("detail").asText()).isNotBlank();
    }
    assertThat(script(s, "balloon", "1", "pumps", "0", "action", "pump", "to", "3"))
        .as("a pump is a form's, never a result")
        .satisfies(r -> assertThat(json(r).get("code").asText()).isEqualTo("invalid_action"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(422);
    assertThat(script(s, "balloon", "1", "pumps", "0", "action", "collect", "to", "three"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(422);
    assertThat(row(s.uid(), 1, "pumps")).isZero();
    assertThat(outcome(s.uid(), 1)).isNull();
    assertThat(s.applicant().page().body()).as("nothing changed").isEqualTo(before);

    // A form's pump, then a result that ends below the count the server has: impossible.
    Applicant.assertRedirectsToLink(
        s.applicant().post("balloons", "balloon", "1", "pumps", "0", "action", "pump"), token(s));
    HttpResponse<String> below =
        script(s, "balloon", "1", "pumps", "1", "action", "collect", "to", "0");
    assertThat(below.statusCode()).isEqualTo(422);
    assertThat(json(below).get("code").asText()).isEqualTo("impossible_balloon");
    assertThat(row(s.uid(), 1, "pumps")).isEqualTo(1);
    assertThat(outcome(s.uid(), 1)).isNull();
  }

  @Test
  void theRightResultIsAppliedOnceAndAStaleOneIsAConflict() {
    Started s = startedGame();
    setBurstPoint(s.uid(), 1, 10);
    setBurstPoint(s.uid(), 2, 4);
    setBurstPoint(s.uid(), 3, 40);

    // Balloon 2 is not the balloon to play yet.
    assertThat(script(s, "balloon", "2", "pumps", "0", "action", "burst", "to", "4"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(409);
    assertThat(outcome(s.uid(), 2)).isNull();

    String[] collect = {"balloon", "1", "pumps", "0", "action", "collect", "to", "9", "ms", "4200"};
    HttpResponse<String> applied = script(s, collect);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    assertThat(applied.body()).isEqualTo("{}");
    assertThat(row(s.uid(), 1, "pumps")).isEqualTo(9);
    assertThat(outcome(s.uid(), 1)).isEqualTo("COLLECTED");
    HttpResponse<String> again = script(s, collect);
    assertThat(again.statusCode()).as("sent twice, applied once").isEqualTo(409);
    assertThat(json(again).get("code").asText()).isEqualTo("step_not_current");
    assertThat(row(s.uid(), 1, "pumps")).isEqualTo(9);
    String page = s.applicant().page().body();
    assertThat(page)
        .contains("name=\"balloon\" value=\"2\"")
        .contains(Applicant.interfaceText("en", "bart.total", 9))
        .contains(Applicant.interfaceText("en", "bart.collected", 9));

    // Balloon 2: one pump by the form, then the device plays on from the server's count.
    Applicant.assertRedirectsToLink(
        s.applicant().post("balloons", "balloon", "2", "pumps", "0", "action", "pump"), token(s));
    assertThat(script(s, "balloon", "2", "pumps", "0", "action", "burst", "to", "4"))
        .as("counted on pumps the balloon no longer has")
        .extracting(HttpResponse::statusCode)
        .isEqualTo(409);
    assertThat(script(s, "balloon", "2", "pumps", "1", "action", "burst", "to", "4"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(200);
    assertThat(row(s.uid(), 2, "pumps")).isEqualTo(4);
    assertThat(outcome(s.uid(), 2)).isEqualTo("BURST");

    // Balloon 3 bursts only at the last pump a balloon can take: a collect just before it stands.
    assertThat(script(s, "balloon", "3", "pumps", "0", "action", "collect", "to", "39"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(200);
    assertThat(outcome(s.uid(), 3)).isEqualTo("COLLECTED");
    assertThat(script(s, "balloon", "3", "pumps", "39", "action", "burst", "to", "40"))
        .as("the game is over")
        .extracting(HttpResponse::statusCode)
        .isEqualTo(409);
    assertThat(s.applicant().page().body()).doesNotContain("name=\"balloon\"");
  }

  @Test
  void aResultBeforeReadyIsAConflict() {
    Started s = newSession();
    HttpResponse<String> early =
        script(s, "balloon", "1", "pumps", "0", "action", "collect", "to", "1");
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(json(early).get("code").asText()).isEqualTo("step_not_current");
    assertThat(count(s.uid())).as("no balloon drawn before Ready").isZero();
  }

  @Test
  void theWholeGameIsDrawnWhenItIsFirstShown() {
    Started s = startedGame();
    assertThat(count(s.uid())).isEqualTo(3);
    for (int balloon = 1; balloon <= 3; balloon++) {
      assertThat(row(s.uid(), balloon, "burst_point")).isBetween(1, 40);
      assertThat(row(s.uid(), balloon, "pumps")).isZero();
    }
    int first = row(s.uid(), 1, "burst_point");
    s.applicant().page();
    assertThat(count(s.uid())).as("a second render draws nothing").isEqualTo(3);
    assertThat(row(s.uid(), 1, "burst_point")).isEqualTo(first);
  }

  @Test
  void twoRendersAtOnceDrawTheGameOnce() throws Exception {
    Started s = newSession();
    s.applicant().ready("balloons");
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> pages = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        pages.add(
            two.submit(
                () -> {
                  start.await();
                  return s.applicant().page().body();
                }));
      }
      start.countDown();
      String first = pages.get(0).get();
      String second = pages.get(1).get();
      assertThat(count(s.uid())).isEqualTo(3);
      assertThat(commitments(first).stream().map(c -> c[0] + ":" + c[1]).toList())
          .as("both pages commit to the burst points that were stored")
          .hasSize(3)
          .isEqualTo(commitments(second).stream().map(c -> c[0] + ":" + c[1]).toList());
      String[] firstBalloon = commitments(first).get(0);
      assertThat(sha256(firstBalloon[0] + ":" + row(s.uid(), 1, "burst_point")))
          .isEqualTo(firstBalloon[1]);
    } finally {
      two.shutdownNow();
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Started newSession() {
    String uid = "BLN-" + String.format("%06d", UIDS.incrementAndGet());
    return new Started(uid, Applicant.consented(server, GAME, uid));
  }

  /** A session whose balloon game has started (Ready pressed, the game shown once). */
  private Started startedGame() {
    Started s = newSession();
    s.applicant().ready("balloons");
    assertThat(s.applicant().page().body()).contains("name=\"balloon\" value=\"1\"");
    return s;
  }

  private static String token(Started s) {
    String form = s.applicant().page().body();
    Matcher m = Pattern.compile("action=\"/([^/\"]+)/balloons\"").matcher(form);
    assertThat(m.find()).as(form).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> script(Started s, String... fields) {
    return s.applicant().postAsScript("balloons", fields);
  }

  private static String[] withBalloon(String balloon, String pumps, String[] rest) {
    List<String> fields = new ArrayList<>(List.of("balloon", balloon, "pumps", pumps));
    fields.addAll(List.of(rest));
    return fields.toArray(String[]::new);
  }

  private static List<String[]> commitments(String page) {
    Matcher m = COMMITMENTS.matcher(page);
    assertThat(m.find()).as(page).isTrue();
    List<String[]> pairs = new ArrayList<>();
    for (String pair : m.group(1).split(" ")) {
      pairs.add(pair.split(":"));
    }
    return pairs;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void setBurstPoint(String uid, int balloon, int burstPoint) {
    Applicant.setBurstPoint(server, uid, balloon, burstPoint);
  }

  private int row(String uid, int balloon, String column) {
    return query("SELECT b." + column + select(balloon), uid, Integer.class);
  }

  private String outcome(String uid, int balloon) {
    return server.database(
        h ->
            h.createQuery("SELECT b.outcome" + select(balloon))
                .bind(0, uid)
                .mapTo(String.class)
                .findOne()
                .orElse(null));
  }

  private int count(String uid) {
    return query(
        "SELECT COUNT(*) FROM balloons b JOIN sessions s ON s.id = b.session_id WHERE s.uid = ?",
        uid,
        Integer.class);
  }

  private static String select(int balloon) {
    return " FROM balloons b JOIN sessions s ON s.id = b.session_id"
        + " WHERE s.uid = ? AND b.balloon = "
        + balloon;
  }

  private <T> T query(String sql, String uid, Class<T> type) {
    return server.database(h -> h.createQuery(sql).bind(0, uid).mapTo(type).one());
  }
}
