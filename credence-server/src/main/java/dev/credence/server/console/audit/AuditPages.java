package dev.credence.server.console.audit;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import gg.jte.generated.precompiled.console.audit.JteauditGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/** The company's audit log, newest first, a page at a time: Admins read it. */
public final class AuditPages {
  private final AuditLog audit;
  private final ConsoleWeb web;

  public AuditPages(AuditLog audit, ConsoleWeb web) {
    this.audit = audit;
    this.web = web;
  }

  public void routes(RoutesConfig routes) {
    routes.get(ConsoleWeb.PREFIX + "/audit", this::auditLog);
  }

  private void auditLog(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    if (!viewer.isAdmin()) {
      throw new Refusal(
          Kind.FORBIDDEN,
          "admin_required",
          "Only an Admin can read the audit log; you are signed in as a Viewer.");
    }
    Long before = parseId(ctx.queryParam("before"));
    List<AuditLog.Entry> entries = audit.page(viewer.companyId(), before);
    Long older = entries.size() == AuditLog.PAGE_SIZE ? entries.get(entries.size() - 1).id() : null;
    ConsolePage page = web.page(ctx, "Audit log", "audit");
    web.render(ctx, 200, out -> JteauditGenerated.render(out, null, page, entries, older));
  }

  private static Long parseId(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw Refusal.invalid("before_invalid", "before must be an audit entry number");
    }
  }
}
