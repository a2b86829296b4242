package dev.credence.server.testing;

import static dev.credence.server.testing.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.RunningServer.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Real HTTP to a server under test, in this JVM ({@link RunningServer}) or in a process of its own
 * ({@link ServerProcess}): requests, the session API and the operator API.
 */
public abstract class ServerHttp {
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private volatile Duration requestTimeout = Duration.ofSeconds(30);

  /** Where the server answers, as {@code http://localhost:PORT}. */
  public abstract String baseUrl();

  /**
   * How long each request waits for its answer from now on (30 s unless set); past it the request
   * fails with an {@link UncheckedIOException} wrapping {@link java.net.http.HttpTimeoutException}.
   */
  public void requestTimeout(Duration timeout) {
    this.requestTimeout = timeout;
  }

  /** Any request; headers as name, value pairs. */
  public HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(requestTimeout);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  /** {@code POST /v1/sessions-management/tokens} with an api-key and any extra headers. */
  public HttpResponse<String> createSession(String apiKey, String body, String... headers) {
    String[] all = new String[headers.length + (apiKey == null ? 2 : 4)];
    all[0] = "Content-Type";
    all[1] = "application/json";
    if (apiKey != null) {
      all[2] = "api-key";
      all[3] = apiKey;
    }
    System.arraycopy(headers, 0, all, apiKey == null ? 2 : 4, headers.length);
    return send("POST", "/v1/sessions-management/tokens", body, all);
  }

  public HttpResponse<String> operator(String method, String path, String body) {
    return send(
        method,
        path,
        body,
        "Authorization",
        "Bearer " + RunningServer.OPERATOR_TOKEN,
        "Content-Type",
        "application/json");
  }

  /** A new company with one deployment, through the operator API. */
  public Deployment newDeployment() {
    JsonNode company = json(operator("POST", "/v1/admin/companies", "{\"name\":\"Acme Lending\"}"));
    JsonNode created =
        json(
            operator(
                "POST",
                "/v1/admin/deployments",
                "{\"company_id\":\""
                    + company.get("company_id").asText()
                    + "\",\"name\":\"Loans\"}"));
    return new Deployment(
        company.get("company_id").asText(),
        created.get("deployment_id").asText(),
        created.at("/test/integration_id").asText(),
        created.at("/test/api_key").asText(),
        created.at("/production/integration_id").asText(),
        created.at("/production/api_key").asText());
  }

  /**
   * A session of a new deployment whose Production environment has {@code settings} (a patch of the
   * operator API; none refused), as a lender creates it: the answer (access_token, redirect_url,
   * ...).
   */
  public JsonNode newSession(String settings, String uid) {
    Deployment deployment = newDeployment();
    JsonNode patched = patchIntegration(deployment.productionIntegrationId(), settings);
    assertThat(patched.has("error")).as(patched.toString()).isFalse();
    HttpResponse<String> created =
        createSession(
            deployment.productionKey(),
            RunningServer.sessionBody(uid, deployment.productionIntegrationId()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return json(created);
  }

  /** Loan outcomes through the operator API: a {@code uid,outcome,date} CSV; its report. */
  public HttpResponse<String> uploadOutcomes(String integrationId, String csv) {
    return send(
        "POST",
        "/v1/admin/integrations/" + integrationId + "/outcomes",
        csv,
        "Authorization",
        "Bearer " + RunningServer.OPERATOR_TOKEN,
        "Content-Type",
        "text/csv");
  }

  /** The webhook test call of the environment whose key is {@code apiKey}, as a lender makes it. */
  public HttpResponse<String> webhookTestCall(String apiKey) {
    return send("POST", "/v1/webhooks-management/test", null, "api-key", apiKey);
  }

  public JsonNode patchIntegration(String integrationId, String patch) {
    return json(operator("PATCH", "/v1/admin/integrations/" + integrationId, patch));
  }

  /**
   * Repeats {@code call} until it answers {@code status}, every answer before it being 200: how
   * long after {@code since} (a {@link System#nanoTime()}) that answer came. Fails once {@code
   * limit} has passed since {@code since}. For a change that reaches a node within a bound, such as
   * a rotated API key (docs/decisions/0024-api-key-cache.md).
   */
  public static Duration untilStatus(
      long since, Duration limit, int status, Supplier<HttpResponse<String>> call) {
    HttpResponse<String> response;
    do {
      response = call.get();
      if (response.statusCode() == status) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    } while (System.nanoTime() - since < limit.toNanos());
    throw new AssertionError("still not " + status + " after " + limit + ": " + response.body());
  }

  /**
   * The operator's view of a uid's events, polled until {@code done} holds (at most {@code wait}).
   */
  public List<JsonNode> awaitEvents(
      String integrationId, String uid, Duration wait, Predicate<List<JsonNode>> done) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<JsonNode> events = List.of();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          operator(
              "GET",
              "/v1/admin/integrations/" + integrationId + "/sessions/" + uid + "/events",
              null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      events = new ArrayList<>();
      json(response).get("events").forEach(events::add);
      if (done.test(events)) {
        return events;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("events of " + uid + " never got there: " + events);
  }
}
