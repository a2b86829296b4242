package dev.credence.server.assessment;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hosted assessment over plain HTTP (no browser): the journey's rules, every answer saved as it
 * is given, resume, and every refusal changing nothing.
 */
abstract class JourneyContract extends ServerContract {
  private static final AtomicInteger UIDS = new AtomicInteger();
  private static final java.util.Map<String, String> UIDS_BY_TOKEN =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final String SMALL = Applicant.SMALL_ASSESSMENT;

  private Deployment deployment;

  @BeforeEach
  void newDeployment() {
    deployment = server.newDeployment();
    server.patchIntegration(deployment.productionIntegrationId(), SMALL);
  }

  private String newSession() {
    String uid = "JRN-" + String.format("%06d", UIDS.incrementAndGet());
    HttpResponse<String> created =
        server.createSession(
            deployment.productionKey(), sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String token = json(created).get("access_token").asText();
    UIDS_BY_TOKEN.put(token, uid);
    return token;
  }

  private HttpResponse<String> page(String token, String... headers) {
    return new Applicant(server, token).page(headers);
  }

  private HttpResponse<String> post(String token, String path, String... fields) {
    return new Applicant(server, token).post(path, fields);
  }

  private HttpResponse<String> script(String token, String path, String... fields) {
    return new Applicant(server, token).postAsScript(path, fields);
  }

  private static void assertRedirectsToLink(HttpResponse<String> response, String token) {
    Applicant.assertRedirectsToLink(response, token);
  }

  private static List<String> items(String html) {
    return Applicant.items(html);
  }

  private static String[] answers(List<String> ids, String page, int value) {
    return Applicant.answers(ids, page, value);
  }

  private void consent(String token) {
    new Applicant(server, token).consent();
  }

  private void playThrough(String token) {
    new Applicant(server, token).playThrough();
  }

  @Test
  void aWholeJourneyEndsOnTheCompleteUrlAndTheLinkThenSaysItIsFinished() {
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"complete_url\": \"https://lender.example/done\", \"show_completion_page\": false}");
    String token = newSession();
    HttpResponse<String> consentPage = page(token);
    assertThat(consentPage.statusCode()).isEqualTo(200);
    assertThat(consentPage.body()).contains("/" + token + "/consent");
    consent(token);
    playThrough(token);

    HttpResponse<String> end = page(token);
    assertThat(end.statusCode()).isEqualTo(303);
    assertThat(end.headers().firstValue("Location")).hasValue("https://lender.example/done");

    HttpResponse<String> again = page(token);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).doesNotContain("/" + token + "/");
    assertRedirectsToLink(post(token, "choices", "index", "1", "choice", "today"), token);
    assertThat(page(token).body()).as("a late answer changed nothing").isEqualTo(again.body());
  }

  @Test
  void theThankYouPageLeadsOnToTheCompleteUrlUnlessHidden() {
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"complete_url\": \"https://lender.example/done\"}");
    String token = newSession();
    consent(token);
    playThrough(token);
    HttpResponse<String> end = page(token);
    assertThat(end.statusCode()).isEqualTo(200);
    assertThat(end.body()).contains("href=\"https://lender.example/done\"");
  }

  @Test
  void withoutACompleteUrlTheThankYouPageIsShown() {
    String token = newSession();
    consent(token);
    playThrough(token);
    HttpResponse<String> end = page(token);
    assertThat(end.statusCode()).isEqualTo(200);
    assertThat(end.body()).doesNotContain("<form");
  }

  @Test
  void declinedConsentGoesToTheCancelledUrlAndEndsTheSession() {
    server.patchIntegration(
        deployment.productionIntegrationId(), "{\"cancelled_url\": \"https://lender.example/no\"}");
    String token = newSession();
    HttpResponse<String> declined = new Applicant(server, token).decline();
    assertThat(declined.statusCode()).isEqualTo(303);
    assertThat(declined.headers().firstValue("Location")).hasValue("https://lender.example/no");
    assertThat(page(token).body()).doesNotContain("/" + token + "/consent");
    assertRedirectsToLink(post(token, "consent", "decision", "accept"), token);
    assertThat(page(token).body()).doesNotContain("/" + token + "/consent");
  }

  @Test
  void declineAsksForConfirmationFirstAndEndsNothing() {
    String token = newSession();
    HttpResponse<String> asked = post(token, "consent", "decision", "decline");
    assertThat(asked.statusCode()).isEqualTo(303);
    assertThat(asked.headers().firstValue("Location")).hasValue("/" + token + "?confirm=decline");

    HttpResponse<String> confirmation = server.get("/" + token + "?confirm=decline");
    assertThat(confirmation.statusCode()).isEqualTo(200);
    assertThat(confirmation.body())
        .contains("Are you sure? If you do not agree, the assessment stops here.")
        .contains("action=\"/" + token + "/consent\"")
        .contains("name=\"decision\" value=\"back\"")
        .contains("name=\"decision\" value=\"decline_confirmed\"")
        .doesNotContain("value=\"accept\"");
    assertThat(server.get("/" + token + "?confirm=decline").body())
        .as("a reload shows the confirmation again")
        .contains("value=\"decline_confirmed\"");

    HttpResponse<String> consentPage = page(token);
    assertThat(consentPage.statusCode()).as("nothing ended").isEqualTo(200);
    assertThat(consentPage.body()).contains("value=\"accept\"").contains("value=\"decline\"");
    assertThat(sessionStatus(token)).isEqualTo("created");
  }

  @Test
  void goingBackFromTheConfirmationReturnsToConsent() {
    String token = newSession();
    post(token, "consent", "decision", "decline");
    assertRedirectsToLink(post(token, "consent", "decision", "back"), token);
    HttpResponse<String> consentPage = page(token);
    assertThat(consentPage.body())
        .contains("value=\"accept\"")
        .doesNotContain("value=\"decline_confirmed\"");
    assertThat(sessionStatus(token)).isEqualTo("created");
    consent(token);
    assertThat(sessionStatus(token)).isEqualTo("started");
    assertThat(server.get("/" + token + "?confirm=decline").body())
        .as("after consent the confirmation is gone: the step to answer now shows")
        .doesNotContain("value=\"decline_confirmed\"");
    assertThat(post(token, "consent", "decision", "decline_confirmed").statusCode())
        .as("a late confirmation changes nothing")
        .isEqualTo(409);
    assertThat(sessionStatus(token)).isEqualTo("started");
  }

  @Test
  void theConfirmedDeclineEndsOnTheBuiltInPage() {
    String token = newSession();
    assertRedirectsToLink(new Applicant(server, token).decline(), token);
    HttpResponse<String> cancelled = page(token);
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.body()).contains("Assessment stopped").doesNotContain("<form");
    assertThat(sessionStatus(token)).isEqualTo("cancelled [application.cancelled]");
  }

  @Test
  void theLenderIsNamedInTheTitleAndTheHeaderOfEveryPage() {
    String token = newSession();
    assertThat(page(token).body())
        .contains("<title>Before you start · Acme Lending</title>")
        .contains("<p class=\"lender-name\">Acme Lending</p>")
        .doesNotContain("<img");
    consent(token);
    assertThat(page(token).body())
        .contains("· Acme Lending</title>")
        .contains("<p class=\"lender-name\">Acme Lending</p>");
    server.patchIntegration(
        deployment.productionIntegrationId(),
        "{\"brand_logo_url\": \"https://lender.example/logo.png\"}");
    assertThat(page(token).body())
        .contains(
            "<img class=\"logo\" src=\"https://lender.example/logo.png\" alt=\"Acme Lending"
                + " logo\" height=\"40\">")
        .contains("<p class=\"lender-name\">Acme Lending</p>");
    assertThat(post(token, "language", "lang", "es").statusCode()).isEqualTo(303);
    assertThat(page(token).body()).contains("alt=\"Logotipo de Acme Lending\"");
  }

  @Test
  void theEndPagesShowTheLendersContactLineAsPlainText() {
    String id = deployment.productionIntegrationId();
    String declined = newSession();
    assertThat(page(declined).body()).doesNotContain("class=\"contact\"");
    server.patchIntegration(id, "{\"lender_contact\": \"Call <b>0800 123</b> & ask for Ana\"}");
    String escaped = "Call &lt;b&gt;0800 123&lt;/b&gt; &amp; ask for Ana";
    assertThat(page(declined).body()).as("not on consent").doesNotContain("class=\"contact\"");

    new Applicant(server, declined).decline();
    assertThat(page(declined).body())
        .contains("<p class=\"contact\">To reach Acme Lending: " + escaped + "</p>")
        .doesNotContain("<b>0800");

    String finished = newSession();
    consent(finished);
    playThrough(finished);
    HttpResponse<String> thanks = page(finished);
    assertThat(thanks.body()).contains("Thank you!").contains(escaped);
    assertThat(page(finished).body()).as("finished").contains(escaped);

    String late = newSession();
    assertRedirectsToLink(post(late, "language", "lang", "fr"), late);
    server.clock().advance(Duration.ofHours(25));
    HttpResponse<String> expired = page(late);
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(expired.body()).contains("Pour joindre Acme Lending : " + escaped);

    server.patchIntegration(id, "{\"lender_contact\": null}");
    assertThat(page(declined).body()).doesNotContain("class=\"contact\"");
  }

  /** The session's status and its events' types, as the operator's session API shows them. */
  private String sessionStatus(String token) {
    var events =
        json(
            server.operator(
                "GET",
                "/v1/admin/integrations/"
                    + deployment.productionIntegrationId()
                    + "/sessions/"
                    + UIDS_BY_TOKEN.get(token)
                    + "/events",
                null));
    List<String> types = new ArrayList<>();
    events.path("events").forEach(e -> types.add(e.path("type").asText()));
    return events.path("status").asText() + (types.isEmpty() ? "" : " " + types);
  }

  @Test
  void aReloadOrAnotherDeviceResumesAtTheFirstUnansweredStep() {
    String token = newSession();
    consent(token);
    List<String> first = items(page(token, "User-Agent", "Phone A").body());
    assertRedirectsToLink(post(token, "questionnaire", answers(first, "1", 2)), token);
    List<String> second = items(page(token, "User-Agent", "Desktop B").body());
    assertThat(second).hasSize(10).doesNotContainAnyElementsOf(first);
    assertThat(page(token, "User-Agent", "Phone A").body()).contains("value=\"2\"");
  }

  @Test
  void theQuestionnaireShowsItsFormAndASessionKeepsItsItems() {
    List<String> form = ItemBank.load().form(ItemBank.Length.SHORT);
    String token = newSession();
    consent(token);
    List<String> first = items(page(token).body());
    assertThat(first).isEqualTo(form.subList(0, 10));
    assertRedirectsToLink(post(token, "questionnaire", answers(first, "1", 3)), token);
    // The environment moves to the standard form: the started session keeps its items.
    server.patchIntegration(
        deployment.productionIntegrationId(), SMALL.replace("\"short\"", "\"standard\""));
    assertThat(items(page(token).body())).isEqualTo(form.subList(10, 20));
    String later = newSession();
    consent(later);
    assertThat(items(page(later).body()))
        .isEqualTo(ItemBank.load().form(ItemBank.Length.STANDARD).subList(0, 10));
  }

  @Test
  void onlyAReturnAfterAPauseIsReportedAsResumed() {
    String oneSitting = newSession();
    new Applicant(server, oneSitting).finish();
    assertThat(flags(oneSitting)).doesNotContain("RESUMED");

    String cameBack = newSession();
    page(cameBack);
    consent(cameBack);
    page(cameBack);
    server.clock().advance(AssessmentService.RETURN_GAP.minusSeconds(1));
    page(cameBack); // within the gap: the same sitting
    server.clock().advance(AssessmentService.RETURN_GAP);
    playThrough(cameBack);
    page(cameBack);
    assertThat(flags(cameBack)).contains("RESUMED").doesNotContain("MULTI_DEVICE");
  }

  /** The trust flags of the session's result, read back through the pull API. */
  private List<String> flags(String token) {
    String uid = UIDS_BY_TOKEN.get(token);
    var result =
        server.send("GET", "/v1/results/" + uid, null, "api-key", deployment.productionKey());
    assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
    List<String> flags = new java.util.ArrayList<>();
    json(result).at("/details/calculated/flags").forEach(f -> flags.add(f.asText()));
    assertThat(json(result).at("/details/calculated/score").isInt()).as(result.body()).isTrue();
    return flags;
  }

  /**
   * Refusals as a script sees them (it asks for JSON): a status and a code. A form's refused post
   * is answered with the link instead (post/redirect/get, {@link CleanDataContract}); either way
   * nothing changes.
   */
  @Test
  void answersThatDoNotFitAreRefusedAndChangeNothing() {
    String token = newSession();
    assertThat(script(token, "questionnaire", "page", "1").statusCode())
        .as("before consent")
        .isEqualTo(409);
    assertRedirectsToLink(post(token, "questionnaire", "page", "1"), token);
    assertThat(page(token).body()).as("a form before consent").contains("/" + token + "/consent");
    consent(token);
    List<String> ids = items(page(token).body());
    String[] outOfRange = answers(ids, "1", 4);
    outOfRange[3] = "6";
    assertThat(script(token, "questionnaire", outOfRange).statusCode()).isEqualTo(422);
    String[] missing = answers(ids.subList(0, 9), "1", 4);
    HttpResponse<String> refused = script(token, "questionnaire", missing);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json(refused).get("code").asText()).isEqualTo("answer_missing");
    List<String> withStranger = new ArrayList<>(List.of(answers(ids, "1", 4)));
    withStranger.addAll(List.of("item_00000000-0000-0000-0000-000000000000", "3"));
    assertThat(script(token, "questionnaire", withStranger.toArray(String[]::new)).statusCode())
        .isEqualTo(422);
    HttpResponse<String> notCurrent = script(token, "questionnaire", answers(ids, "2", 4));
    assertThat(notCurrent.statusCode()).isEqualTo(409);
    assertThat(json(notCurrent).get("code").asText()).isEqualTo("step_not_current");
    assertThat(items(page(token).body())).as("still on page 1").isEqualTo(ids);

    assertRedirectsToLink(post(token, "questionnaire", answers(ids, "1", 4)), token);
    assertThat(script(token, "questionnaire", answers(ids, "1", 5)).statusCode())
        .as("a page already answered")
        .isEqualTo(409);
    assertThat(script(token, "choices", "index", "1", "choice", "later").statusCode())
        .as("a step not reached")
        .isEqualTo(409);
  }

  @Test
  void aBurstBalloonCannotBePumpedAgain() {
    String token = newSession();
    consent(token);
    for (int page = 1; page <= 3; page++) {
      assertRedirectsToLink(
          post(token, "questionnaire", answers(items(page(token).body()), String.valueOf(page), 3)),
          token);
    }
    new Applicant(server, token).ready("balloons");
    int pumps = 0;
    HttpResponse<String> response;
    do {
      response =
          post(token, "balloons", "balloon", "1", "pumps", String.valueOf(pumps), "action", "pump");
      pumps++;
    } while (response.statusCode() == 303
        && page(token).body().contains("name=\"balloon\" value=\"1\""));
    assertThat(pumps).as("the server decides when it bursts").isBetween(1, 64);
    String pumped = String.valueOf(pumps);
    assertThat(script(token, "balloons", "balloon", "1", "pumps", pumped, "action", "pump"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(409);
    assertThat(script(token, "balloons", "balloon", "1", "pumps", pumped, "action", "collect"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(409);
    assertRedirectsToLink(
        post(token, "balloons", "balloon", "1", "pumps", pumped, "action", "pump"), token);
    String next = page(token).body();
    assertThat(next)
        .contains("name=\"balloon\" value=\"2\"")
        .contains("name=\"pumps\" value=\"0\"");
    assertThat(next).as("a stale post says nothing").doesNotContain("role=\"alert\"");
  }

  @Test
  void aSessionThatExpiresMidWayGoesToTheExpiredUrl() {
    server.patchIntegration(
        deployment.productionIntegrationId(), "{\"expired_url\": \"https://lender.example/late\"}");
    String token = newSession();
    consent(token);
    server.clock().advance(Duration.ofHours(25));
    assertRedirectsToLink(post(token, "questionnaire", "page", "1"), token);
    HttpResponse<String> late = page(token);
    assertThat(late.statusCode()).isEqualTo(302);
    assertThat(late.headers().firstValue("Location")).hasValue("https://lender.example/late");
  }

  @Test
  void theLanguageComesFromTheBrowserAndCanBeChanged() {
    String token = newSession();
    assertThat(page(token, "Accept-Language", "es-CO,es;q=0.9,en;q=0.5").body())
        .contains("<html lang=\"es\"");
    assertRedirectsToLink(post(token, "language", "lang", "fr"), token);
    assertThat(page(token, "Accept-Language", "es").body()).contains("<html lang=\"fr\"");
    assertThat(post(token, "language", "lang", "xx-nope").statusCode()).isEqualTo(422);
  }

  @Test
  void statementsInAnotherLanguageThanTheInterfaceCarryTheirOwnLangAndDirection() {
    // Arabic: the statements in Arabic, right to left; the interface, which has no Arabic, in
    // English and said so.
    String arabic = newSession();
    assertRedirectsToLink(post(arabic, "language", "lang", "ar"), arabic);
    consent(arabic);
    String page = page(arabic).body();
    assertThat(page).contains("<html lang=\"en\" dir=\"ltr\">");
    assertThat(page).contains("<legend lang=\"ar\" dir=\"rtl\">").doesNotContain("<legend>");
    // Swahili: the interface in Swahili, the statements (which the item bank lacks) in English.
    String swahili = newSession();
    assertRedirectsToLink(post(swahili, "language", "lang", "sw"), swahili);
    consent(swahili);
    page = page(swahili).body();
    assertThat(page).contains("<html lang=\"sw\" dir=\"ltr\">");
    assertThat(page).contains("<legend lang=\"en\">").doesNotContain("<legend>");
    // French: interface and statements alike, so nothing to mark.
    String french = newSession();
    assertRedirectsToLink(post(french, "language", "lang", "fr"), french);
    consent(french);
    page = page(french).body();
    assertThat(page).contains("<html lang=\"fr\" dir=\"ltr\">").contains("<legend>");
    assertThat(page).doesNotContain("<legend lang=");
  }

  @Test
  void aRefusedConsentOrLanguageFormIsSaidInTheApplicantsLanguageOnly() {
    String token = newSession();
    assertRedirectsToLink(post(token, "language", "lang", "fr"), token);
    HttpResponse<String> language = post(token, "language", "lang", "xx-nope");
    assertThat(language.statusCode()).isEqualTo(422);
    assertThat(language.body())
        .contains("<html lang=\"fr\"")
        .contains("role=\"alert\">Cette réponse n’a pas pu être enregistrée")
        .doesNotContain("Unknown language")
        .doesNotContain("could not be saved");
    HttpResponse<String> consent = post(token, "consent", "decision", "perhaps");
    assertThat(consent.statusCode()).isEqualTo(422);
    assertThat(consent.body())
        .contains("role=\"alert\">Cette réponse n’a pas pu être enregistrée")
        .doesNotContain("Choose accept or decline");
  }

  @Test
  void endPagesKeepTheSessionsLanguage() {
    String token = newSession();
    assertRedirectsToLink(post(token, "language", "lang", "fr"), token);
    server.clock().advance(Duration.ofHours(25));
    HttpResponse<String> expired = page(token, "Accept-Language", "es");
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(expired.body()).contains("<html lang=\"fr\"");
  }

  @Test
  void theFaviconIsNotTakenForAToken() {
    HttpResponse<String> icon = server.get("/favicon.ico");
    assertThat(icon.statusCode()).isEqualTo(204);
  }

  @Test
  void pagesKeepTheTokenToThemselves() {
    String token = newSession();
    HttpResponse<String> page = page(token);
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("default-src 'none'").contains("form-action 'self'");
    assertThat(policy)
        .as("a game's script sends its answers here only")
        .contains("connect-src 'self'");
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void theAssessmentConfigurationIsValidated() {
    String id = deployment.productionIntegrationId();
    for (String bad :
        List.of(
            "{\"assessment\": {\"modules\": []}}",
            "{\"assessment\": {\"modules\": [{\"type\": \"dice\"}]}}",
            "{\"assessment\": {\"modules\": [{\"type\": \"questionnaire\", \"length\": \"huge\"}]}}",
            "{\"assessment\": {\"modules\": [{\"type\": \"balloons\", \"balloons\": 0}]}}",
            "{\"assessment\": {\"modules\": [{\"type\": \"choices\", \"set\": [[20, 10, 5]]}]}}",
            "{\"assessment\": {\"modules\": [{\"type\": \"balloons\"}, {\"type\": \"balloons\"}]}}")) {
      HttpResponse<String> refused = server.operator("PATCH", "/v1/admin/integrations/" + id, bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(422);
    }
    assertThat(
            json(server.operator("GET", "/v1/admin/integrations/" + id, null))
                .at("/assessment/modules/1/balloons")
                .asInt())
        .isEqualTo(2);
    assertThat(
            server
                .patchIntegration(id, "{\"assessment\": null}")
                .at("/assessment/modules/0/length")
                .asText())
        .isEqualTo("short");
  }
}
