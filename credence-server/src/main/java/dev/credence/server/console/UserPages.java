package dev.credence.server.console;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.ConsoleUser.Role;
import dev.credence.server.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The company's users and invitations (Admins change them), and the audit log (Admins read it). */
public final class UserPages {
  private final Accounts accounts;
  private final AuditLog audit;
  private final ConsoleWeb web;

  public UserPages(Accounts accounts, AuditLog audit, ConsoleWeb web) {
    this.accounts = accounts;
    this.audit = audit;
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
    routes.get(ConsoleWeb.PREFIX + "/audit", this::auditLog);
  }

  private void invite(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    Accounts.requireAdmin(actor);
    try {
      var link = accounts.invite(actor, ctx.formParam("email"), role(ctx.formParam("role")));
      show(ctx, 200, link, null, null);
    } catch (ApiException e) {
      showRefusal(ctx, e);
    }
  }

  private void changeRole(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    try {
      accounts.changeRole(actor, ctx.pathParam("id"), role(ctx.formParam("role")));
      ctx.redirect(ConsoleWeb.PREFIX + "/users?done=role");
    } catch (ApiException e) {
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
    } catch (ApiException e) {
      showRefusal(ctx, e);
    }
  }

  private void withdraw(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    try {
      accounts.withdrawInvitation(actor, ctx.pathParam("id"));
      ctx.redirect(ConsoleWeb.PREFIX + "/users?done=withdrawn");
    } catch (ApiException e) {
      showRefusal(ctx, e);
    }
  }

  /** A refused change is shown on the page with its reason; 403 and 404 keep their own page. */
  private void showRefusal(Context ctx, ApiException e) {
    if (e.status() == 403 || e.status() == 404) {
      throw e;
    }
    show(ctx, e.status(), null, e.detail(), null);
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
    Map<String, Object> params = new HashMap<>();
    params.put("users", accounts.users(viewer));
    params.put("invitations", invitations);
    params.put("created", created);
    params.put("error", error);
    params.put("notice", notice != null ? notice : doneNotice(ctx.queryParam("done")));
    web.render(ctx, status, "users", web.page(ctx, "Users", "users"), params);
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

  private void auditLog(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    if (!viewer.isAdmin()) {
      throw new ApiException(
          403,
          "admin_required",
          "Only an Admin can read the audit log; you are signed in as a Viewer.");
    }
    Long before = parseId(ctx.queryParam("before"));
    List<AuditLog.Entry> entries = audit.page(viewer.companyId(), before);
    Long older = entries.size() == AuditLog.PAGE_SIZE ? entries.get(entries.size() - 1).id() : null;
    Map<String, Object> params = new HashMap<>();
    params.put("entries", entries);
    params.put("olderThan", older);
    web.render(ctx, 200, "audit", web.page(ctx, "Audit log", "audit"), params);
  }

  private static Long parseId(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.unprocessable("before_invalid", "before must be an audit entry number");
    }
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
