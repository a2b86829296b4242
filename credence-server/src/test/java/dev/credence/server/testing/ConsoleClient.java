package dev.credence.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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
  public static final String PASSWORD = "velvet lantern orbit 58";

  private final ServerHttp server;
  private final HttpClient http;
  private String csrf;
  private String email;
  private final CookieManager cookies = new CookieManager();

  public ConsoleClient(ServerHttp server) {
    this.server = server;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** A new company's first Admin: invited by the operator, invitation accepted, signed in. */
  public static ConsoleClient firstAdmin(ServerHttp server, String companyId) {
    String email = "admin" + PEOPLE.incrementAndGet() + "@example.com";
    var invited =
        server.operator(
            "POST",
            "/v1/admin/companies/" + companyId + "/admins",
            "{\"email\":\"" + email + "\"}");
    assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
    String url = RunningServer.json(invited).get("invitation_url").asText();
    ConsoleClient client = new ConsoleClient(server);
    client.email = email;
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
    other.email = email;
    other.accept(link.group(1), role + " user");
    return other;
  }

  /**
   * Makes a batch of {@code count} links named {@code name} through the Links page's form, with the
   * rest of its fields as the page fills them in.
   */
  public void generateLinks(String name, int count) {
    ConsoleCrawl.Form generate =
        ConsoleCrawl.forms("/console/links", get("/console/links").body()).stream()
            .filter(f -> f.action().equals("/console/links"))
            .findFirst()
            .orElseThrow();
    Map<String, String> batch = new LinkedHashMap<>(generate.fields());
    batch.put("name", name);
    batch.put("count", String.valueOf(count));
    HttpResponse<String> made = post(generate.action(), batch);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
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

  /**
   * Posts a form with the token of the last page read, as a reverse proxy relays it for {@code
   * forwardedFor} (its {@code X-Forwarded-For}); the server counts it as that client only when the
   * proxy is one of its CREDENCE_TRUSTED_PROXIES.
   */
  public HttpResponse<String> postFrom(
      String forwardedFor, String path, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (csrf != null) {
      all.putIfAbsent("csrf", csrf);
    }
    return send(form(path, all).header("X-Forwarded-For", forwardedFor));
  }

  /** Posts exactly these fields: no token added. */
  public HttpResponse<String> postRaw(String path, Map<String, String> fields) {
    return send(form(path, fields));
  }

  private HttpRequest.Builder form(String path, Map<String, String> fields) {
    String body =
        fields.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** Posts a file upload form (multipart/form-data) with the token of the last page read. */
  public HttpResponse<String> upload(
      String path, Map<String, String> fields, String fileField, String fileName, byte[] file) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (csrf != null) {
      all.putIfAbsent("csrf", csrf);
    }
    return uploadRaw(path, all, fileField, fileName, file);
  }

  /** Posts a file upload form with exactly these fields: no token added. */
  public HttpResponse<String> uploadRaw(
      String path, Map<String, String> fields, String fileField, String fileName, byte[] file) {
    Multipart form = multipart(fields, fileField, fileName, file);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())));
  }

  /** A multipart/form-data body and the content type that names its boundary. */
  public record Multipart(String contentType, byte[] body) {}

  public static Multipart multipart(
      Map<String, String> fields, String fileField, String fileName, byte[] file) {
    String boundary = "----credence" + PEOPLE.incrementAndGet() + "x" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      write(
          body,
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + field.getKey()
              + "\"\r\n\r\n"
              + field.getValue()
              + "\r\n");
    }
    write(
        body,
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + fileField
            + "\"; filename=\""
            + fileName
            + "\"\r\nContent-Type: text/csv\r\n\r\n");
    body.writeBytes(file);
    write(body, "\r\n--" + boundary + "--\r\n");
    return new Multipart("multipart/form-data; boundary=" + boundary, body.toByteArray());
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The e-mail address this user signs in with; null for a browser that has not joined. */
  public String email() {
    return email;
  }

  /** The cookies this browser holds, as a {@code Cookie} request header's value. */
  public String cookieHeader() {
    return cookies.getCookieStore().getCookies().stream()
        .map(c -> c.getName() + "=" + c.getValue())
        .collect(java.util.stream.Collectors.joining("; "));
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
