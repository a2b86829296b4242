package dev.credence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The server calls the benchmark makes before a journey, as a lender would: a company and a
 * deployment through the operator API, then one session of the Production environment a journey.
 * Loopback only.
 */
final class JourneyApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The environment sessions are made in. */
  record Integration(String id, String apiKey) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String operatorToken;

  JourneyApi(String base, String operatorToken) {
    if (!base.startsWith("http://127.0.0.1:")) {
      throw new IllegalArgumentException("the benchmark talks to 127.0.0.1 only, not " + base);
    }
    this.base = base;
    this.operatorToken = operatorToken;
  }

  /** A new company with one deployment; its Production environment. */
  Integration production(String name) {
    JsonNode company = operator("POST", "/v1/admin/companies", Map.of("name", name));
    JsonNode deployment =
        operator(
            "POST",
            "/v1/admin/deployments",
            Map.of("company_id", company.path("company_id").asText(), "name", name));
    JsonNode production = deployment.path("production");
    return new Integration(
        production.path("integration_id").asText(), production.path("api_key").asText());
  }

  /** Replaces the environment's assessment (JSON of the {@code assessment} setting). */
  void assessment(Integration integration, String assessment) {
    try {
      operator(
          "PATCH",
          "/v1/admin/integrations/" + integration.id(),
          Map.of("assessment", JSON.readTree(assessment)));
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + assessment, e);
    }
  }

  /** A new session for {@code uid}: the link the lender sends the applicant to. */
  String link(Integration integration, String uid) {
    JsonNode session =
        send(
            "POST",
            "/v1/sessions-management/tokens",
            Map.of("uid", uid, "integration_id", integration.id()),
            "api-key",
            integration.apiKey());
    String link = session.path("redirect_url").asText();
    if (!link.startsWith(base + "/")) {
      throw new IllegalStateException("the session's link is not on " + base + ": " + session);
    }
    return link;
  }

  private JsonNode operator(String method, String path, Map<String, ?> body) {
    return send(method, path, body, "Authorization", "Bearer " + operatorToken);
  }

  private JsonNode send(
      String method, String path, Map<String, ?> body, String header, String value) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header(header, value)
              .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
