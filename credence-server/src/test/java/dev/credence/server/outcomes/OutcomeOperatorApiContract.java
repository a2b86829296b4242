package dev.credence.server.outcomes;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/admin/integrations/{integration_id}/outcomes}: the dashboard's outcome upload for
 * the operator, with a CSV body and the same row-by-row report as JSON.
 */
abstract class OutcomeOperatorApiContract extends ServerContract {
  private static final String CSV = "text/csv; charset=utf-8";

  @Test
  void anUploadStoresTheGoodRowsReportsTheRestAndIsAuditedAsTheOperators() {
    RunningServer.Deployment d = server.newDeployment();
    for (String uid : new String[] {"LOAN-1", "LOAN-2", "LOAN-3"}) {
      assertThat(
              server
                  .createSession(d.productionKey(), sessionBody(uid, d.productionIntegrationId()))
                  .statusCode())
          .isEqualTo(200);
    }
    String file =
        "uid,outcome,date\n"
            + "LOAN-1,repaid,2026-10-01\n"
            + "LOAN-2,dpd90,2026-11-15\n"
            + "NOBODY-9,default,2026-11-01\n"
            + "LOAN-3,late,2026-11-01\n";

    JsonNode first = json(upload(d.productionIntegrationId(), CSV, file, 200));
    assertThat(first.get("accepted").asInt()).isEqualTo(2);
    assertThat(first.get("added").asInt()).isEqualTo(2);
    assertThat(first.get("changed").asInt()).isZero();
    assertThat(first.get("refused_count").asInt()).isEqualTo(2);
    assertThat(first.get("refused")).hasSize(2);
    assertThat(first.at("/refused/0/line").asInt()).isEqualTo(4);
    assertThat(first.at("/refused/0/reason").asText())
        .isEqualTo("unknown uid in Loans · Production");
    assertThat(first.at("/refused/1/line").asInt()).isEqualTo(5);
    assertThat(first.at("/refused/1/reason").asText()).contains("late");

    // The same file again changes nothing; a new date for a stored outcome changes it.
    JsonNode again = json(upload(d.productionIntegrationId(), CSV, file, 200));
    assertThat(again.get("added").asInt()).isZero();
    assertThat(again.get("unchanged").asInt()).isEqualTo(2);
    JsonNode redated =
        json(
            upload(
                d.productionIntegrationId(),
                CSV,
                "uid,outcome,date\nLOAN-1,repaid,2026-10-02\n",
                200));
    assertThat(redated.get("changed").asInt()).isEqualTo(1);

    ConsoleClient admin = ConsoleClient.firstAdmin(server, d.companyId());
    AuditPage audit = AuditPage.read(admin);
    assertThat(audit.of("outcomes.uploaded"))
        .hasSize(3)
        .allSatisfy(row -> assertThat(row.who()).isEqualTo("operator"))
        .allSatisfy(row -> assertThat(row.target()).isEqualTo("Loans · Production"));
    assertThat(audit.of("outcomes.uploaded").get(2).after().get("added").asInt()).isEqualTo(2);
  }

  @Test
  void badUploadsAreRefusedWithAReasonAndStoreNothing() {
    RunningServer.Deployment d = server.newDeployment();
    server.createSession(d.productionKey(), sessionBody("LOAN-1", d.productionIntegrationId()));
    String good = "uid,outcome,date\nLOAN-1,repaid,2026-10-01\n";
    String id = d.productionIntegrationId();

    assertError(upload(id, "application/json", "{}", 415), "unsupported_media_type");
    assertError(upload("no-such-integration", CSV, good, 404), "integration_not_found");
    assertError(upload(id, CSV, "", 422), "csv_missing");
    assertThat(json(upload(id, CSV, "name,result\nLOAN-1,repaid\n", 422)).get("detail").asText())
        .isNotBlank();
    String huge = "uid,outcome,date\n" + "LOAN-1,repaid,2026-10-01\n".repeat(250_000);
    assertError(upload(id, CSV, huge, 413), "csv_too_large");
    HttpResponse<String> anonymous =
        server.send(
            "POST", "/v1/admin/integrations/" + id + "/outcomes", good, "Content-Type", CSV);
    assertThat(anonymous.statusCode()).isEqualTo(401);

    // Nothing was stored by any of them: the good file now adds its row.
    assertThat(json(upload(id, CSV, good, 200)).get("added").asInt()).isEqualTo(1);
  }

  private HttpResponse<String> upload(String integrationId, String type, String body, int status) {
    HttpResponse<String> response =
        server.send(
            "POST",
            "/v1/admin/integrations/" + integrationId + "/outcomes",
            body,
            "Authorization",
            "Bearer " + RunningServer.OPERATOR_TOKEN,
            "Content-Type",
            type);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response;
  }

  private static void assertError(HttpResponse<String> response, String code) {
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).as(response.body()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isNotBlank();
  }
}
