package dev.credence.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerHttp;
import dev.credence.server.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An applicant taking the hosted assessment over plain HTTP, as a browser without JavaScript would:
 * opening the link, posting each step's form and following the redirect back to the link. Plays the
 * small configuration of {@link #SMALL_ASSESSMENT}.
 */
public final class Applicant {
  /** Three pages of 10 statements, 2 balloons, 2 choices, memory rounds of 3 and 4 digits. */
  public static final String SMALL_ASSESSMENT =
      "{\"assessment\": {\"modules\": ["
          + "{\"type\": \"questionnaire\", \"length\": \"short\", \"items_per_page\": 10},"
          + "{\"type\": \"balloons\", \"balloons\": 2},"
          + "{\"type\": \"choices\", \"set\": [[10, 20, 30], [5, 50, 7]]},"
          + "{\"type\": \"memory_span\", \"start_length\": 3, \"max_length\": 4}]}}";

  /** The short questionnaire on one page and nothing else: no game waits on the clock. */
  public static final String QUESTIONNAIRE_ONLY =
      "{\"modules\": [{\"type\": \"questionnaire\", \"length\": \"short\","
          + " \"items_per_page\": 30}]}";

  /** An operator PATCH body: {@link #QUESTIONNAIRE_ONLY}, with webhooks to {@code webhookUrl}. */
  public static String questionnaireOnlyWithWebhooksTo(String webhookUrl) {
    return "{\"webhook_url\": \"" + webhookUrl + "\", \"assessment\": " + QUESTIONNAIRE_ONLY + "}";
  }

  private static final Pattern ITEM = Pattern.compile("name=\"item_([0-9a-f-]+)\"");
  private static final Pattern DIGITS = Pattern.compile("class=\"digits\"[^>]*>(\\d+)<");

  private final ServerHttp server;
  private final TestClock clock;
  private final String token;

  public Applicant(RunningServer server, String token) {
    this(server, server.clock(), token);
  }

  /** An applicant of a server whose clock the test cannot move: no memory game. */
  /**
   * An applicant who opened the link of a new session (for {@code uid}, of a deployment whose
   * Production environment has {@code settings}) and accepted the consent.
   */
  public static Applicant consented(RunningServer server, String settings, String uid) {
    Applicant applicant =
        new Applicant(server, server.newSession(settings, uid).get("access_token").asText());
    applicant.consent();
    return applicant;
  }

  /**
   * Moves the burst point of balloon {@code balloon} of {@code uid}'s session, drawn already, to
   * {@code burstPoint}: a test that needs a balloon to burst, or not, at a known pump.
   */
  public static void setBurstPoint(RunningServer server, String uid, int balloon, int burstPoint) {
    int changed =
        server.database(
            h ->
                h.createUpdate(
                        "UPDATE balloons SET burst_point = ? WHERE balloon = ?"
                            + " AND session_id = (SELECT id FROM sessions WHERE uid = ?)")
                    .bind(0, burstPoint)
                    .bind(1, balloon)
                    .bind(2, uid)
                    .execute());
    assertThat(changed).isEqualTo(1);
  }

  /** The link's access token. */
  public String token() {
    return token;
  }

  public Applicant(ServerHttp server, String token) {
    this(server, null, token);
  }

  private Applicant(ServerHttp server, TestClock clock, String token) {
    this.server = server;
    this.clock = clock;
    this.token = token;
  }

  public HttpResponse<String> page(String... headers) {
    return server.send("GET", "/" + token, null, headers);
  }

  public HttpResponse<String> post(String path, String... fields) {
    return server.send(
        "POST",
        "/" + token + "/" + path,
        form(fields),
        "Content-Type",
        "application/x-www-form-urlencoded");
  }

  /** As {@link #post}, as a script sends it: asking for JSON, so a refusal is a status. */
  /**
   * Presses Ready on the introduction of the game posted to at {@code path}, which the link shows
   * now (it answers with the link, which then shows the game's first step).
   */
  public void ready(String path) {
    String intro = page().body();
    assertThat(intro).contains("name=\"ready\"").contains("/" + token + "/" + path);
    assertRedirectsToLink(post(path, "ready", "1"), token);
  }

  public HttpResponse<String> postAsScript(String path, String... fields) {
    return server.send(
        "POST",
        "/" + token + "/" + path,
        form(fields),
        "Content-Type",
        "application/x-www-form-urlencoded",
        "Accept",
        "application/json");
  }

  private static String form(String... fields) {
    StringBuilder form = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
    }
    return form.toString();
  }

  public static void assertRedirectsToLink(HttpResponse<String> response, String token) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).hasValue("/" + token);
  }

  public static List<String> items(String html) {
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = ITEM.matcher(html);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return new ArrayList<>(ids);
  }

  public static String[] answers(List<String> ids, String page, int value) {
    List<String> fields = new ArrayList<>(List.of("page", page));
    for (String id : ids) {
      fields.add("item_" + id);
      fields.add(String.valueOf(value));
    }
    return fields.toArray(String[]::new);
  }

  public void consent() {
    assertRedirectsToLink(post("consent", "decision", "accept"), token);
  }

  /**
   * Declines consent and confirms it: the answer to the confirmation, a redirect to the Cancelled
   * URL or to the link.
   */
  public HttpResponse<String> decline() {
    HttpResponse<String> asked = post("consent", "decision", "decline");
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(303);
    assertThat(asked.headers().firstValue("Location")).hasValue("/" + token + "?confirm=decline");
    return post("consent", "decision", "decline_confirmed");
  }

  /**
   * Consents and answers all of {@link #QUESTIONNAIRE_ONLY}: the next opening of the link completes
   * the session.
   */
  public void answerEverything() {
    consent();
    List<String> ids = items(page().body());
    assertThat(ids).hasSize(30);
    assertRedirectsToLink(post("questionnaire", answers(ids, "1", 4)), token);
  }

  /** Answers the first questionnaire page only: started, far from finished. */
  public void answerFirstPage() {
    List<String> ids = items(page().body());
    assertRedirectsToLink(post("questionnaire", answers(ids, "1", 4)), token);
  }

  /** Answers the questionnaire pages, the balloons, the choices and the memory rounds. */
  public void playThrough() {
    playThrough(4);
  }

  /** As {@link #playThrough()}, answering {@code value} (1 to 5) to every statement. */
  public void playThrough(int value) {
    playThrough(id -> value, Duration.ZERO);
  }

  /**
   * As {@link #playThrough()}, answering each statement by {@code answer} and taking {@code
   * perPage} over each questionnaire page (by the server's clock).
   */
  private void playThrough(java.util.function.ToIntFunction<String> answer, Duration perPage) {
    for (int page = 1; page <= 3; page++) {
      List<String> ids = items(page().body());
      assertThat(ids).hasSize(10);
      List<String> fields = new ArrayList<>(List.of("page", String.valueOf(page)));
      for (String id : ids) {
        fields.add("item_" + id);
        fields.add(String.valueOf(answer.applyAsInt(id)));
      }
      clock.advance(perPage);
      assertRedirectsToLink(post("questionnaire", fields.toArray(String[]::new)), token);
    }
    ready("balloons");
    for (int balloon = 1; balloon <= 2; balloon++) {
      assertThat(page().body()).contains("/" + token + "/balloons");
      assertRedirectsToLink(
          post("balloons", "balloon", String.valueOf(balloon), "pumps", "0", "action", "pump"),
          token);
      // Burst on the first pump, the balloon is finished: the collect changes nothing.
      assertRedirectsToLink(
          post("balloons", "balloon", String.valueOf(balloon), "pumps", "1", "action", "collect"),
          token);
    }
    ready("choices");
    for (int choice = 1; choice <= 2; choice++) {
      assertThat(page().body()).contains("/" + token + "/choices");
      assertRedirectsToLink(
          post("choices", "index", String.valueOf(choice), "choice", "later"), token);
    }
    ready("memory");
    // Round 0 is the practice round; Begin after it draws round 1.
    for (int round = 0; round <= 2; round++) {
      HttpResponse<String> shown = page();
      Matcher digits = DIGITS.matcher(shown.body());
      assertThat(digits.find()).as(shown.body()).isTrue();
      assertThat(shown.headers().firstValue("Refresh")).isPresent();
      clock.advance(Duration.ofSeconds(20));
      assertThat(page().body()).contains("name=\"answer\"").doesNotContain(digits.group(1) + "<");
      assertRedirectsToLink(post("memory", "round", String.valueOf(round), "answer", "0"), token);
      if (round == 0) {
        beginMemory();
      }
    }
  }

  /**
   * Presses Begin after the memory game's practice round, which the link shows now with no digit:
   * the link then shows round 1.
   */
  public void beginMemory() {
    String practiceDone = page().body();
    assertThat(practiceDone).contains("name=\"begin\"").doesNotContain("class=\"digits\"");
    assertRedirectsToLink(post("memory", "begin", "1"), token);
  }

  /**
   * A careful applicant of {@link #SMALL_ASSESSMENT}: each statement answered in its keyed
   * direction at {@code level} (1 to 5; a minus-keyed statement gets 6 - level), 50 s a page, so
   * that no trust flag but a long string (at level 3) doubts the answers: never LOW confidence.
   */
  public void finishCarefully(int level, ItemBank items) {
    consent();
    playThrough(
        id -> items.item("en", id).minusKeyed() ? 6 - level : level, Duration.ofSeconds(50));
    assertThat(page().statusCode()).isEqualTo(200);
  }

  /** Plays everything, then opens the link once more, which completes the session. */
  public void finish() {
    finish(4);
  }

  /** As {@link #finish()}, answering {@code value} to every statement. */
  public void finish(int value) {
    consent();
    playThrough(value);
    assertThat(page().statusCode()).isEqualTo(200);
  }

  /**
   * An interface text straight from {@code i18n/messages_<language>.properties}, its {@code {n}}
   * filled in: what a page must show, read apart from the server's own {@code Messages}.
   */
  public static String interfaceText(String language, String key, Object... args) {
    Properties texts = new Properties();
    String resource = "/i18n/messages_" + language + ".properties";
    try (InputStream in = Applicant.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = texts.getProperty(key);
    assertThat(text).as(key + " in " + resource).isNotNull();
    for (int i = 0; i < args.length; i++) {
      text = text.replace("{" + i + "}", String.valueOf(args[i]));
    }
    return text;
  }
}
