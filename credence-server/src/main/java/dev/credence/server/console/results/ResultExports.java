package dev.credence.server.console.results;

import dev.credence.server.console.web.Csv;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The results list as a CSV file: what a filter selects, every page of it. An erased session's row
 * has no uid and no result, only its times, its status {@code erased} and who erased it.
 */
public final class ResultExports {
  private final ResultQuery query;
  private final ExportFiles files;
  private final Clock clock;

  public ResultExports(ResultQuery query, Path exportDir, Clock clock) {
    this.query = query;
    this.files = new ExportFiles(exportDir);
    this.clock = clock;
  }

  /** The download's file name: the environment's kind and today's date. */
  String fileName(ResultFilter filter) {
    return "results-"
        + filter.kind().name().toLowerCase(Locale.ROOT)
        + "-"
        + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
        + ".csv";
  }

  /** Written whole to a file first: the read holds a database connection, the download need not. */
  ExportFiles.Written write(List<DeploymentWithEnvironments> mine, ResultFilter filter) {
    return files.write(out -> writeCsv(out, mine, filter));
  }

  private void writeCsv(Writer out, List<DeploymentWithEnvironments> mine, ResultFilter filter) {
    Csv csv = new Csv(out);
    csv.row(
        "uid",
        "deployment",
        "environment",
        "created_at",
        "finished_at",
        "status",
        "score",
        "risk_band",
        "score_confidence",
        "review_required",
        "flags",
        "erased_at",
        "erased_by");
    query.each(
        ResultQuery.Scope.of(mine, filter),
        filter,
        r ->
            csv.row(
                r.uid(),
                r.deployment(),
                filter.kind().name(),
                Csv.time(r.createdAt()),
                Csv.time(r.finishedAt()),
                r.status(),
                r.score() == null ? "" : r.score().toString(),
                r.band(),
                r.confidence(),
                r.reviewRequired() == null ? "" : r.reviewRequired().toString(),
                r.flagList(),
                Csv.time(r.erasedAt()),
                r.erasedBy()));
  }
}
