package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behind https (the public URL says so), the dashboard's cookies are Secure. */
class SecureCookieTest {

  @Test
  void cookiesAreSecureWhenThePublicUrlIsHttps() {
    Map<String, String> env = Map.of("CREDENCE_PUBLIC_URL", "https://credence.lender.example");
    try (RunningServer server = RunningServer.start(TestDatabase.H2, env)) {
      ConsoleClient browser = new ConsoleClient(server);
      HttpResponse<String> page = browser.get("/console/login");
      assertThat(cookie(page.headers().allValues("Set-Cookie"), "credence_form="))
          .contains("Secure")
          .contains("HttpOnly")
          .contains("SameSite=Strict");

      String company =
          RunningServer.json(
                  server.operator("POST", "/v1/admin/companies", "{\"name\":\"Acme Lending\"}"))
              .get("company_id")
              .asText();
      String link =
          RunningServer.json(
                  server.operator(
                      "POST",
                      "/v1/admin/companies/" + company + "/admins",
                      "{\"email\":\"sec@example.com\"}"))
              .get("invitation_url")
              .asText();
      assertThat(link).startsWith("https://credence.lender.example/console/invitations/");
      String path = java.net.URI.create(link).getPath();
      // The client does not send Secure cookies over plain HTTP, so the form token goes by hand.
      HttpResponse<String> form = browser.get(path);
      String token = cookie(form.headers().allValues("Set-Cookie"), "credence_form=");
      String value = token.substring("credence_form=".length(), token.indexOf(';'));
      HttpResponse<String> accepted =
          browser.send(
              java.net.http.HttpRequest.newBuilder(browser.uri(path))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Cookie", "credence_form=" + value)
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "name=Sec&password=velvet+lantern+orbit+58"
                              + "&repeat=velvet+lantern+orbit+58&csrf="
                              + value)));
      assertThat(accepted.statusCode()).isEqualTo(302);
      assertThat(cookie(accepted.headers().allValues("Set-Cookie"), "credence_console="))
          .contains("Secure")
          .contains("HttpOnly")
          .contains("SameSite=Lax");
    }
  }

  private static String cookie(List<String> setCookies, String prefix) {
    return setCookies.stream().filter(c -> c.startsWith(prefix)).findFirst().orElseThrow();
  }
}
