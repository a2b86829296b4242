package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A fair start to every game, over plain HTTP: the game's instructions and a Ready button come
 * first, nothing of the game is drawn or accepted before Ready, and Ready counts once. Also what a
 * page's script is told (JSON, never a redirect) and how far its own timing is believed.
 */
abstract class GameIntroContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Messages MESSAGES = Messages.load();

  /** The games only, the balloons first. */
  private static final String GAMES =
      "{\"assessment\": {\"modules\": ["
          + "{\"type\": \"balloons\", \"balloons\": 2},"
          + "{\"type\": \"choices\", \"set\": [[10, 20, 30], [5, 50, 7]]},"
          + "{\"type\": \"memory_span\", \"start_length\": 3, \"max_length\": 4}]}}";

  private record Started(String uid, Applicant applicant, String token) {}

  private Started newSession() {
    String uid = "INT-" + String.format("%06d", UIDS.incrementAndGet());
    Applicant applicant = Applicant.consented(server, GAMES, uid);
    return new Started(uid, applicant, applicant.token());
  }

  @Test
  void aGameShowsItsInstructionsAndNothingOfTheGameBeforeReady() {
    Started s = newSession();
    String intro = s.applicant().page().body();
    assertThat(intro)
        .contains("<h1>" + MESSAGES.text("en", "bart.title") + "</h1>")
        .contains(escaped(MESSAGES.text("en", "bart.instructions")))
        .contains("name=\"ready\"")
        .contains(MESSAGES.text("en", "game.ready"))
        .doesNotContain("name=\"balloon\"")
        .doesNotContain("value=\"pump\"");
    assertThat(count("balloons", s.uid())).as("no burst point drawn yet").isZero();
    assertThat(s.applicant().page().body()).as("a reload shows it again").isEqualTo(intro);

    // A pump before Ready is not the step on screen: a form is answered with the link, a script
    // with 409, and nothing changes.
    String[] pump = {"balloon", "1", "pumps", "0", "action", "pump"};
    Applicant.assertRedirectsToLink(s.applicant().post("balloons", pump), s.token());
    HttpResponse<String> script = s.applicant().postAsScript("balloons", pump);
    assertThat(script.statusCode()).isEqualTo(409);
    assertThat(json(script).get("code").asText()).isEqualTo(StepContext.NOT_CURRENT);
    assertThat(s.applicant().page().body()).isEqualTo(intro);
    assertThat(count("balloons", s.uid())).isZero();
    assertThat(count("module_starts", s.uid())).isZero();
  }

  @Test
  void readyCountsOnceAndOnlyForTheGameOnScreen() {
    Started s = newSession();
    HttpResponse<String> early = s.applicant().postAsScript("choices", "ready", "1");
    assertThat(early.statusCode()).as("Ready on a game not reached").isEqualTo(409);
    assertThat(json(early).get("code").asText()).isEqualTo(StepContext.NOT_CURRENT);
    Applicant.assertRedirectsToLink(s.applicant().post("memory", "ready", "1"), s.token());
    assertThat(count("module_starts", s.uid())).isZero();

    s.applicant().ready("balloons");
    String game = s.applicant().page().body();
    assertThat(game).contains("name=\"balloon\" value=\"1\"").doesNotContain("name=\"ready\"");
    assertThat(count("module_starts", s.uid())).isEqualTo(1);

    // Pressed again (a double tap, a re-sent post): the game on screen stays as it was.
    Applicant.assertRedirectsToLink(s.applicant().post("balloons", "ready", "1"), s.token());
    HttpResponse<String> again = s.applicant().postAsScript("balloons", "ready", "1");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(s.applicant().page().body()).isEqualTo(game);
    assertThat(game).doesNotContain("role=\"alert\"");
    assertThat(count("module_starts", s.uid())).isEqualTo(1);
  }

  @Test
  void aScriptIsAnsweredInJsonNeverWithARedirect() {
    Started s = newSession();
    HttpResponse<String> ready = s.applicant().postAsScript("balloons", "ready", "1");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.headers().firstValue("Location")).isEmpty();
    assertThat(ready.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(json(ready).isObject()).isTrue();
    assertThat(s.applicant().page().body()).contains("name=\"balloon\" value=\"1\"");
  }

  /**
   * A choice's time is what its page's script measured when it sends one ({@code ms}), but never
   * more than the server's own time since it rendered the step; without it, the server's time.
   */
  @Test
  void aScriptsTimingIsBelievedUpToTheServersOwn() {
    Started s = newSession();
    finishBalloons(s);
    s.applicant().ready("choices");

    assertThat(s.applicant().page().body()).contains("name=\"index\" value=\"1\"");
    server.clock().advance(Duration.ofSeconds(5));
    Applicant.assertRedirectsToLink(
        s.applicant().post("choices", "index", "1", "choice", "later", "ms", "2300"), s.token());
    assertThat(elapsed(s.uid(), "1")).as("the script's own measure").isEqualTo(2300);

    assertThat(s.applicant().page().body()).contains("name=\"index\" value=\"2\"");
    server.clock().advance(Duration.ofSeconds(4));
    HttpResponse<String> longer =
        s.applicant().postAsScript("choices", "index", "2", "choice", "today", "ms", "999999");
    assertThat(longer.statusCode()).as(longer.body()).isEqualTo(200);
    assertThat(elapsed(s.uid(), "2")).as("no longer than the server's 4 s").isEqualTo(4000);
  }

  @Test
  void aMeasureThatIsNotWholeMillisecondsIsIgnored() {
    Started s = newSession();
    finishBalloons(s);
    s.applicant().ready("choices");
    s.applicant().page();
    server.clock().advance(Duration.ofMillis(3500));
    Applicant.assertRedirectsToLink(
        s.applicant().post("choices", "index", "1", "choice", "later", "ms", "1e3"), s.token());
    assertThat(elapsed(s.uid(), "1")).as("the server's own time").isEqualTo(3500);
    s.applicant().page();
    server.clock().advance(Duration.ofMillis(1200));
    Applicant.assertRedirectsToLink(
        s.applicant().post("choices", "index", "2", "choice", "later", "ms", "-5"), s.token());
    assertThat(elapsed(s.uid(), "2")).isEqualTo(1200);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Ready, then both balloons collected at once: the choices come next. */
  private static void finishBalloons(Started s) {
    s.applicant().ready("balloons");
    for (int balloon = 1; balloon <= 2; balloon++) {
      s.applicant().page();
      Applicant.assertRedirectsToLink(
          s.applicant()
              .post(
                  "balloons",
                  "balloon",
                  String.valueOf(balloon),
                  "pumps",
                  "0",
                  "action",
                  "collect"),
          s.token());
    }
  }

  private static String escaped(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private int count(String table, String uid) {
    return query(
        "SELECT COUNT(*) FROM "
            + table
            + " t JOIN sessions s ON s.id = t.session_id WHERE s.uid = ?",
        uid);
  }

  private int elapsed(String uid, String item) {
    return query(
        "SELECT a.elapsed_ms FROM answers a JOIN sessions s ON s.id = a.session_id"
            + " WHERE s.uid = ? AND a.module = 'choices' AND a.item = '"
            + item
            + "'",
        uid);
  }

  private int query(String sql, String uid) {
    return server.database(h -> h.createQuery(sql).bind(0, uid).mapTo(Integer.class).one());
  }
}
