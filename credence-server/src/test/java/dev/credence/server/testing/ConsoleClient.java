package dev.credence.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser's worth of the dashboard over plain HTTP: its own cookies, no redirects followed, and
 * forms posted with the CSRF token of the last page it read, as a browser would.
 */
public final class ConsoleClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");
  private static final Pattern INVITATION =
      Pattern.compile("(/console/invitations/[A-Za-z0-9_-]+)");
  private static final AtomicInteger PEOPLE = new AtomicInteger();
  public static final String PASSWORD = "correct horse battery staple";

  private final RunningServer server;
  private final HttpClient http;
  private String csrf;

  public ConsoleClient(RunningServer server) {
    this.server = server;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** A new company's first Admin: invited by the operator, invitation accepted, signed in. */
  public static ConsoleClient firstAdmin(RunningServer server, String companyId) {
    String email = "admin" + PEOPLE.incrementAndGet() + "@example.com";
    var invited =
        server.operator(
            "POST",
            "/v1/admin/companies/" + companyId + "/admins",
            "{\"email\":\"" + email + "\"}");
    assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
    String url = RunningServer.json(invited).get("invitation_url").asText();
    ConsoleClient client = new ConsoleClient(server);
    client.accept(URI.create(url).getPath(), "First Admin");
    client.get("/console/users");
    return client;
  }

  /** A user invited by this (Admin) client with {@code role} ADMIN or VIEWER, signed in. */
  public ConsoleClient invite(String role) {
    String email = role.toLowerCase() + PEOPLE.incrementAndGet() + "@example.com";
    get("/console/users");
    HttpResponse<String> page = post("/console/users/invite", Map.of("email", email, "role", role));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    Matcher link = INVITATION.matcher(page.body());
    assertThat(link.find()).as(page.body()).isTrue();
    ConsoleClient other = new ConsoleClient(server);
    other.accept(link.group(1), role + " user");
    return other;
  }

  private void accept(String path, String name) {
    assertThat(get(path).statusCode()).isEqualTo(200);
    HttpResponse<String> accepted =
        post(path, Map.of("name", name, "password", PASSWORD, "repeat", PASSWORD));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(302);
  }

  /** Reads a page and keeps its CSRF token for the next form. */
  public HttpResponse<String> get(String path) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
    Matcher token = CSRF.matcher(response.body());
    if (token.find()) {
      csrf = token.group(1);
    }
    return response;
  }

  /** Posts a form with the token of the last page read. */
  public HttpResponse<String> post(String path, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (csrf != null) {
      all.putIfAbsent("csrf", csrf);
    }
    return postRaw(path, all);
  }

  /** Posts exactly these fields: no token added. */
  public HttpResponse<String> postRaw(String path, Map<String, String> fields) {
    String body =
        fields.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public String csrf() {
    return csrf;
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
