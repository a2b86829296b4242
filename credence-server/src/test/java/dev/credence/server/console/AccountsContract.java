package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dashboard accounts over real HTTP: sign-in, invitations, roles, throttling, CSRF, idle expiry.
 */
abstract class AccountsContract extends ServerContract {

  @Test
  void theOperatorInvitesTheFirstAdminWhoSignsInAndOut() {
    RunningServer.Deployment deployment = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    HttpResponse<String> users = admin.get("/console/users");
    assertThat(users.statusCode()).isEqualTo(200);
    assertThat(users.body()).contains("First Admin").contains("Admin");

    HttpResponse<String> out = admin.post("/console/logout", Map.of());
    assertThat(out.statusCode()).isEqualTo(302);
    HttpResponse<String> after = admin.get("/console/users");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).startsWith("/console/login?next="));
  }
}
