package dev.credence.server.console.audit;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.console.web.Csv;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import gg.jte.generated.precompiled.console.audit.JteauditGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The company's audit log, newest first, a page at a time, filtered by who, what and when, and as a
 * CSV file: Admins read it.
 */
public final class AuditPages {
  private static final String PATH = ConsoleWeb.PREFIX + "/audit";

  private final AuditLog audit;
  private final ConsoleWeb web;
  private final Clock clock;

  public AuditPages(AuditLog audit, ConsoleWeb web, Clock clock) {
    this.audit = audit;
    this.web = web;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::auditLog);
    routes.get(PATH + "/export.csv", this::export);
  }

  private void auditLog(Context ctx) {
    ConsoleUser viewer = admin(ctx);
    AuditFilter filter = AuditFilter.parse(ctx::queryParam);
    AuditLog.Choices choices = audit.choices(viewer.companyId());
    ConsolePage page = web.page(ctx, "Audit log", "audit");
    if (!filter.valid()) {
      web.render(
          ctx,
          422,
          out -> JteauditGenerated.render(out, null, page, filter, choices, List.of(), null));
      return;
    }
    List<AuditEntry> entries =
        audit.page(viewer.companyId(), filter.toLog(), filter.before()).stream()
            .map(AuditEntry::of)
            .toList();
    String older =
        entries.size() == AuditLog.PAGE_SIZE
            ? filter.queryBefore(entries.get(entries.size() - 1).id())
            : null;
    web.render(
        ctx,
        200,
        out -> JteauditGenerated.render(out, null, page, filter, choices, entries, older));
  }

  /**
   * Every entry the filters select, as CSV: id, when, who, action, target, and the values before
   * and after as the JSON they are stored as. The log of one company is small enough to be read
   * whole before it is sent.
   */
  private void export(Context ctx) {
    ConsoleUser viewer = admin(ctx);
    AuditFilter filter = AuditFilter.parse(ctx::queryParam);
    if (!filter.valid()) {
      throw Refusal.invalid("filter_invalid", String.join(" ", filter.errors()));
    }
    StringWriter text = new StringWriter();
    Csv csv = new Csv(text);
    csv.row("id", "created_at", "who", "action", "target", "before", "after");
    audit.each(
        viewer.companyId(),
        filter.toLog(),
        e ->
            csv.row(
                String.valueOf(e.id()),
                Csv.time(e.at()),
                e.actor(),
                e.action(),
                e.target(),
                e.before(),
                e.after()));
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    String name = "audit-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".csv";
    ctx.contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.result(body);
  }

  private static ConsoleUser admin(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    if (!viewer.isAdmin()) {
      throw new Refusal(
          Kind.FORBIDDEN,
          "admin_required",
          "Only an Admin can read the audit log; you are signed in as a Viewer.");
    }
    return viewer;
  }
}
