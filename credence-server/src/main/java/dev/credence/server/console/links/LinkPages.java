package dev.credence.server.console.links;

import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.console.web.Csv;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import gg.jte.generated.precompiled.console.links.JtelinksGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.StringWriter;
import java.util.List;

/**
 * The link generator: Admins make a batch of sessions and download its links as CSV; Viewers see
 * the list of batches. A batch's CSV is for Admins only: each link lets anyone take an assessment.
 */
public final class LinkPages {
  private static final String PATH = ConsoleWeb.PREFIX + "/links";

  private final LinkBatches batches;
  private final CompanyEnvironments environments;
  private final ConsoleWeb web;

  public LinkPages(LinkBatches batches, CompanyEnvironments environments, ConsoleWeb web) {
    this.batches = batches;
    this.environments = environments;
    this.web = web;
  }

  /** What the form sent, shown again when it is refused. */
  public record Form(String integrationId, String name, String count) {
    static final Form EMPTY = new Form(null, "", "");
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::show);
    routes.post(PATH, this::generate);
    routes.get(PATH + "/{id}/links.csv", this::download);
  }

  private void show(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    LinkBatches.Generated generated = null;
    String done = ctx.queryParam("done");
    if (done != null) {
      LinkBatches.Listed listed = batches.find(viewer, done);
      LinkBatches.Batch batch = listed.batch();
      generated =
          new LinkBatches.Generated(batch, listed.environment(), batch.size(), batch.size(), null);
    }
    render(ctx, 200, generated, null, Form.EMPTY);
  }

  private void generate(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Form form =
        new Form(ctx.formParam("integration"), ctx.formParam("name"), ctx.formParam("count"));
    LinkBatches.Generated generated;
    try {
      generated = batches.generate(actor, form.integrationId(), form.name(), form.count());
    } catch (Refusal e) {
      if (e.kind() == Refusal.Kind.FORBIDDEN || e.kind() == Refusal.Kind.NOT_FOUND) {
        throw e;
      }
      render(ctx, ApiException.statusOf(e), null, e.detail(), form);
      return;
    }
    if (generated.complete()) {
      ctx.redirect(PATH + "?done=" + generated.batch().id());
      return;
    }
    render(ctx, 409, generated, null, form);
  }

  private void download(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    LinkBatches.Listed listed = batches.find(actor, ctx.pathParam("id"));
    List<LinkBatches.Link> links = batches.links(actor, listed.batch().id());
    StringWriter text = new StringWriter();
    Csv csv = new Csv(text);
    csv.row("uid", "link");
    for (LinkBatches.Link link : links) {
      csv.row(link.uid(), link.url());
    }
    String file =
        "links-"
            + listed.batch().name()
            + "-"
            + listed.environment().kindLabel().toLowerCase(java.util.Locale.ROOT)
            + ".csv";
    ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
    ctx.contentType("text/csv; charset=utf-8").result(text.toString());
  }

  private void render(
      Context ctx, int status, LinkBatches.Generated generated, String error, Form form) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<CompanyEnvironments.Choice> choices = environments.list(viewer.companyId());
    List<LinkBatches.Listed> listed = batches.list(viewer);
    Form shown =
        new Form(
            CompanyEnvironments.preferred(choices, form.integrationId()),
            form.name(),
            form.count());
    ConsolePage page = web.page(ctx, "Links", "links");
    web.render(
        ctx,
        status,
        out ->
            JtelinksGenerated.render(
                out, null, page, choices, listed, generated, error, shown, LinkBatches.MAX_COUNT));
  }
}
