package dev.credence.server.console;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.outcomes.OutcomeCsv;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.scoring.Glossary;
import dev.credence.server.scoring.Norms;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import dev.credence.server.testing.WebhookReceiver.Received;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The results screen over real HTTP, on sessions that real applicants ended: completed with
 * different answers, declined, expired untouched, started then expired. One company's sessions are
 * made once for the class; the tests read them, and those that change something use sessions of
 * their own.
 */
abstract class ResultPagesContract extends ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern ROW_UID =
      Pattern.compile("<a class=\"mono\" href=\"/console/results/[^/\"]+/([^\"]+)\">");
  private static final Pattern BAR_COUNT = Pattern.compile("data-count=\"(\\d+)\"");
  private static final Pattern EVENT_FORM = Pattern.compile("/events/([A-Za-z0-9_-]+)/redeliver");
  private static final Pattern OLDER =
      Pattern.compile("href=\"/console/results\\?([^\"]*before=[^\"]+)\"");

  private static final String HIGH = "FX-agree-01";
  private static final String LOW = "FX-disagree-01";
  private static final String DECLINED = "FX-declined-01";
  private static final String EXPIRED = "FX-expired-01";
  private static final String INCOMPLETE = "FX-incomplete-01";
  private static final String TEST_UID = "FX-test-01";
  private static final String REOPEN = "RO-expired-01";
  private static final String OTHER = "FX-other-01";
  private static final String INJECTED_NAME = "=HYPERLINK(\"http://evil\",\"x\")";

  private WebhookReceiver receiver;
  private Deployment acme;
  private Deployment other;
  private String pagingDeployment;
  private ConsoleClient admin;
  private ConsoleClient viewer;
  private ConsoleClient otherAdmin;
  private final Map<String, LocalDate> createdOn = new HashMap<>();
  private final Map<String, JsonNode> calculated = new HashMap<>();

  @Override
  protected Map<String, String> environment() {
    return RunningServer.with(
        Map.of(
            "CREDENCE_SCHEDULER_POLL_MS", "100",
            "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
            "CREDENCE_EXPIRY_SWEEP_MS", "200"),
        RunningServer.LOOPBACK_WEBHOOKS);
  }

  @BeforeAll
  void makeSessions() {
    receiver = WebhookReceiver.start();
    acme = server.newDeployment();
    other = server.newDeployment();
    for (String integration : List.of(acme.productionIntegrationId(), acme.testIntegrationId())) {
      server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
    }
    server.patchIntegration(
        acme.productionIntegrationId(), "{\"webhook_url\": \"" + receiver.url() + "\"}");
    Lender lender = new Lender(server);

    // Day one: sessions left to expire.
    production(lender, EXPIRED);
    Applicant halfway = production(lender, INCOMPLETE);
    halfway.consent();
    halfway.answerFirstPage();
    production(lender, REOPEN);
    lender.applicant(other.productionKey(), other.productionIntegrationId(), OTHER);
    server.clock().advance(Duration.ofHours(25));
    for (String uid : List.of(EXPIRED, INCOMPLETE, REOPEN)) {
      lender.awaitStatus(acme.productionIntegrationId(), uid, "expired");
    }

    // A day later: two applicants answer differently, one declines; one Test session.
    production(lender, HIGH).finish(4);
    production(lender, LOW).finish(2);
    production(lender, DECLINED).decline();
    createdOn.put(TEST_UID, today());
    lender.applicant(acme.testKey(), acme.testIntegrationId(), TEST_UID).finish(3);
    for (String uid : List.of(HIGH, LOW)) {
      calculated.put(uid, pulled(acme.productionKey(), uid));
    }
    calculated.put(TEST_UID, pulled(acme.testKey(), TEST_UID));
    receiver.await(9, WAIT); // 1 + 2 + 1 expiry events, 2 + 2 for the completed, 1 cancelled

    // A second deployment, named like a formula, with more sessions than a page holds.
    JsonNode paging =
        json(
            server.operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\""
                    + acme.companyId()
                    + "\",\"name\":"
                    + jsonString(INJECTED_NAME)
                    + "}"));
    pagingDeployment = paging.get("deployment_id").asText();
    String key = paging.at("/production/api_key").asText();
    String integration = paging.at("/production/integration_id").asText();
    lender.applicant(key, integration, "-RP-injected");
    for (int i = 1; i <= 51; i++) {
      server.clock().advance(Duration.ofSeconds(1)); // newest first is then RP-051, RP-050, ...
      Applicant applicant = lender.applicant(key, integration, String.format("RP-%03d", i));
      if (i == 1) {
        applicant.consent(); // started: still open, but under way
      }
    }

    // Signed in last: the clock moved past the dashboard's idle limit above.
    admin = ConsoleClient.firstAdmin(server, acme.companyId());
    admin.get("/console/users");
    viewer = admin.invite("VIEWER");
    otherAdmin = ConsoleClient.firstAdmin(server, other.companyId());
  }

  @AfterAll
  void stopReceiver() {
    receiver.close();
  }

  // --- the list ---------------------------------------------------------------------------------

  @Test
  void productionListsOnlyProductionNewestFirstAndTestHasItsOwnMarkedView() {
    HttpResponse<String> page = admin.get("/console/results?uid=FX");
    assertThat(page.statusCode()).isEqualTo(200);
    List<String> uids = uids(page);
    assertThat(uids).containsExactlyInAnyOrder(HIGH, LOW, DECLINED, EXPIRED, INCOMPLETE);
    assertThat(uids.subList(0, 3)).containsExactly(DECLINED, LOW, HIGH);
    assertThat(page.body()).doesNotContain("badge test").contains("5</strong> sessions match");

    HttpResponse<String> test = admin.get("/console/results?env=test&uid=FX");
    assertThat(test.statusCode()).isEqualTo(200);
    assertThat(uids(test)).containsExactly(TEST_UID);
    assertThat(test.body()).contains("<span class=\"badge test\">TEST</span>", "test-banner");
    assertThat(test.body()).contains("name=\"env\" value=\"test\""); // filtering stays on Test
    assertThat(uids(admin.get("/console/results?uid=" + TEST_UID))).isEmpty();
  }

  @Test
  void searchesByWholeUidOrItsStart() {
    assertThat(uids(admin.get("/console/results?uid=" + HIGH))).containsExactly(HIGH);
    assertThat(uids(admin.get("/console/results?uid=FX-dis"))).containsExactly(LOW);
    assertThat(uids(admin.get("/console/results?uid=RO-"))).containsExactly(REOPEN);
    assertThat(uids(admin.get("/console/results?uid=FX-nobody"))).isEmpty();
    // _ is a uid character, not a wildcard
    assertThat(uids(admin.get("/console/results?uid=FX_"))).isEmpty();
  }

  @Test
  void filtersByStatus() {
    assertThat(uids(admin.get("/console/results?uid=FX&status=completed")))
        .containsExactlyInAnyOrder(HIGH, LOW);
    assertThat(uids(admin.get("/console/results?uid=FX&status=cancelled")))
        .containsExactly(DECLINED);
    assertThat(uids(admin.get("/console/results?uid=FX&status=expired"))).containsExactly(EXPIRED);
    assertThat(uids(admin.get("/console/results?uid=FX&status=incomplete")))
        .containsExactly(INCOMPLETE);
    assertThat(uids(admin.get("/console/results?uid=FX&status=open"))).isEmpty();
    assertThat(uids(admin.get("/console/results?uid=RP-0&status=started")))
        .containsExactly("RP-001");
    assertThat(admin.get("/console/results?uid=RP-0&status=open").body())
        .contains("51</strong> sessions match");
    assertThat(admin.get("/console/results?uid=RP-001").body())
        .contains("<span class=\"status started\">started</span>");
    assertThat(admin.get("/console/results?uid=RP-002").body())
        .contains("<span class=\"status open\">open</span>");
    String row = admin.get("/console/results?uid=" + INCOMPLETE).body();
    assertThat(row).contains("<span class=\"status incomplete\">incomplete</span>");
  }

  @Test
  void filtersByCreationDaysInclusiveInUtc() {
    for (LocalDate day : new LinkedHashSet<>(createdOn.values())) {
      Set<String> expected = new LinkedHashSet<>();
      createdOn.forEach(
          (uid, on) -> {
            if (on.equals(day) && uid.startsWith("FX") && !uid.equals(TEST_UID)) {
              expected.add(uid);
            }
          });
      assertThat(uids(admin.get("/console/results?uid=FX&from=" + day + "&to=" + day)))
          .as("created on " + day)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    LocalDate first = createdOn.get(EXPIRED);
    assertThat(uids(admin.get("/console/results?uid=FX&to=" + first.minusDays(1)))).isEmpty();
    assertThat(uids(admin.get("/console/results?uid=FX&from=" + first.plusDays(3)))).isEmpty();
    assertThat(uids(admin.get("/console/results?uid=FX&from=" + first))).hasSize(5);
  }

  @Test
  void filtersByBandConfidenceAndDeployment() {
    String band = calculated.get(HIGH).get("risk_band").asText();
    List<String> sameBand =
        List.of(HIGH, LOW).stream()
            .filter(u -> calculated.get(u).get("risk_band").asText().equals(band))
            .toList();
    assertThat(uids(admin.get("/console/results?uid=FX&band=" + band)))
        .containsExactlyInAnyOrderElementsOf(sameBand);
    String confidence = calculated.get(LOW).get("score_confidence").asText();
    List<String> sameConfidence =
        List.of(HIGH, LOW).stream()
            .filter(u -> calculated.get(u).get("score_confidence").asText().equals(confidence))
            .toList();
    assertThat(uids(admin.get("/console/results?uid=FX&confidence=" + confidence.toLowerCase())))
        .containsExactlyInAnyOrderElementsOf(sameConfidence);
    assertThat(uids(admin.get("/console/results?uid=FX&band=Z"))).isEmpty();

    assertThat(uids(admin.get("/console/results?uid=FX&deployment=" + acme.deploymentId())))
        .hasSize(5);
    assertThat(uids(admin.get("/console/results?uid=FX&deployment=" + pagingDeployment))).isEmpty();
  }

  @Test
  void invalidFiltersAreExplainedNotFailed() {
    Map<String, String> cases =
        Map.of(
            "status=lost",
            "status must be one of",
            "from=2026-02-30",
            "from must be a date",
            "from=2026-03-02&to=2026-03-01",
            "is before the start date",
            "band=AA",
            "A risk band is one letter",
            "confidence=SURE",
            "Confidence must be HIGH, MEDIUM or LOW",
            "env=staging",
            "env must be production or test",
            "uid=50%25",
            "A uid holds only letters",
            "deployment=" + other.deploymentId(),
            "There is no deployment",
            "before=%27--",
            "before must be a session id");
    cases.forEach(
        (query, message) -> {
          HttpResponse<String> page = admin.get("/console/results?" + query);
          assertThat(page.statusCode()).as(query).isEqualTo(422);
          assertThat(page.body()).as(query).contains("class=\"error\"").contains(message);
          HttpResponse<String> export = admin.get("/console/results/export.csv?" + query);
          assertThat(export.statusCode()).as(query).isEqualTo(422);
          assertThat(export.body()).as(query).contains(message);
        });
  }

  @Test
  void pagesFiftyAtATimeNewestFirstWithoutRepeats() {
    HttpResponse<String> first = admin.get("/console/results?deployment=" + pagingDeployment);
    assertThat(first.body()).contains("52</strong> sessions match");
    List<String> one = uids(first);
    assertThat(one).hasSize(50).startsWith("RP-051", "RP-050");
    Matcher older = OLDER.matcher(first.body());
    assertThat(older.find()).as(first.body()).isTrue();
    HttpResponse<String> second =
        admin.get("/console/results?" + older.group(1).replace("&amp;", "&"));
    List<String> two = uids(second);
    assertThat(two).hasSize(2).doesNotContainAnyElementsOf(one);
    assertThat(OLDER.matcher(second.body()).find()).isFalse();
    assertThat(second.body()).contains(">Newest</a>");

    // filters are kept from page to page, and the count and histogram stay those of the filter
    HttpResponse<String> filtered = admin.get("/console/results?uid=RP-&status=open");
    assertThat(filtered.body()).contains("51</strong> sessions match");
    Matcher next = OLDER.matcher(filtered.body());
    assertThat(next.find()).as(filtered.body()).isTrue();
    HttpResponse<String> last =
        admin.get("/console/results?" + next.group(1).replace("&amp;", "&"));
    assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
    assertThat(uids(last)).containsExactly("RP-001");
    assertThat(last.body()).contains("51</strong> sessions match");
  }

  // --- export and histogram ---------------------------------------------------------------------

  @Test
  void exportsTheFilteredSetAsCsvWithEveryPage() {
    HttpResponse<String> all = admin.get("/console/results/export.csv?uid=FX");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(all.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(
            d -> assertThat(d).startsWith("attachment; filename=\"results-production-"));
    List<String> lines = all.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "uid,deployment,environment,created_at,finished_at,status,score,risk_band,"
                + "score_confidence,review_required,flags,erased_at,erased_by,"
                + "Neuroticism,Extraversion,Openness,Agreeableness,Conscientiousness,"
                + "Risk taking,Balloons burst,Patience,Impatience,Memory span");
    assertThat(lines).hasSize(6);
    JsonNode high = calculated.get(HIGH);
    String highLine =
        lines.stream().filter(l -> l.startsWith(HIGH + ",")).findFirst().orElseThrow();
    assertThat(highLine)
        .startsWith(HIGH + ",Loans,PRODUCTION,")
        .contains(
            ",completed,"
                + high.get("score").asInt()
                + ","
                + high.get("risk_band").asText()
                + ","
                + high.get("score_confidence").asText()
                + ","
                + high.get("review_required").asBoolean()
                + ",");
    // each trait's percentile under its plain name; a trait the model does not weigh is empty
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> highCells = List.of(highLine.split(",", -1));
    assertThat(highCells).hasSameSizeAs(header);
    for (JsonNode trait : high.get("traits")) {
      String name = Glossary.standard().name(trait.get("key").asText());
      assertThat(highCells.get(header.indexOf(name)))
          .as(name)
          .isEqualTo(trait.get("value").asText());
    }
    assertThat(highCells.get(header.indexOf("Openness"))).isEmpty();
    assertThat(high.get("traits")).hasSizeGreaterThan(3);
    assertThat(lines).anyMatch(l -> l.startsWith(INCOMPLETE + ",") && l.contains(",incomplete,,"));

    assertThat(admin.get("/console/results/export.csv?uid=FX&status=completed").body().lines())
        .hasSize(3);
    assertThat(admin.get("/console/results/export.csv?env=test&uid=FX").body().lines())
        .hasSize(2)
        .last()
        .satisfies(l -> assertThat(l).startsWith(TEST_UID + ",Loans,TEST,"));

    List<String> paged =
        admin
            .get("/console/results/export.csv?deployment=" + pagingDeployment)
            .body()
            .lines()
            .toList();
    assertThat(paged).hasSize(53); // all pages, not the first 50
    String injected = "\"'" + INJECTED_NAME.replace("\"", "\"\"") + "\"";
    assertThat(paged.subList(1, 53)).allMatch(l -> l.contains("," + injected + ",PRODUCTION,"));
    assertThat(paged).anyMatch(l -> l.startsWith("-RP-injected,")); // a valid uid, kept as it is
  }

  @Test
  void aUidStartingWithMinusComesBackFromTheExportUnchanged() {
    JsonNode minus =
        json(
            server.operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\"" + acme.companyId() + "\",\"name\":\"-1+1\"}"));
    String key = minus.at("/production/api_key").asText();
    String integration = minus.at("/production/integration_id").asText();
    List<String> made = List.of("-2-3-4-5", "-12345", "--CUST_7");
    for (String uid : made) {
      new Lender(server).applicant(key, integration, uid);
    }

    HttpResponse<String> export =
        admin.get("/console/results/export.csv?deployment=" + minus.get("deployment_id").asText());
    assertThat(export.statusCode()).isEqualTo(200);
    List<List<String>> rows =
        export.body().lines().skip(1).map(OutcomeCsv::fields).toList(); // the upload's reader
    assertThat(rows).extracting(r -> r.get(0)).containsExactlyInAnyOrderElementsOf(made);
    // The deployment's name is not a uid, so it is still guarded.
    assertThat(rows).extracting(r -> r.get(1)).containsOnly("'-1+1");
  }

  @Test
  void theHistogramCountsTheFilteredScores() {
    assertThat(barCounts(admin.get("/console/results?uid=FX"))).isEqualTo(2);
    String band = calculated.get(LOW).get("risk_band").asText();
    long inBand =
        List.of(HIGH, LOW).stream()
            .filter(u -> calculated.get(u).get("risk_band").asText().equals(band))
            .count();
    HttpResponse<String> banded = admin.get("/console/results?uid=FX&band=" + band);
    assertThat(barCounts(banded)).isEqualTo(inBand);
    assertThat(banded.body()).contains("data-total=\"" + inBand + "\"");
    String lowScore = String.valueOf(calculated.get(LOW).get("score").asInt());
    HttpResponse<String> one = admin.get("/console/results?uid=" + LOW);
    assertThat(barCounts(one)).isEqualTo(1);
    assertThat(one.body()).containsPattern("data-from=\"" + lowScore + "\" data-to=\"" + lowScore);
    assertThat(admin.get("/console/results?uid=FX&status=cancelled").body())
        .contains("No scored results in this selection")
        .doesNotContain("<svg class=\"histogram\"");
    assertThat(barCounts(admin.get("/console/results?env=test"))).isEqualTo(1);
    assertThat(admin.get("/console/results?uid=FX").body()).doesNotContain("style=");
  }

  // --- one result -------------------------------------------------------------------------------

  @Test
  void aResultPageShowsItsFactsTraitsAndDeliveredEvents() {
    HttpResponse<String> page = admin.get(resultPath(HIGH));
    assertThat(page.statusCode()).isEqualTo(200);
    JsonNode high = calculated.get(HIGH);
    assertThat(page.body())
        .contains("<strong class=\"score\">" + high.get("score").asInt() + "</strong>")
        .contains(">" + high.get("risk_band").asText() + "</span>")
        .contains(high.at("/model/version").asText())
        .contains("Production")
        .contains("application.complete", "psychometric_score.complete", "HTTP 200")
        .contains(receiver.url())
        .contains("Redeliver")
        .doesNotContain("Re-open this uid", "style=");
    for (JsonNode trait : high.get("traits")) {
      assertThat(page.body())
          .contains(
              "data-key=\""
                  + trait.get("key").asText()
                  + "\" data-value=\""
                  + trait.get("value").asInt()
                  + "\"");
    }
    assertThat(high.get("traits")).isNotEmpty();
    // each trait in words: name, meaning, the internal key, which way the model's weight moves
    // the risk, and its standard error where the result has one (the domains, not the games)
    String text = page.body().replace("&#39;", "'");
    for (JsonNode trait : high.get("traits")) {
      String key = trait.get("key").asText();
      Glossary.Term term = Glossary.standard().term(key);
      double weight = CreditModel.DEFAULT.weights().get(key);
      JsonNode error = high.at("/evidence/standard_errors").path(key);
      String note =
          error.isNumber()
              ? String.format(
                  Locale.ROOT,
                  "Standard error %.1f T points: likely %d to %d.",
                  error.asDouble(),
                  Norms.percentileRange(trait.get("value").asInt(), error.asDouble())[0],
                  Norms.percentileRange(trait.get("value").asInt(), error.asDouble())[1])
              : "Standard error not known.";
      assertThat(text)
          .containsPattern(
              "(?s)"
                  + Pattern.quote("<strong class=\"trait-name\">" + term.name() + "</strong>")
                  + "\\s*"
                  + Pattern.quote("<code class=\"term-key\" title=\"Internal key\">" + key)
                  + ".*?"
                  + Pattern.quote(term.meaning())
                  + ".*?"
                  + Pattern.quote(
                      weight > 0
                          ? "The higher, the higher the risk."
                          : "The higher, the lower the risk.")
                  + ".*?"
                  + Pattern.quote(note));
    }
    assertThat(high.at("/evidence/standard_errors/domain.C").isNumber()).isTrue();
    assertThat(text).contains("Standard error not known.").doesNotContain(">domain.C, ");

    HttpResponse<String> expired = admin.get(resultPath(EXPIRED));
    assertThat(expired.body())
        .contains("status expired", "application.expired", "Re-open this uid", "not started");
    assertThat(admin.get(resultPath(INCOMPLETE)).body())
        .contains("application.expired", "application.incomplete");
    HttpResponse<String> test =
        admin.get("/console/results/" + acme.testIntegrationId() + "/" + TEST_UID);
    assertThat(test.body()).contains("<span class=\"badge test\">TEST</span>", "test-banner");
    assertThat(admin.get(resultPath("FX-nobody-01")).statusCode()).isEqualTo(404);
  }

  @Test
  void anAdminSendsAnEventAgain() {
    HttpResponse<String> page = admin.get(resultPath(LOW));
    List<String> eventIds = all(EVENT_FORM, page.body());
    assertThat(eventIds).hasSize(2);
    int before = receiver.received().size();
    HttpResponse<String> sent =
        admin.post(resultPath(LOW) + "/events/" + eventIds.get(1) + "/redeliver", Map.of());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(302);
    assertThat(sent.headers().firstValue("Location"))
        .hasValue(resultPath(LOW) + "?done=redelivered");
    Received again = receiver.await(before + 1, WAIT).get(before);
    JsonNode body = parse(again.text());
    assertThat(body.get("uid").asText()).isEqualTo(LOW);
    assertThat(body.at("/event/type").asText()).isEqualTo("psychometric_score.complete");
    assertThat(admin.get(resultPath(LOW) + "?done=redelivered").body())
        .contains("being sent again");
    assertThat(AuditPage.read(admin).text())
        .contains("event.redelivered")
        .contains("uid " + LOW + " on " + acme.productionIntegrationId());
  }

  @Test
  void anAdminReopensAnExpiredUidAndGetsTheApplicantsNewLink() {
    admin.get(resultPath(REOPEN));
    HttpResponse<String> reopened = admin.post(resultPath(REOPEN) + "/reopen", Map.of());
    assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
    Matcher link =
        Pattern.compile("id=\"applicant-link\" class=\"mono\" readonly value=\"([^\"]+)\"")
            .matcher(reopened.body());
    assertThat(link.find()).as(reopened.body()).isTrue();
    assertThat(server.get(URI.create(link.group(1)).getPath()).statusCode()).isEqualTo(200);
    assertThat(reopened.body()).contains("status open").doesNotContain("Re-open this uid");
    assertThat(uids(admin.get("/console/results?uid=RO&status=open"))).containsExactly(REOPEN);

    HttpResponse<String> again = admin.post(resultPath(REOPEN) + "/reopen", Map.of());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("only an expired session can be re-opened");
    HttpResponse<String> completed = admin.post(resultPath(HIGH) + "/reopen", Map.of());
    assertThat(completed.statusCode()).isEqualTo(409);
    assertThat(completed.body()).contains("is completed; only an expired session");

    String audit = AuditPage.read(admin).text();
    assertThat(audit).contains("session.reopened", "uid " + REOPEN);
    assertThat(audit).doesNotContain(URI.create(link.group(1)).getPath().substring(1));
  }

  // --- who may do what --------------------------------------------------------------------------

  @Test
  void anEventIsNotOfferedAgainWhereThereIsNoWebhookAndTheServerRefusesIt() {
    // Test has no webhook URL: its events ended NO_WEBHOOK, without an attempt.
    String integration = acme.testIntegrationId();
    String eventsPath =
        "/v1/admin/integrations/" + integration + "/sessions/" + TEST_UID + "/events";
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode events = json(server.operator("GET", eventsPath, null)).get("events");
    while (events.findValuesAsText("status").contains("PENDING") && System.nanoTime() < deadline) {
      Lender.sleep(50);
      events = json(server.operator("GET", eventsPath, null)).get("events");
    }
    assertThat(events).isNotEmpty();
    for (JsonNode event : events) {
      assertThat(event.get("status").asText()).isEqualTo("NO_WEBHOOK");
      assertThat(event.get("attempts").asInt()).isZero();
    }
    String path = "/console/results/" + integration + "/" + TEST_UID;
    HttpResponse<String> page = admin.get(path);
    assertThat(page.body())
        .doesNotContain("Redeliver", "/redeliver")
        .contains("This environment has no webhook URL, so events have nowhere to go");

    String eventId = events.get(0).get("id").asText();
    HttpResponse<String> refused = admin.post(path + "/events/" + eventId + "/redeliver", Map.of());
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body())
        .contains(
            "This environment has no webhook URL, so an event has nowhere to go: set one in the"
                + " Deployment Centre, then send the event again. Nothing was sent.");
    assertThat(json(server.operator("GET", eventsPath, null)).get("events")).isEqualTo(events);
    assertThat(AuditPage.read(admin).text()).doesNotContain("uid " + TEST_UID);
  }

  @Test
  void aViewerSeesEverythingAndChangesNothing() {
    HttpResponse<String> list = viewer.get("/console/results?uid=FX");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(uids(list)).hasSize(5);
    assertThat(viewer.get("/console/results/export.csv?uid=FX").body().lines()).hasSize(6);
    HttpResponse<String> page = viewer.get(resultPath(EXPIRED));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("Re-open this uid", "Redeliver");
    String eventId = all(EVENT_FORM, admin.get(resultPath(EXPIRED)).body()).get(0);

    int before = receiver.received().size();
    HttpResponse<String> reopen = viewer.post(resultPath(EXPIRED) + "/reopen", Map.of());
    assertThat(reopen.statusCode()).isEqualTo(403);
    HttpResponse<String> redeliver =
        viewer.post(resultPath(EXPIRED) + "/events/" + eventId + "/redeliver", Map.of());
    assertThat(redeliver.statusCode()).isEqualTo(403);
    Lender.sleep(500);
    assertThat(receiver.received()).hasSize(before);
    assertThat(admin.get(resultPath(EXPIRED)).body()).contains("status expired");
  }

  @Test
  void anotherCompanysUidsAndIntegrationsAreUnknownEverywhere() {
    String acmePage = resultPath(EXPIRED);
    String eventId = all(EVENT_FORM, admin.get(acmePage).body()).get(0);
    otherAdmin.get("/console/results");
    assertThat(otherAdmin.get(acmePage).statusCode()).isEqualTo(404);
    assertThat(otherAdmin.post(acmePage + "/reopen", Map.of()).statusCode()).isEqualTo(404);
    assertThat(
            otherAdmin.post(acmePage + "/events/" + eventId + "/redeliver", Map.of()).statusCode())
        .isEqualTo(404);
    // Acme's uid or event under the other company's own integration: unknown there too.
    String otherIntegration = "/console/results/" + other.productionIntegrationId() + "/";
    assertThat(otherAdmin.get(otherIntegration + EXPIRED).statusCode()).isEqualTo(404);
    assertThat(
            otherAdmin
                .post(otherIntegration + OTHER + "/events/" + eventId + "/redeliver", Map.of())
                .statusCode())
        .isEqualTo(404);
    assertThat(uids(otherAdmin.get("/console/results?uid=FX"))).containsExactly(OTHER);
    assertThat(otherAdmin.get("/console/results/export.csv?uid=FX").body())
        .doesNotContain(HIGH, EXPIRED);
    assertThat(admin.get(otherIntegration + OTHER).statusCode()).isEqualTo(404);
    assertThat(uids(admin.get("/console/results?uid=" + OTHER))).isEmpty();
    assertThat(admin.get(acmePage).body()).contains("status expired");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Applicant production(Lender lender, String uid) {
    createdOn.put(uid, today());
    return lender.applicant(acme.productionKey(), acme.productionIntegrationId(), uid);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC);
  }

  private String resultPath(String uid) {
    return "/console/results/" + acme.productionIntegrationId() + "/" + uid;
  }

  private JsonNode pulled(String apiKey, String uid) {
    HttpResponse<String> result = server.send("GET", "/v1/results/" + uid, null, "api-key", apiKey);
    return json(result).at("/details/calculated");
  }

  private static List<String> uids(HttpResponse<String> page) {
    return all(ROW_UID, page.body());
  }

  private static long barCounts(HttpResponse<String> page) {
    return all(BAR_COUNT, page.body()).stream().mapToLong(Long::parseLong).sum();
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static JsonNode parse(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(text, e);
    }
  }

  private static String jsonString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
