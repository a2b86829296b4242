package dev.credence.server.sessions;

import dev.credence.api.CreateSessionResponse;
import dev.credence.api.Signatures;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code POST /v1/sessions-management/tokens}: the call every lender integrates first. */
public final class SessionApi {
  private final SessionService sessions;
  private final String publicUrl;

  public SessionApi(SessionService sessions, String publicUrl) {
    this.sessions = sessions;
    this.publicUrl = publicUrl;
  }

  public void routes(RoutesConfig routes) {
    routes.post("/v1/sessions-management/tokens", this::create);
  }

  private void create(Context ctx) {
    SessionService.Issued issued =
        sessions.create(ctx.header("api-key"), ctx.header(Signatures.HEADER), ctx.bodyAsBytes());
    ctx.json(
        new CreateSessionResponse(
            issued.accessToken(),
            publicUrl,
            publicUrl + "/" + issued.accessToken(),
            issued.session().expiresAt().getEpochSecond()));
  }
}
