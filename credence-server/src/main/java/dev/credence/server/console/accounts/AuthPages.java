package dev.credence.server.console.accounts;

import dev.credence.server.console.accounts.AccountStore.Invitation;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.http.ClientAddress;
import gg.jte.generated.precompiled.console.accounts.JteinvitationGenerated;
import gg.jte.generated.precompiled.console.accounts.JteloginGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** Signing in and out, and accepting an invitation. */
public final class AuthPages {
  private final Accounts accounts;
  private final DeploymentService deployments;
  private final ConsoleWeb web;
  private final ClientAddress clients;

  public AuthPages(
      Accounts accounts, DeploymentService deployments, ConsoleWeb web, ClientAddress clients) {
    this.accounts = accounts;
    this.deployments = deployments;
    this.web = web;
    this.clients = clients;
  }

  public void routes(RoutesConfig routes) {
    routes.get(ConsoleWeb.PREFIX, ctx -> ctx.redirect(ConsoleWeb.PREFIX + "/deployments"));
    routes.get(ConsoleWeb.PREFIX + "/login", this::loginPage);
    routes.post(ConsoleWeb.PREFIX + "/login", this::login);
    routes.post(ConsoleWeb.PREFIX + "/logout", this::logout);
    routes.get(ConsoleWeb.PREFIX + "/invitations/{token}", this::invitationPage);
    routes.post(ConsoleWeb.PREFIX + "/invitations/{token}", this::acceptInvitation);
  }

  private void loginPage(Context ctx) {
    if (ConsoleWeb.currentOrNull(ctx) != null) {
      ctx.redirect(safeNext(ctx.queryParam("next")));
      return;
    }
    String notice = ctx.queryParam("signed_out") != null ? "You are signed out." : null;
    showLogin(ctx, 200, "", ctx.queryParam("next"), null, notice);
  }

  private void login(Context ctx) {
    String email = ctx.formParam("email");
    String next = ctx.formParam("next");
    var answer = accounts.signIn(email, ctx.formParam("password"), clients.of(ctx));
    if (answer instanceof Accounts.SignIn.Success success) {
      web.signIn(ctx, success.token());
      ctx.redirect(safeNext(next));
    } else if (answer instanceof Accounts.SignIn.Throttled throttled) {
      long seconds = (throttled.retryAfter().toMillis() + 999) / 1000;
      ctx.header("Retry-After", String.valueOf(seconds));
      showLogin(
          ctx,
          429,
          email,
          next,
          "Too many failed sign-ins. Try again in " + inWords(seconds) + ".",
          null);
    } else {
      showLogin(ctx, 401, email, next, "The e-mail address or the password is wrong.", null);
    }
  }

  /** "1 second", "45 seconds", "1 minute", "15 minutes": a wait as a person reads it. */
  static String inWords(long seconds) {
    if (seconds < 60) {
      return seconds + (seconds == 1 ? " second" : " seconds");
    }
    long minutes = (seconds + 59) / 60;
    return minutes + (minutes == 1 ? " minute" : " minutes");
  }

  private void showLogin(
      Context ctx, int status, String email, String next, String error, String notice) {
    ConsolePage page = web.openPage(ctx, "Sign in");
    web.render(
        ctx,
        status,
        out ->
            JteloginGenerated.render(
                out,
                null,
                page,
                email == null ? "" : email,
                next == null ? "" : next,
                error,
                notice));
  }

  /** Where to go after signing in: only a dashboard path, never another site. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith(ConsoleWeb.PREFIX + "/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.contains("://")) {
      return ConsoleWeb.PREFIX + "/deployments";
    }
    return next;
  }

  private void logout(Context ctx) {
    accounts.signOut(ConsoleWeb.current(ctx));
    web.signOut(ctx);
    ctx.redirect(ConsoleWeb.PREFIX + "/login?signed_out");
  }

  private void invitationPage(Context ctx) {
    showInvitation(ctx, 200, accounts.openInvitation(ctx.pathParam("token")), "", null);
  }

  private void acceptInvitation(Context ctx) {
    String token = ctx.pathParam("token");
    Invitation invitation = accounts.openInvitation(token);
    String name = ctx.formParam("name");
    String password = ctx.formParam("password");
    if (password == null || !password.equals(ctx.formParam("repeat"))) {
      showInvitation(ctx, 422, invitation, name, "The two passwords are not the same.");
      return;
    }
    Accounts.SignIn.Success success;
    try {
      success = accounts.accept(token, name, password);
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.INVALID && e.kind() != Refusal.Kind.CONFLICT) {
        throw e;
      }
      showInvitation(ctx, ApiException.statusOf(e), invitation, name, e.detail());
      return;
    }
    web.signIn(ctx, success.token());
    ctx.redirect(ConsoleWeb.PREFIX + "/deployments");
  }

  private void showInvitation(
      Context ctx, int status, Invitation invitation, String name, String error) {
    String company = deployments.companyName(invitation.companyId());
    ConsolePage page = web.openPage(ctx, "Accept invitation");
    web.render(
        ctx,
        status,
        out ->
            JteinvitationGenerated.render(
                out,
                null,
                page,
                invitation.email(),
                invitation.role().label(),
                company,
                name == null ? "" : name,
                error));
  }
}
