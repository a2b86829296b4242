package dev.credence.server.console.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.http.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's part in the dashboard (behind the operator token, like all of {@code /v1/admin}):
 * a company's first Admin, invited by a link. The invitation goes to the company's audit log as the
 * operator's, as an Admin's invitation does: the address and the role, never the link.
 */
public final class ConsoleOperatorApi {
  private final Accounts accounts;

  public ConsoleOperatorApi(Accounts accounts) {
    this.accounts = accounts;
  }

  public void routes(RoutesConfig routes) {
    routes.post("/v1/admin/companies/{company_id}/admins", this::inviteAdmin);
  }

  private void inviteAdmin(Context ctx) {
    JsonNode body = Json.parseObject(ctx.bodyAsBytes());
    JsonNode email = body.get("email");
    ctx.status(201)
        .json(
            inviteFirstAdmin(
                ctx.pathParam("company_id"),
                email != null && email.isTextual() ? email.asText() : null));
  }

  /** Invites the company's first Admin; the invitation as the operator API and the CLI print it. */
  public Map<String, Object> inviteFirstAdmin(String companyId, String email) {
    Accounts.InvitationLink link = accounts.inviteFirstAdmin(companyId, email);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("email", link.email());
    view.put("role", link.role().name().toLowerCase(java.util.Locale.ROOT));
    view.put("invitation_url", link.url());
    view.put("expires_at", link.expiresAt().getEpochSecond());
    view.put("emailed", link.mailed());
    return view;
  }
}
