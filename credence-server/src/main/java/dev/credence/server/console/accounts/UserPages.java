package dev.credence.server.console.accounts;

import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleUser.Role;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import gg.jte.generated.precompiled.console.accounts.JteusersGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** The company's users and invitations: everyone sees them, Admins change them. */
public final class UserPages {
  private final Accounts accounts;
  private final ConsoleWeb web;

  public UserPages(Accounts accounts, ConsoleWeb web) {
    this.accounts = accounts;
    this.web = web;
  }

  /** An open invitation as the users page lists it: its id is the stored hash, not the link. */
  public record PendingInvitation(
      String id, String email, String role, String invitedBy, Instant expiresAt) {}

  public void routes(RoutesConfig routes) {
    String users = ConsoleWeb.PREFIX + "/users";
    routes.get(users, ctx -> show(ctx, 200, null, null, null));
    routes.post(users + "/invite", this::invite);
    routes.post(users + "/{id}/role", this::changeRole);
    routes.post(users + "/{id}/remove", this::remove);
    routes.post(users + "/invitations/{id}/withdraw", this::withdraw);
  }

  private void invite(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    try {
      var link = accounts.invite(actor, ctx.formParam("email"), role(ctx.formParam("role")));
      show(ctx, 200, link, null, null);
    } catch (Refusal e) {
      showRefusal(ctx, e);
    }
  }

  private void changeRole(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    try {
      accounts.changeRole(actor, ctx.pathParam("id"), role(ctx.formParam("role")));
      ctx.redirect(ConsoleWeb.PREFIX + "/users?done=role");
    } catch (Refusal e) {
      showRefusal(ctx, e);
    }
  }

  private void remove(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    try {
      accounts.remove(actor, ctx.pathParam("id"));
      if (actor.id().equals(ctx.pathParam("id"))) {
        web.signOut(ctx);
        ctx.redirect(ConsoleWeb.PREFIX + "/login?signed_out");
        return;
      }
      ctx.redirect(ConsoleWeb.PREFIX + "/users?done=removed");
    } catch (Refusal e) {
      showRefusal(ctx, e);
    }
  }

  private void withdraw(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    try {
      accounts.withdrawInvitation(actor, ctx.pathParam("id"));
      ctx.redirect(ConsoleWeb.PREFIX + "/users?done=withdrawn");
    } catch (Refusal e) {
      showRefusal(ctx, e);
    }
  }

  /** A refused change is shown on the page with its reason; 403 and 404 keep their own page. */
  private void showRefusal(Context ctx, Refusal e) {
    if (e.kind() == Refusal.Kind.FORBIDDEN || e.kind() == Refusal.Kind.NOT_FOUND) {
      throw e;
    }
    show(ctx, ApiException.statusOf(e), null, e.detail() + " (" + e.code() + ")", null);
  }

  private void show(
      Context ctx, int status, Accounts.InvitationLink created, String error, String notice) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<PendingInvitation> invitations =
        viewer.isAdmin()
            ? accounts.openInvitations(viewer).stream()
                .map(
                    i ->
                        new PendingInvitation(
                            i.tokenHash(),
                            i.email(),
                            i.role().label(),
                            i.invitedBy(),
                            i.expiresAt()))
                .toList()
            : List.of();
    List<ConsoleUser> users = accounts.users(viewer);
    String shown = notice != null ? notice : doneNotice(ctx.queryParam("done"));
    ConsolePage page = web.page(ctx, "Users", "users");
    web.render(
        ctx,
        status,
        out ->
            JteusersGenerated.render(out, null, page, users, invitations, created, error, shown));
  }

  private static String doneNotice(String done) {
    if (done == null) {
      return null;
    }
    return switch (done) {
      case "role" -> "Role changed.";
      case "removed" -> "User removed and signed out.";
      case "withdrawn" -> "Invitation withdrawn; its link no longer works.";
      default -> null;
    };
  }

  private static Role role(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Role.valueOf(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
