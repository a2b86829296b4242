package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.store.Timestamps;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The memory game over plain HTTP: after Ready, one practice round (round 0) at the start length,
 * checked and never counted, then Begin draws round 1; the same through a script, each reply
 * bringing the outcome and the next round drawn at that moment.
 */
abstract class MemoryGameContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Messages MESSAGES = Messages.load();

  /** The memory game alone, from 3 digits to 4. */
  private static final String MEMORY =
      "{\"assessment\": {\"modules\": ["
          + "{\"type\": \"memory_span\", \"start_length\": 3, \"max_length\": 4}]}}";

  private record Started(String uid, Applicant applicant, String token) {}

  private record Round(
      int round,
      String digits,
      String answer,
      Boolean correct,
      Instant shownAt,
      Instant answeredAt) {}

  private Started newSession() {
    String uid = "MEM-" + String.format("%06d", UIDS.incrementAndGet());
    Applicant applicant = Applicant.consented(server, MEMORY, uid);
    return new Started(uid, applicant, applicant.token());
  }

  @Test
  void thePracticeRoundComesFirstThenBeginOverForms() {
    Started s = newSession();
    Applicant applicant = s.applicant();
    String intro = applicant.page().body();
    assertThat(intro)
        .contains(MESSAGES.text("en", "mem.practice"))
        .doesNotContain("class=\"digits\"");
    assertThat(rounds(s.uid())).as("no digit drawn before Ready").isEmpty();

    applicant.ready("memory");
    HttpResponse<String> shown = applicant.page();
    assertThat(stage(shown.body()))
        .contains(MESSAGES.text("en", "mem.practice_round"))
        .contains("class=\"digits\"")
        .doesNotContain(MESSAGES.text("en", "mem.instructions"));
    assertThat(shown.headers().firstValue("Refresh")).hasValue("4");
    assertThat(shown.headers().firstValue("Content-Security-Policy"))
        .as("memory.js may send its answers to this server, and nowhere else")
        .hasValueSatisfying(csp -> assertThat(csp).contains("connect-src 'self'"));
    Round practice = rounds(s.uid()).get(0);
    assertThat(practice.round()).isZero();
    assertThat(practice.digits()).hasSize(3);
    assertThat(shown.body()).contains(">" + practice.digits() + "<");

    server.clock().advance(Duration.ofSeconds(5));
    assertThat(applicant.page().body())
        .contains("name=\"round\" value=\"0\"")
        .contains("name=\"answer\"")
        .doesNotContain(practice.digits() + "<");
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "0", "answer", practice.digits()), s.token());

    String done = applicant.page().body();
    assertThat(stage(done))
        .contains(MESSAGES.text("en", "mem.correct"))
        .contains(MESSAGES.text("en", "mem.practice_done"))
        .contains("name=\"begin\"")
        .doesNotContain("class=\"digits\"")
        .doesNotContain("role=\"alert\"");
    assertThat(rounds(s.uid())).as("round 1 waits for Begin").hasSize(1);

    // The practice answer again (a re-sent post, a wrong one): nothing changes.
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "0", "answer", "0"), s.token());
    HttpResponse<String> script = applicant.postAsScript("memory", "round", "0", "answer", "0");
    assertThat(script.statusCode()).isEqualTo(409);
    assertThat(json(script).get("code").asText()).isEqualTo(StepContext.NOT_CURRENT);
    assertThat(applicant.page().body()).isEqualTo(done);
    assertThat(rounds(s.uid())).hasSize(1);
    assertThat(rounds(s.uid()).get(0).answer()).isEqualTo(practice.digits());
    assertThat(rounds(s.uid()).get(0).correct()).isTrue();

    applicant.beginMemory();
    String first = applicant.page().body();
    assertThat(stage(first))
        .contains(MESSAGES.text("en", "mem.round", 1))
        .contains("class=\"digits\"")
        .as("the practice outcome was said before Begin")
        .doesNotContain("class=\"outcome\"");
    List<Round> rounds = rounds(s.uid());
    assertThat(rounds).extracting(Round::round).containsExactly(0, 1);
    assertThat(rounds.get(1).digits()).as("the start length, whatever the practice").hasSize(3);

    // Begin again: nothing changes.
    Applicant.assertRedirectsToLink(applicant.post("memory", "begin", "1"), s.token());
    assertThat(applicant.postAsScript("memory", "begin", "1").statusCode()).isEqualTo(409);
    assertThat(applicant.page().body()).isEqualTo(first);
    assertThat(rounds(s.uid())).isEqualTo(rounds);
  }

  @Test
  void aScriptIsToldEachRoundAsTheServerDrawsIt() {
    Started s = newSession();
    Applicant applicant = s.applicant();

    JsonNode practice = reply(applicant.postAsScript("memory", "ready", "1"));
    assertThat(practice.get("round").asInt()).isZero();
    assertThat(practice.get("practice").asBoolean()).isTrue();
    assertThat(practice.get("showMs").asLong()).isEqualTo(4000);
    assertThat(practice.has("correct")).as("nothing answered yet").isFalse();
    assertThat(practice.get("digits").asText()).isEqualTo(rounds(s.uid()).get(0).digits());

    JsonNode begin =
        reply(applicant.postAsScript("memory", "round", "0", "answer", "0", "ms", "900"));
    assertThat(begin.get("correct").asBoolean()).isFalse();
    assertThat(begin.get("begin").asBoolean()).isTrue();
    assertThat(begin.has("digits")).as("nothing drawn before Begin").isFalse();
    assertThat(rounds(s.uid())).hasSize(1);

    JsonNode first = reply(applicant.postAsScript("memory", "begin", "1"));
    assertThat(first.get("round").asInt()).isEqualTo(1);
    assertThat(first.get("practice").asBoolean()).isFalse();
    assertThat(first.has("correct")).isFalse();
    Round one = rounds(s.uid()).get(1);
    assertThat(first.get("digits").asText()).isEqualTo(one.digits()).hasSize(3);
    assertThat(first.get("showMs").asLong()).isEqualTo(4000);

    // Answered a minute later by the server's clock (the phone was offline), 1.5 s after the
    // answer field appeared by the script's: the answer's time is the script's.
    server.clock().advance(Duration.ofMinutes(1));
    JsonNode second =
        reply(applicant.postAsScript("memory", "round", "1", "answer", one.digits(), "ms", "1500"));
    assertThat(second.get("correct").asBoolean()).isTrue();
    assertThat(second.get("round").asInt()).isEqualTo(2);
    Round two = rounds(s.uid()).get(2);
    assertThat(second.get("digits").asText()).isEqualTo(two.digits()).hasSize(4);
    assertThat(second.get("showMs").asLong()).isEqualTo(5000);
    assertThat(Duration.between(one.shownAt(), rounds(s.uid()).get(1).answeredAt()))
        .isEqualTo(Duration.ofMillis(5500));

    // The longest sequence typed back: the game is over and the module no longer on screen.
    HttpResponse<String> last =
        applicant.postAsScript("memory", "round", "2", "answer", two.digits(), "ms", "99999999");
    assertThat(json(last).size()).as(last.body()).isZero();
    assertThat(rounds(s.uid()).get(2).answeredAt())
        .as("never later than the post's arrival")
        .isEqualTo(server.clock().instant());
    assertThat(rounds(s.uid())).extracting(Round::correct).containsExactly(false, true, true);
  }

  /**
   * The step on screen: the page without the templates memory.js shows its screens from (they hold
   * every text of the game).
   */
  private static String stage(String page) {
    int start = page.indexOf("<div id=\"memory-stage\">");
    int end = page.indexOf("<template id=\"memory-screens\"");
    assertThat(start).as(page).isNotNegative();
    assertThat(end).as(page).isGreaterThan(start);
    return page.substring(start, end);
  }

  private static JsonNode reply(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private List<Round> rounds(String uid) {
    return server.database(
        h ->
            h.createQuery(
                    "SELECT m.* FROM memory_rounds m JOIN sessions s ON s.id = m.session_id"
                        + " WHERE s.uid = ? ORDER BY m.round_no")
                .bind(0, uid)
                .map(
                    (rs, ctx) ->
                        new Round(
                            rs.getInt("round_no"),
                            rs.getString("digits"),
                            rs.getString("answer"),
                            rs.getObject("correct", Boolean.class),
                            Timestamps.instant(rs, "shown_at"),
                            Timestamps.instant(rs, "answered_at")))
                .list());
  }
}
