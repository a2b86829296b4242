package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clean data over plain HTTP, as a browser without JavaScript sends it: a double tap or a re-sent
 * post changes nothing and shows no error (the form is answered with the link), and a refused
 * questionnaire page comes back through a redirect with its answers still ticked, naming what is
 * missing, in the applicant's language only.
 */
abstract class CleanDataContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final Messages MESSAGES = Messages.load();
  private static final Pattern POINTS = Pattern.compile("name=\"pumps\" value=\"(\\d+)\"");

  /** The games only: no questionnaire to answer before them. */
  private static final String GAMES =
      "{\"assessment\": {\"modules\": ["
          + "{\"type\": \"balloons\", \"balloons\": 2},"
          + "{\"type\": \"choices\", \"set\": [[10, 20, 30], [5, 50, 7]]},"
          + "{\"type\": \"memory_span\", \"start_length\": 3, \"max_length\": 4}]}}";

  private record Started(String uid, Applicant applicant, String token) {}

  private Started newSession(String settings) {
    String uid = "CLN-" + String.format("%06d", UIDS.incrementAndGet());
    Applicant applicant = Applicant.consented(server, settings, uid);
    return new Started(uid, applicant, applicant.token());
  }

  @Test
  void twoIdenticalPumpPostsCountOnePump() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    applicant.ready("balloons");
    assertThat(applicant.page().body()).contains("name=\"pumps\" value=\"0\"");
    String[] pump = {"balloon", "1", "pumps", "0", "action", "pump"};
    Applicant.assertRedirectsToLink(applicant.post("balloons", pump), s.token());
    String once = applicant.page().body();
    Applicant.assertRedirectsToLink(applicant.post("balloons", pump), s.token());
    String twice = applicant.page().body();
    assertThat(twice).as("the same post again changes nothing").isEqualTo(once);
    assertThat(twice).doesNotContain("role=\"alert\"");
    HttpResponse<String> script = applicant.postAsScript("balloons", pump);
    assertThat(script.statusCode()).isEqualTo(409);
    assertThat(json(script).get("code").asText()).isEqualTo("step_not_current");

    int burstPoint = balloonRow(s.uid(), "burst_point");
    if (burstPoint == 1) {
      // It burst at the first pump (one chance in 64): the repeats did not touch balloon 2.
      assertThat(twice).contains("name=\"balloon\" value=\"2\"");
      assertThat(pumps(twice)).isZero();
      return;
    }
    assertThat(balloonRow(s.uid(), "pumps")).as("one pump stored").isEqualTo(1);
    assertThat(pumps(twice)).isEqualTo(1);
    assertThat(twice).contains(MESSAGES.text("en", "bart.current", 1));

    String[] collect = {"balloon", "1", "pumps", "1", "action", "collect"};
    Applicant.assertRedirectsToLink(applicant.post("balloons", collect), s.token());
    String collected = applicant.page().body();
    assertThat(collected).contains(MESSAGES.text("en", "bart.total", 1));
    Applicant.assertRedirectsToLink(applicant.post("balloons", collect), s.token());
    assertThat(applicant.page().body()).as("collected once").isEqualTo(collected);
    // A pump that counted on a number of pumps the balloon no longer has changes nothing.
    Applicant.assertRedirectsToLink(
        applicant.post("balloons", "balloon", "2", "pumps", "3", "action", "pump"), s.token());
    assertThat(applicant.page().body()).isEqualTo(collected);
  }

  @Test
  void aResentChoiceChangesNothingAndShowsNoError() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    finishBalloons(applicant, s.token());
    applicant.ready("choices");
    assertThat(applicant.page().body()).contains("name=\"index\" value=\"1\"");
    Applicant.assertRedirectsToLink(
        applicant.post("choices", "index", "1", "choice", "later"), s.token());
    String next = applicant.page().body();
    assertThat(next).contains("name=\"index\" value=\"2\"");
    assertThat(next).doesNotContain("name=\"index\" value=\"1\"");
    for (String choice : List.of("later", "today")) {
      HttpResponse<String> again = applicant.post("choices", "index", "1", "choice", choice);
      Applicant.assertRedirectsToLink(again, s.token());
      assertThat(applicant.page().body()).as("re-sent: " + choice).isEqualTo(next);
    }
    assertThat(next).doesNotContain("role=\"alert\"");
    assertThat(storedChoice(s.uid(), "1")).as("the first answer stands").isEqualTo(1);
  }

  /**
   * The choice page carries the choices after the current one as templates of the same form, for
   * its script; without the instructions, which the game's introduction showed.
   */
  @Test
  void aChoicePageCarriesTheLaterChoicesForItsScript() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    finishBalloons(applicant, s.token());
    applicant.ready("choices");
    String first = applicant.page().body();
    assertThat(first)
        .contains(MESSAGES.text("en", "dd.count", 1, 2))
        .doesNotContain(MESSAGES.text("en", "dd.instructions"));
    String template = first.substring(first.indexOf("<template"), first.indexOf("</template>"));
    assertThat(template)
        .contains("class=\"next-choice\" data-index=\"2\"")
        .contains("data-count=\"" + MESSAGES.text("en", "dd.count", 2, 2) + "\"")
        .contains("action=\"/" + s.token() + "/choices\"")
        .contains("name=\"index\" value=\"2\"")
        .contains(MESSAGES.text("en", "dd.today", 5))
        .contains(MESSAGES.text("en", "dd.later", 50, 7));
    assertThat(first.split("<template", -1)).as("one template: choice 2").hasSize(2);
    Applicant.assertRedirectsToLink(
        applicant.post("choices", "index", "1", "choice", "today"), s.token());
    assertThat(applicant.page().body()).as("the last choice").doesNotContain("<template");
  }

  /**
   * A script shows each choice without a page load and sends how long that choice was on screen
   * ({@code ms}): each choice keeps its own time, not the time since the page was shown, which
   * bounds it.
   */
  @Test
  void aChoiceSentByItsScriptKeepsTheTimeItWasOnScreen() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    finishBalloons(applicant, s.token());
    applicant.ready("choices");
    assertThat(applicant.page().body()).contains("name=\"index\" value=\"1\"");
    server.clock().advance(Duration.ofMillis(5000));
    HttpResponse<String> first =
        applicant.postAsScript("choices", "index", "1", "choice", "later", "ms", "4200");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    server.clock().advance(Duration.ofMillis(3000));
    HttpResponse<String> second =
        applicant.postAsScript("choices", "index", "2", "choice", "today", "ms", "2900");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(choiceElapsed(s.uid(), "1")).isEqualTo(4200);
    assertThat(choiceElapsed(s.uid(), "2"))
        .as("its own time, not the 8000 ms since the page was shown")
        .isEqualTo(2900);
    assertThat(storedChoice(s.uid(), "1")).isEqualTo(1);
    assertThat(storedChoice(s.uid(), "2")).isZero();
  }

  /**
   * What a script says it measured is taken only up to the server's own time since it showed the
   * page; a form (or a figure that is not a whole number of milliseconds) gets the server's time.
   */
  @Test
  void aChoicesTimeIsNeverLongerThanTheServerSawIt() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    finishBalloons(applicant, s.token());
    applicant.ready("choices");
    applicant.page();
    server.clock().advance(Duration.ofMillis(2000));
    HttpResponse<String> tooLong =
        applicant.postAsScript("choices", "index", "1", "choice", "later", "ms", "60000");
    assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(200);
    assertThat(choiceElapsed(s.uid(), "1")).as("bounded by the server's 2000 ms").isEqualTo(2000);
    applicant.page();
    server.clock().advance(Duration.ofMillis(1500));
    HttpResponse<String> notANumber =
        applicant.postAsScript("choices", "index", "2", "choice", "later", "ms", "-5");
    assertThat(notANumber.statusCode()).as(notANumber.body()).isEqualTo(200);
    assertThat(choiceElapsed(s.uid(), "2")).as("the server's own time").isEqualTo(1500);
  }

  @Test
  void aResentMemoryRoundChangesNothingAndShowsNoError() {
    Started s = newSession(GAMES);
    Applicant applicant = s.applicant();
    finishBalloons(applicant, s.token());
    applicant.ready("choices");
    for (int choice = 1; choice <= 2; choice++) {
      Applicant.assertRedirectsToLink(
          applicant.post("choices", "index", String.valueOf(choice), "choice", "later"), s.token());
    }
    applicant.ready("memory");
    assertThat(applicant.page().body()).contains("class=\"digits\"");
    server.clock().advance(Duration.ofSeconds(20));
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "0", "answer", "0"), s.token());
    applicant.beginMemory();
    assertThat(applicant.page().body()).contains("class=\"digits\"");
    server.clock().advance(Duration.ofSeconds(20));
    assertThat(applicant.page().body()).contains("name=\"answer\"");
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "1", "answer", "0"), s.token());
    String next = applicant.page().body();
    assertThat(next).contains(MESSAGES.text("en", "mem.round", 2));
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "1", "answer", "0"), s.token());
    Applicant.assertRedirectsToLink(
        applicant.post("memory", "round", "1", "answer", "123"), s.token());
    assertThat(applicant.page().body()).as("the round on screen is still round 2").isEqualTo(next);
    assertThat(next).doesNotContain("role=\"alert\"");
    assertThat(memoryAnswer(s.uid(), 1)).as("the first answer stands").isEqualTo("0");
  }

  @Test
  void aRefusedQuestionnairePageKeepsItsAnswersAndNamesTheMissingInEnglish() {
    refusedPage("en");
  }

  @Test
  void aRefusedQuestionnairePageKeepsItsAnswersAndNamesTheMissingInFrench() {
    refusedPage("fr");
  }

  @Test
  void aRefusedQuestionnairePageKeepsItsAnswersAndNamesTheMissingInSwahili() {
    refusedPage("sw");
  }

  private void refusedPage(String language) {
    Started s = newSession(Applicant.SMALL_ASSESSMENT);
    Applicant applicant = s.applicant();
    Applicant.assertRedirectsToLink(applicant.post("language", "lang", language), s.token());
    String first = applicant.page().body();
    List<String> ids = Applicant.items(first);
    assertThat(ids).hasSize(10);
    // Every statement but the 3rd and the 8th, each answered 1 to 5 in turn.
    List<String> fields = new ArrayList<>(List.of("page", "1"));
    for (int i = 0; i < ids.size(); i++) {
      if (i != 2 && i != 7) {
        fields.add("item_" + ids.get(i));
        fields.add(String.valueOf(i % 5 + 1));
      }
    }
    HttpResponse<String> refused = applicant.post("questionnaire", fields.toArray(String[]::new));
    Applicant.assertRedirectsToLink(refused, s.token());
    String cookie = refusedCookie(refused).orElseThrow();

    HttpResponse<String> shown = applicant.page("Cookie", cookie);
    assertThat(shown.statusCode()).isEqualTo(200);
    String html = shown.body();
    assertThat(Applicant.items(html)).as("still page 1").isEqualTo(ids);
    String alert = alert(html);
    assertThat(alert)
        .contains(escaped(MESSAGES.text(language, "q.missing")))
        .contains(escaped(MESSAGES.text(language, "q.missing_list")))
        .contains("href=\"#item-" + ids.get(2) + "\"")
        .contains("href=\"#item-" + ids.get(7) + "\"");
    assertThat(alert.split("<li>", -1)).as("two statements named").hasSize(3);
    if (!language.equals("en")) {
      assertThat(html)
          .as("no English sentence on a " + language + " page")
          .doesNotContain(MESSAGES.text("en", "q.missing"))
          .doesNotContain(MESSAGES.text("en", "q.not_answered"))
          .doesNotContain("Please answer")
          .doesNotContain("could not be saved");
    }
    assertThat(html.split(Pattern.quote(escaped(MESSAGES.text(language, "q.not_answered"))), -1))
        .as("each missing statement says so")
        .hasSize(3);
    for (int i = 0; i < ids.size(); i++) {
      String item = "name=\"item_" + ids.get(i) + "\"";
      List<String> checked = checkedValues(html, item);
      if (i == 2 || i == 7) {
        assertThat(checked).as("statement %d is missing", i + 1).isEmpty();
      } else {
        assertThat(checked)
            .as("statement %d kept", i + 1)
            .containsExactly(String.valueOf(i % 5 + 1));
      }
    }
    assertThat(shown.headers().allValues("Set-Cookie"))
        .as("shown once")
        .anyMatch(c -> c.startsWith("credence_refused=;") && c.contains("Max-Age=0"));
    String again = applicant.page().body();
    assertThat(again).as("a reload without the cookie").doesNotContain("role=\"alert\"");

    // Answering the page as it was, plus the two missing, moves on.
    fields.addAll(List.of("item_" + ids.get(2), "3", "item_" + ids.get(7), "4"));
    Applicant.assertRedirectsToLink(
        applicant.post("questionnaire", fields.toArray(String[]::new)), s.token());
    assertThat(Applicant.items(applicant.page().body())).doesNotContainAnyElementsOf(ids);
  }

  @Test
  void theRefusalCookieIsTheLinksOwnAndATamperedOneShowsNothing() {
    Started s = newSession(Applicant.SMALL_ASSESSMENT);
    Applicant applicant = s.applicant();
    List<String> ids = Applicant.items(applicant.page().body());
    HttpResponse<String> refused = applicant.post("questionnaire", "page", "1");
    Applicant.assertRedirectsToLink(refused, s.token());
    String setCookie =
        refused.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("credence_refused="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie)
        .contains("Path=/" + s.token() + ";")
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Max-Age=600");
    String cookie = refusedCookie(refused).orElseThrow();
    assertThat(alert(applicant.page("Cookie", cookie).body()).split("<li>", -1))
        .as("every statement is missing")
        .hasSize(ids.size() + 1);

    for (String tampered :
        List.of(
            "credence_refused=questionnaire~1~answer_missing~9<script>",
            "credence_refused=questionnaire~2~answer_missing~0000000000",
            "credence_refused=balloons~1~answer_missing~0000000000",
            "credence_refused=junk")) {
      String html = applicant.page("Cookie", tampered).body();
      assertThat(html).as(tampered).doesNotContain("role=\"alert\"").doesNotContain("<script>");
      assertThat(html).as(tampered).doesNotContain(" checked");
    }
  }

  @Test
  void aScriptIsToldOfARefusalInJson() {
    Started s = newSession(Applicant.SMALL_ASSESSMENT);
    HttpResponse<String> refused = s.applicant().postAsScript("questionnaire", "page", "1");
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json(refused).get("code").asText()).isEqualTo("answer_missing");
    assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Collects both balloons straight away (or after a burst): the choices come next. */
  private static void finishBalloons(Applicant applicant, String token) {
    applicant.ready("balloons");
    for (int balloon = 1; balloon <= 2; balloon++) {
      assertThat(applicant.page().body()).contains("name=\"balloon\" value=\"" + balloon + "\"");
      Applicant.assertRedirectsToLink(
          applicant.post(
              "balloons", "balloon", String.valueOf(balloon), "pumps", "0", "action", "collect"),
          token);
    }
  }

  private static int pumps(String html) {
    Matcher m = POINTS.matcher(html);
    assertThat(m.find()).as(html).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static Optional<String> refusedCookie(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("credence_refused="))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst();
  }

  private static String alert(String html) {
    int start = html.indexOf("<div class=\"error\" role=\"alert\">");
    assertThat(start).as("an alert on the page").isNotNegative();
    return html.substring(start, html.indexOf("</div>", start));
  }

  /** The values of the radio buttons of {@code name} that are checked. */
  private static List<String> checkedValues(String html, String name) {
    List<String> values = new ArrayList<>();
    Matcher m =
        Pattern.compile("<input type=\"radio\" " + Pattern.quote(name) + "[^>]*>").matcher(html);
    while (m.find()) {
      if (m.group().contains(" checked")) {
        Matcher value = Pattern.compile("value=\"(\\d)\"").matcher(m.group());
        assertThat(value.find()).isTrue();
        values.add(value.group(1));
      }
    }
    return values;
  }

  /** As the page writes text: the few characters HTML escapes. */
  private static String escaped(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private int balloonRow(String uid, String column) {
    return query(
        "SELECT b."
            + column
            + " FROM balloons b JOIN sessions s ON s.id = b.session_id"
            + " WHERE s.uid = ? AND b.balloon = 1",
        uid,
        Integer.class);
  }

  private int storedChoice(String uid, String item) {
    return query(
        "SELECT a.answer FROM answers a JOIN sessions s ON s.id = a.session_id"
            + " WHERE s.uid = ? AND a.module = 'choices' AND a.item = '"
            + item
            + "'",
        uid,
        Integer.class);
  }

  private int choiceElapsed(String uid, String item) {
    return query(
        "SELECT a.elapsed_ms FROM answers a JOIN sessions s ON s.id = a.session_id"
            + " WHERE s.uid = ? AND a.module = 'choices' AND a.item = '"
            + item
            + "'",
        uid,
        Integer.class);
  }

  private String memoryAnswer(String uid, int round) {
    return query(
        "SELECT m.answer FROM memory_rounds m JOIN sessions s ON s.id = m.session_id"
            + " WHERE s.uid = ? AND m.round_no = "
            + round,
        uid,
        String.class);
  }

  private <T> T query(String sql, String uid, Class<T> type) {
    return server.database(h -> h.createQuery(sql).bind(0, uid).mapTo(type).one());
  }
}
