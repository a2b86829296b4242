package dev.credence.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerHttp;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of the whole server over real HTTP, after an applicant's whole journey and
 * its webhooks: the text parses as Prometheus's format and holds every metric docs/configuration.md
 * names, with the values that journey must have left.
 */
class MetricsEndpointTest {
  private static final Path DOCS = Path.of("..", "docs", "configuration.md");
  private static final String TOKEN = "metrics-scrape-token-0123456789abcdef";
  private static final String CREATE = "/v1/sessions-management/tokens";

  @Test
  void aJourneyAndItsWebhooksShowInTheMetrics() {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        RunningServer server =
            RunningServer.start(
                TestDatabase.H2,
                RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS))) {
      String uid = "METRICS-000001";
      String settings =
          "{\"webhook_url\": \""
              + receiver.url()
              + "\", "
              + Applicant.SMALL_ASSESSMENT.substring(1);
      RunningServer.Deployment deployment = server.newDeployment();
      String integration = deployment.productionIntegrationId();
      assertThat(server.patchIntegration(integration, settings).has("error")).isFalse();
      HttpResponse<String> created =
          server.createSession(
              deployment.productionKey(), RunningServer.sessionBody(uid, integration));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      String token = RunningServer.json(created).get("access_token").asText();
      new Applicant(server, token).finish();
      List<JsonNode> events =
          server.awaitEvents(
              integration,
              uid,
              Duration.ofSeconds(20),
              all ->
                  all.toString().contains("psychometric_score.complete")
                      && all.stream().allMatch(e -> e.get("status").asText().equals("DELIVERED")));

      HttpResponse<String> response = server.get("/metrics");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      String text = response.body();
      PrometheusText metrics = PrometheusText.parse(text);

      for (String name : documentedMetrics()) {
        assertThat(metrics.type(name) != null || metrics.has(name))
            .as("documented metric %s is in the scrape: %s", name, metrics.families())
            .isTrue();
      }

      assertThat(metrics.value("credence_session_creations_total", "kind", "production"))
          .isEqualTo(1.0);
      assertThat(metrics.value("credence_session_creations_total", "kind", "test")).isZero();
      assertThat(metrics.value("credence_assessments_total", "change", "started")).isEqualTo(1.0);
      assertThat(metrics.value("credence_assessments_total", "change", "completed")).isEqualTo(1.0);
      assertThat(metrics.value("credence_assessments_total", "change", "cancelled")).isZero();
      assertThat(metrics.value("credence_assessments_total", "change", "expired")).isZero();

      assertThat(metrics.type("http_server_requests_seconds")).isEqualTo("histogram");
      String[] create = {"method", "POST", "route", CREATE, "status", "200"};
      assertThat(metrics.value("http_server_requests_seconds_count", create)).isEqualTo(1.0);
      assertThat(metrics.value("http_server_requests_seconds_sum", create)).isPositive();
      List<PrometheusText.Sample> buckets =
          metrics.samples("http_server_requests_seconds_bucket", create);
      assertThat(buckets).hasSizeGreaterThan(5);
      assertThat(buckets.get(buckets.size() - 1).labels().get("le")).isEqualTo("+Inf");
      assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(1.0);
      for (int i = 1; i < buckets.size(); i++) {
        assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
      }
      // The applicant's pages are counted under their template, never their token.
      assertThat(metrics.samples("http_server_requests_seconds_count", "route", "/{token}"))
          .isNotEmpty();
      assertThat(text)
          .doesNotContain(token)
          .doesNotContain(uid)
          .doesNotContain(integration)
          .doesNotContain(deployment.productionKey());

      assertThat(metrics.value("credence_webhook_deliveries_total", "outcome", "delivered"))
          .isEqualTo(events.size());
      assertThat(metrics.value("credence_webhook_deliveries_total", "outcome", "failed")).isZero();
      assertThat(metrics.value("credence_webhook_backlog")).isZero();
      assertThat(metrics.value("credence_webhook_oldest_due_age_seconds")).isZero();
      double lag = metrics.value("credence_scheduler_lag_seconds");
      assertThat(lag).isFinite().isGreaterThanOrEqualTo(0);

      assertThat(metrics.value("hikaricp_connections_max", "pool", "credence")).isEqualTo(16.0);
      assertThat(metrics.value("hikaricp_connections_active", "pool", "credence"))
          .isGreaterThanOrEqualTo(0);
      assertThat(metrics.samples("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
      assertThat(metrics.value("jvm_threads_live_threads")).isPositive();
      assertThat(metrics.value("process_uptime_seconds")).isPositive();

      assertThat(metrics.value("credence_erasures_total", "by", "operator")).isZero();
      HttpResponse<String> erased =
          server.operator(
              "DELETE", "/v1/admin/integrations/" + integration + "/sessions/" + uid, null);
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
      PrometheusText after = PrometheusText.parse(server.get("/metrics").body());
      assertThat(after.value("credence_erasures_total", "by", "operator")).isEqualTo(1.0);
      assertThat(after.value("credence_erasures_total", "by", "dashboard")).isZero();
      assertThat(after.value("credence_erasures_total", "by", "retention")).isZero();
    }
  }

  @Test
  void withATokenAScrapeMustSendIt() {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_METRICS_TOKEN", TOKEN))) {
      HttpResponse<String> missing = server.get("/metrics");
      assertRefused(missing, 401, "metrics_token_missing");
      assertThat(missing.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
      assertRefused(
          server.send("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN + "x"),
          401,
          "metrics_token_invalid");
      assertRefused(
          server.send("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN.toUpperCase()),
          401,
          "metrics_token_invalid");
      assertRefused(
          server.send("GET", "/metrics", null, "Authorization", "Basic " + TOKEN),
          401,
          "metrics_token_missing");
      // The operator token is not the metrics token.
      assertRefused(
          server.send(
              "GET", "/metrics", null, "Authorization", "Bearer " + RunningServer.OPERATOR_TOKEN),
          401,
          "metrics_token_invalid");

      HttpResponse<String> allowed =
          server.send("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN);
      assertThat(allowed.statusCode()).isEqualTo(200);
      PrometheusText metrics = PrometheusText.parse(allowed.body());
      // The refusals themselves were counted, under the route's template.
      assertThat(
              metrics.value(
                  "http_server_requests_seconds_count",
                  "method",
                  "GET",
                  "route",
                  "/metrics",
                  "status",
                  "401"))
          .isEqualTo(5.0);
    }
  }

  @Test
  void withAPortOfItsOwnTheScrapeIsServedThereOnly() {
    int metricsPort = RunningServer.freePort();
    try (RunningServer server =
        RunningServer.start(
            TestDatabase.H2, Map.of("CREDENCE_METRICS_PORT", String.valueOf(metricsPort)))) {
      assertRefused(server.get("/metrics"), 404, "not_found");
      assertThat(server.get("/metrics").body()).doesNotContain("jvm_");
      ServerHttp metricsSide =
          new ServerHttp() {
            @Override
            public String baseUrl() {
              return "http://localhost:" + metricsPort;
            }
          };
      HttpResponse<String> scrape = metricsSide.get("/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      PrometheusText metrics = PrometheusText.parse(scrape.body());
      assertThat(metrics.has("credence_webhook_backlog")).isTrue();
      assertThat(metrics.has("jvm_threads_live_threads")).isTrue();
      // Nothing else is served on that port.
      assertRefused(metricsSide.get("/health/live"), 404, "not_found");
      assertRefused(metricsSide.send("POST", CREATE, "{}"), 404, "not_found");
      assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theGrafanaDashboardQueriesOnlyDocumentedMetrics() throws IOException {
    JsonNode dashboard =
        dev.credence.server.http.Json.MAPPER.readTree(
            Files.readString(Path.of("..", "docs", "grafana-dashboard.json")));
    List<String> documented = documentedMetrics();
    Pattern metric = Pattern.compile("\\b(credence|http_server|hikaricp|jvm|process)_[a-z_]+");
    List<String> queried = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        Matcher m = metric.matcher(target.get("expr").asText());
        while (m.find()) {
          queried.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
      }
    }
    assertThat(queried).isNotEmpty();
    assertThat(documented).containsAll(queried);
    assertThat(queried)
        .contains(
            "http_server_requests_seconds",
            "credence_session_creations_total",
            "credence_webhook_backlog",
            "credence_scheduler_lag_seconds");
  }

  private static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = RunningServer.json(response);
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isNotBlank();
  }

  /** The names in the first column of the metrics table of docs/configuration.md. */
  static List<String> documentedMetrics() {
    String docs;
    try {
      docs = Files.readString(DOCS);
    } catch (IOException e) {
      throw new AssertionError(DOCS + " cannot be read", e);
    }
    int section = docs.indexOf("\n## Metrics\n");
    assertThat(section).as("docs/configuration.md has a Metrics section").isPositive();
    int end = docs.indexOf("\n## ", section + 1);
    String table = docs.substring(section, end < 0 ? docs.length() : end);
    Matcher row = Pattern.compile("\n\\| `([a-z_:][a-z0-9_:]*)` \\|").matcher(table);
    List<String> names = new ArrayList<>();
    while (row.find()) {
      names.add(row.group(1));
    }
    assertThat(names).as("metrics named in docs/configuration.md").hasSizeGreaterThan(10);
    return names;
  }
}
