package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The audit log as an Admin reads it, over real HTTP: each entry as who, when, what and a before
 * and after table of its fields (no JSON on the page), filtered by who, what and day (a bad day is
 * refused with 422 and nothing run), paged with its filters, and exported as CSV with the same
 * filters and the values as JSON.
 */
abstract class AuditLogContract extends ServerContract {
  private static final Pattern ENTRY =
      Pattern.compile(
          "(?s)<li class=\"audit-entry\" data-action=\"([^\"]*)\">(.*?)</li>\\s*(?=<li|</ol>)");
  private static final Pattern FIELD =
      Pattern.compile(
          "<tr(?: class=\"changed\")?><th scope=\"row\"><code>([^<]*)</code></th>"
              + "<td>([^<]*)</td><td>([^<]*)</td></tr>");

  /** One entry of the page: its action, its text, and its field rows (field, before, after). */
  record Shown(String action, String html, List<List<String>> fields) {}

  @Test
  void eachEntryReadsAsWhoWhenWhatAndAFieldTable() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    ConsoleClient viewer = admin.invite("VIEWER");
    viewer.get("/console/users");
    String viewerId = userIdOf(admin, viewer.email());
    assertThat(
            admin
                .post("/console/users/" + viewerId + "/role", Map.of("role", "ADMIN"))
                .statusCode())
        .isEqualTo(302);
    server.patchIntegration(d.productionIntegrationId(), "{\"session_expiry_hours\": 36}");

    HttpResponse<String> page = admin.get("/console/audit");
    assertThat(page.statusCode()).isEqualTo(200);
    String main = page.body().substring(page.body().indexOf("<main"));
    assertThat(main).doesNotContain("{&#34;", "{\"", "class=\"json\"");
    List<Shown> entries = entries(page.body());
    assertThat(entries)
        .extracting(Shown::action)
        .containsExactly(
            "environment.settings_changed",
            "user.role_changed",
            "invitation.accepted",
            "user.invited",
            "invitation.accepted",
            "user.invited",
            "deployment.created",
            "company.created");

    Shown settings = entries.get(0);
    assertThat(settings.html())
        .contains(
            "<strong>Settings changed</strong> <code class=\"term-key\">environment.settings_changed</code>")
        .contains("<p class=\"audit-who\">operator</p>")
        .contains("On Loans · Production")
        .containsPattern("<time datetime=\"[0-9T:.-]+Z\">[0-9-]+ [0-9:]+ UTC</time>");
    assertThat(settings.fields()).containsExactly(List.of("session_expiry_hours", "24", "36"));

    Shown role = entries.get(1);
    assertThat(role.html())
        .contains("<strong>Role changed</strong>")
        .contains("<p class=\"audit-who\">" + admin.email() + "</p>")
        .contains("On " + viewer.email());
    assertThat(role.fields()).containsExactly(List.of("role", "VIEWER", "ADMIN"));
    assertThat(role.html()).contains("<tr class=\"changed\">");

    // Nothing before: the before column says so; nested values are named by their path.
    Shown invited = entries.get(3);
    assertThat(invited.fields())
        .containsExactlyInAnyOrder(
            List.of("email", "–", viewer.email()), List.of("role", "–", "VIEWER"));
    Shown deployment = entries.get(6);
    assertThat(deployment.fields())
        .extracting(f -> f.get(0))
        .containsExactlyInAnyOrder(
            "deployment_id", "name", "test_integration_id", "production_integration_id");
  }

  @Test
  void filtersByWhoWhatAndDayAndRefusesABadDay() {
    // The company and its deployment one day, its first Admin and a settings change the next.
    RunningServer.Deployment d = server.newDeployment();
    String today = LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).toString();
    String tomorrow =
        LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).plusDays(1).toString();
    String yesterday =
        LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).minusDays(1).toString();
    server.clock().advance(Duration.ofDays(1));
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    server.patchIntegration(d.testIntegrationId(), "{\"session_expiry_hours\": 12}");

    HttpResponse<String> all = admin.get("/console/audit");
    assertThat(all.body())
        .contains("<option value=\"operator\">operator</option>")
        .contains("<option value=\"" + admin.email() + "\">" + admin.email() + "</option>")
        .contains("<option value=\"user.invited\">User invited</option>");
    assertThat(actions(admin, "?actor=operator"))
        .containsExactly(
            "environment.settings_changed",
            "user.invited",
            "deployment.created",
            "company.created");
    assertThat(actions(admin, "?actor=" + admin.email().replace("@", "%40")))
        .containsExactly("invitation.accepted");
    assertThat(actions(admin, "?action=user.invited")).containsExactly("user.invited");
    assertThat(actions(admin, "?actor=operator&action=company.created"))
        .containsExactly("company.created");
    assertThat(actions(admin, "?from=" + tomorrow))
        .containsExactly("environment.settings_changed", "invitation.accepted", "user.invited");
    assertThat(actions(admin, "?to=" + today))
        .containsExactly("deployment.created", "company.created");
    assertThat(actions(admin, "?from=" + today + "&to=" + today)).hasSize(2);
    assertThat(actions(admin, "?actor=operator&from=" + tomorrow + "&to=" + tomorrow))
        .containsExactly("environment.settings_changed", "user.invited");
    HttpResponse<String> none = admin.get("/console/audit?to=" + yesterday);
    assertThat(entries(none.body())).isEmpty();
    assertThat(none.body()).contains("No entry matches these filters.");
    assertThat(actions(admin, "?actor=nobody%40example.com")).isEmpty();

    // A bad day or an end before the start: 422 with the reason, and no entries read.
    for (String[] bad :
        new String[][] {
          {"?from=2026-13-01", "from must be a date written YYYY-MM-DD, such as 2026-01-31."},
          {"?to=yesterday", "to must be a date written YYYY-MM-DD, such as 2026-01-31."},
          {"?from=" + tomorrow + "&to=" + today, "The end date " + today + " is before the start"},
          {"?before=abc", "before must be an audit entry number from a page link."}
        }) {
      HttpResponse<String> refused = admin.get("/console/audit" + bad[0]);
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(422);
      assertThat(refused.body()).as(bad[0]).contains(bad[1]);
      assertThat(entries(refused.body())).as(bad[0]).isEmpty();
      HttpResponse<String> csv = admin.get("/console/audit/export.csv" + bad[0]);
      assertThat(csv.statusCode()).as(bad[0]).isEqualTo(422);
      assertThat(csv.body()).as(bad[0]).contains(bad[1]).contains("filter_invalid");
    }
  }

  @Test
  void theCsvHasEveryEntryTheFiltersSelectWithItsValuesAsJson() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    server.patchIntegration(
        d.testIntegrationId(), "{\"complete_url\": \"https://lender.example/done?a=1,b=2\"}");
    HttpResponse<String> export = admin.get("/console/audit/export.csv");
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    String day = LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC).toString();
    assertThat(export.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"audit-" + day + ".csv\"");
    List<List<String>> rows = AuditPage.csv(export.body());
    assertThat(rows.get(0))
        .containsExactly("id", "created_at", "who", "action", "target", "before", "after");
    assertThat(rows.subList(1, rows.size()))
        .extracting(r -> r.get(3))
        .isEqualTo(actions(admin, ""));
    List<String> settings = rows.get(1);
    assertThat(settings.get(1)).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z");
    assertThat(settings.subList(2, 7))
        .containsExactly(
            "operator",
            "environment.settings_changed",
            "Loans · Test",
            "{\"complete_url\":null}",
            "{\"complete_url\":\"https://lender.example/done?a=1,b=2\"}");
    assertThat(Long.parseLong(rows.get(1).get(0)))
        .isGreaterThan(Long.parseLong(rows.get(2).get(0)));

    List<List<String>> filtered =
        AuditPage.csv(admin.get("/console/audit/export.csv?action=company.created").body());
    assertThat(filtered).hasSize(2);
    assertThat(filtered.get(1).get(3)).isEqualTo("company.created");

    ConsoleClient viewer = admin.invite("VIEWER");
    assertThat(viewer.get("/console/audit/export.csv").statusCode()).isEqualTo(403);
    assertThat(viewer.get("/console/audit").statusCode()).isEqualTo(403);
  }

  @Test
  void olderEntriesKeepTheFilters() {
    RunningServer.Deployment d = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    for (int hours = 1; hours <= 52; hours++) {
      server.patchIntegration(
          d.testIntegrationId(), "{\"session_expiry_hours\": " + (hours + 1) + "}");
    }
    String filter = "?action=environment.settings_changed";
    HttpResponse<String> first = admin.get("/console/audit" + filter);
    assertThat(entries(first.body())).hasSize(50);
    Matcher older =
        Pattern.compile(
                "<a href=\"/console/audit\\?(action=environment.settings_changed&amp;before=[0-9]+)\">Older entries</a>")
            .matcher(first.body());
    assertThat(older.find()).as(first.body()).isTrue();
    List<Shown> rest =
        entries(admin.get("/console/audit?" + older.group(1).replace("&amp;", "&")).body());
    assertThat(rest).hasSize(2).allMatch(e -> e.action().equals("environment.settings_changed"));
    assertThat(rest.get(1).fields()).containsExactly(List.of("session_expiry_hours", "24", "2"));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static List<String> actions(ConsoleClient admin, String query) {
    HttpResponse<String> page = admin.get("/console/audit" + query);
    assertThat(page.statusCode()).as(query).isEqualTo(200);
    return entries(page.body()).stream().map(Shown::action).toList();
  }

  private static List<Shown> entries(String html) {
    List<Shown> entries = new ArrayList<>();
    Matcher entry = ENTRY.matcher(html);
    while (entry.find()) {
      List<List<String>> fields = new ArrayList<>();
      Matcher field = FIELD.matcher(entry.group(2));
      while (field.find()) {
        fields.add(
            List.of(
                AuditPage.unescaped(field.group(1)),
                AuditPage.unescaped(field.group(2)),
                AuditPage.unescaped(field.group(3))));
      }
      entries.add(new Shown(entry.group(1), AuditPage.unescaped(entry.group(2)), fields));
    }
    return entries;
  }

  private static String userIdOf(ConsoleClient admin, String email) {
    Matcher row =
        Pattern.compile(
                "<tr data-user-id=\"([0-9a-f]{24})\">\\s*<td[^>]*>[^<]*</td>\\s*<td[^>]*>"
                    + Pattern.quote(email)
                    + "</td>")
            .matcher(admin.get("/console/users").body());
    assertThat(row.find()).isTrue();
    return row.group(1);
  }
}
