package dev.credence.server.console.funnel;

import dev.credence.server.console.funnel.FunnelQueries.Timing;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.CompanyEnvironments.Choice;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.console.web.Csv;
import dev.credence.server.errors.Refusal;
import gg.jte.generated.precompiled.console.funnel.JtefunnelGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.StringWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The Funnel page of one environment (docs/dashboard.md, "Funnel"): how far the sessions created in
 * a range of days got, how long they took, by platform and language, the bad rate by band once
 * outcomes exist, and the same as CSV. Viewers and Admins alike.
 */
public final class FunnelPages {
  static final String PATH = ConsoleWeb.PREFIX + "/funnel";

  /** The days shown when none are asked for, today included. */
  static final int DEFAULT_DAYS = 30;

  /** The longest range, in days: a year, leap day included. */
  static final int MAX_DAYS = 366;

  private final FunnelQueries queries;
  private final CompanyEnvironments environments;
  private final ConsoleWeb web;
  private final Clock clock;

  public FunnelPages(
      FunnelQueries queries, CompanyEnvironments environments, ConsoleWeb web, Clock clock) {
    this.queries = queries;
    this.environments = environments;
    this.web = web;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::show);
    routes.get(PATH + ".csv", this::download);
  }

  /** The days asked for, both included, as the form shows them back. */
  public record Range(LocalDate from, LocalDate to) {
    public String query(Choice environment) {
      return "?integration=" + environment.integrationId() + "&from=" + from + "&to=" + to;
    }
  }

  private void show(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<Choice> choices = environments.list(viewer.companyId());
    Choice chosen = environments.chosen(viewer, choices, ctx.queryParam("integration"));
    ConsolePage page = web.page(ctx, "Funnel", "funnel");
    String from = ctx.queryParam("from");
    String to = ctx.queryParam("to");
    Range range;
    try {
      range = range(from, to);
    } catch (Refusal refused) {
      web.render(
          ctx,
          422,
          out ->
              JtefunnelGenerated.render(
                  out, null, page, choices, chosen, from, to, null, refused.detail()));
      return;
    }
    Funnel funnel = chosen == null ? null : funnel(chosen, range);
    web.render(
        ctx,
        200,
        out ->
            JtefunnelGenerated.render(
                out,
                null,
                page,
                choices,
                chosen,
                range.from().toString(),
                range.to().toString(),
                funnel,
                null));
  }

  private void download(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    Choice chosen = environments.choice(viewer, ctx.queryParam("integration"));
    Range range = range(ctx.queryParam("from"), ctx.queryParam("to"));
    StringWriter text = new StringWriter();
    write(new Csv(text), funnel(chosen, range));
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"funnel-"
            + chosen.integrationId()
            + "-"
            + range.from()
            + "-"
            + range.to()
            + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(text.toString());
  }

  private Funnel funnel(Choice environment, Range range) {
    return Funnel.of(
        environment,
        range.from(),
        range.to(),
        queries.figures(environment.integrationId(), range.from(), range.to()));
  }

  /**
   * The range asked for: both days or neither (the last {@link #DEFAULT_DAYS} days), as YYYY-MM-DD,
   * the first not after the last, at most {@link #MAX_DAYS} days. Anything else is a 422 that says
   * what to give.
   */
  Range range(String from, String to) {
    boolean noFrom = from == null || from.isBlank();
    boolean noTo = to == null || to.isBlank();
    if (noFrom && noTo) {
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      return new Range(today.minusDays(DEFAULT_DAYS - 1), today);
    }
    LocalDate first = day(from, "first");
    LocalDate last = day(to, "last");
    if (first.isAfter(last)) {
      throw invalid("The first day (" + first + ") is after the last (" + last + ").");
    }
    if (ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
      throw invalid("Choose at most " + MAX_DAYS + " days; " + first + " to " + last + " is more.");
    }
    return new Range(first, last);
  }

  private static LocalDate day(String value, String which) {
    if (value == null || value.isBlank()) {
      throw invalid("Give the " + which + " day too, as YYYY-MM-DD.");
    }
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value);
      }
    } catch (DateTimeParseException e) {
      // Said below.
    }
    String shown = value.length() > 20 ? value.substring(0, 20) + "…" : value;
    throw invalid("The " + which + " day \"" + shown + "\" is not a date: give it as YYYY-MM-DD.");
  }

  private static Refusal invalid(String detail) {
    return Refusal.invalid("invalid_date_range", detail);
  }

  /** The CSV: one row a figure, in the page's order (docs/dashboard.md lists the columns). */
  static void write(Csv csv, Funnel f) {
    csv.row(
        "section",
        "name",
        "sessions",
        "drop_off",
        "opened",
        "consented",
        "completed",
        "timed",
        "median_seconds",
        "p90_seconds",
        "loans",
        "bads",
        "bad_rate");
    for (Funnel.Step s : f.steps()) {
      csv.row(
          "funnel", s.name(), n(s.sessions()), n(s.dropOff()), "", "", "", "", "", "", "", "", "");
    }
    Funnel.Ends e = f.ends();
    ended(csv, "completed", e.completed());
    ended(csv, "cancelled", e.cancelled());
    ended(csv, "expired", e.expired());
    ended(csv, "open", e.open());
    ended(csv, "erased", e.erased());
    timing(csv, "time_to_complete", "all", "", "", "", f.toComplete());
    for (Funnel.ModuleTime m : f.modules()) {
      timing(csv, "module_time", m.moduleNo() + ": " + m.name(), "", "", "", m.timing());
    }
    for (Funnel.Split s : f.platforms()) {
      timing(
          csv, "platform", s.name(), n(s.opened()), n(s.consented()), n(s.completed()), s.timing());
    }
    for (Funnel.Split s : f.languages()) {
      timing(
          csv, "language", s.name(), n(s.opened()), n(s.consented()), n(s.completed()), s.timing());
    }
    for (Funnel.BandMonth b : f.badRates()) {
      csv.row(
          "bad_rate",
          b.month() + " " + b.band(),
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          n(b.loans()),
          n(b.bads()),
          b.loans() == 0
              ? ""
              : String.format(java.util.Locale.ROOT, "%.4f", (double) b.bads() / b.loans()));
    }
  }

  private static void ended(Csv csv, String name, long sessions) {
    csv.row("ended", name, n(sessions), "", "", "", "", "", "", "", "", "", "");
  }

  private static void timing(
      Csv csv,
      String section,
      String name,
      String opened,
      String consented,
      String completed,
      Timing t) {
    csv.row(
        section,
        name,
        "",
        "",
        opened,
        consented,
        completed,
        n(t.n()),
        Funnel.seconds(t.median()),
        Funnel.seconds(t.p90()),
        "",
        "",
        "");
  }

  private static String n(long value) {
    return Long.toString(value);
  }
}
