package dev.credence.server.console.outcomes;

import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.outcomes.OutcomeCsv;
import dev.credence.server.outcomes.OutcomeUploads;
import gg.jte.generated.precompiled.console.outcomes.JteoutcomesGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Loan outcomes: the CSV template, the upload (Admins) with its report row by row, and the outcomes
 * stored per environment (everyone).
 */
public final class OutcomePages {
  private static final String PATH = ConsoleWeb.PREFIX + "/outcomes";

  private final LoanOutcomes outcomes;
  private final CompanyEnvironments environments;
  private final ConsoleWeb web;

  public OutcomePages(LoanOutcomes outcomes, CompanyEnvironments environments, ConsoleWeb web) {
    this.outcomes = outcomes;
    this.environments = environments;
    this.web = web;
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, ctx -> render(ctx, 200, null, null, null));
    routes.get(PATH + "/template.csv", this::template);
    routes.post(PATH, this::upload);
  }

  private void template(Context ctx) {
    ConsoleWeb.user(ctx);
    ctx.header("Content-Disposition", "attachment; filename=\"loan-outcomes.csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(OutcomeCsv.TEMPLATE);
  }

  private void upload(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    String integrationId = ctx.formParam("integration");
    environments.find(actor, integrationId); // another company's environment: 404 before all else
    try {
      OutcomeUploads.Upload report = outcomes.upload(actor, integrationId, content(ctx));
      render(ctx, 200, report, null, integrationId);
    } catch (Refusal e) {
      if (e.kind() == Refusal.Kind.FORBIDDEN || e.kind() == Refusal.Kind.NOT_FOUND) {
        throw e;
      }
      render(ctx, ApiException.statusOf(e), null, e.detail(), integrationId);
    }
  }

  /** The file sent, or null if none; refused past the size limit without reading it all. */
  private static byte[] content(Context ctx) {
    if (!ctx.isMultipartFormData()) {
      throw Refusal.invalid(
          "upload_not_multipart", "Send the file with the upload form (multipart/form-data).");
    }
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null) {
      return null;
    }
    if (file.size() > OutcomeCsv.MAX_BYTES) {
      throw Refusal.invalid("csv_too_large", OutcomeCsv.tooLarge());
    }
    try (InputStream in = file.content()) {
      return in.readNBytes(OutcomeCsv.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void render(
      Context ctx, int status, OutcomeUploads.Upload report, String error, String integrationId) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<CompanyEnvironments.Choice> choices = environments.list(viewer.companyId());
    List<LoanOutcomes.Counts> counts = outcomes.counts(viewer);
    ConsolePage page = web.page(ctx, "Outcomes", "outcomes");
    web.render(
        ctx,
        status,
        out ->
            JteoutcomesGenerated.render(
                out,
                null,
                page,
                choices,
                counts,
                report,
                error,
                CompanyEnvironments.preferred(choices, integrationId),
                OutcomeCsv.OUTCOMES,
                OutcomeCsv.MAX_BYTES / (1024 * 1024),
                OutcomeCsv.MAX_ROWS));
  }
}
