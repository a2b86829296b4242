package dev.credence.server.console.results;

import dev.credence.server.console.web.Csv;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.scoring.Glossary;
import dev.credence.server.scoring.TraitScorer;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * The traits the file has a column for, after the result's own columns: the five domains and the
   * games' measures, each headed by its plain name ({@link Glossary}) and holding the trait's
   * percentile where the result's model weighs it. Facets are not exported (30 mostly empty
   * columns); the pull API has every trait a result carries.
   */
  static final List<String> TRAIT_COLUMNS =
      List.of(
          "domain.N",
          "domain.E",
          "domain.O",
          "domain.A",
          "domain.C",
          TraitScorer.ADJUSTED_PUMPS,
          TraitScorer.BURSTS,
          TraitScorer.DELAYED_SHARE,
          TraitScorer.K,
          TraitScorer.MEMORY_SPAN);

  private void writeCsv(Writer out, List<DeploymentWithEnvironments> mine, ResultFilter filter) {
    Csv csv = new Csv(out);
    List<String> header = new ArrayList<>(RESULT_COLUMNS);
    TRAIT_COLUMNS.forEach(key -> header.add(Glossary.standard().name(key)));
    csv.row(header.toArray(String[]::new));
    query.each(
        ResultQuery.Scope.of(mine, filter),
        filter,
        r -> {
          List<String> cells =
              new ArrayList<>(
                  Arrays.asList(
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
          for (String key : TRAIT_COLUMNS) {
            Integer percentile = r.percentiles().get(key);
            cells.add(percentile == null ? "" : percentile.toString());
          }
          csv.row(cells.toArray(String[]::new));
        });
  }

  /** The session's and its result's own columns, before the traits. */
  private static final List<String> RESULT_COLUMNS =
      List.of(
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
}
