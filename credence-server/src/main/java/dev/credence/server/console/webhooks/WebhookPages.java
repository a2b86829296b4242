package dev.credence.server.console.webhooks;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.Charts;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.CompanyEnvironments.Choice;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.endings.SessionAudit;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.EventStore.DayOfAttempts;
import dev.credence.server.webhooks.EventStore.Status;
import dev.credence.server.webhooks.Webhooks;
import gg.jte.generated.precompiled.console.webhooks.JtewebhooksGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The Webhooks page of one environment (docs/dashboard.md, "Webhooks"): what is waiting, what
 * failed and what the receiver answered, the share of attempts answered 200 day by day, and, for
 * Admins, sending the failed events again in order per session.
 */
public final class WebhookPages {
  private static final String PATH = ConsoleWeb.PREFIX + "/webhooks";

  /** The days the page looks back over. */
  static final int DAYS = 14;

  /** The failures listed, latest first. */
  static final int FAILURES = 50;

  private final EventStore events;
  private final Webhooks webhooks;
  private final CompanyEnvironments environments;
  private final AuditLog audit;
  private final ConsoleWeb web;
  private final Clock clock;

  public WebhookPages(
      EventStore events,
      Webhooks webhooks,
      CompanyEnvironments environments,
      AuditLog audit,
      ConsoleWeb web,
      Clock clock) {
    this.events = events;
    this.webhooks = webhooks;
    this.environments = environments;
    this.audit = audit;
    this.web = web;
    this.clock = clock;
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::show);
    routes.post(PATH + "/replay", this::replay);
  }

  /** What the page shows of one environment over the last {@link #DAYS} days. */
  public record Health(
      Choice environment,
      EventStore.Backlog backlog,
      Map<Status, Long> counts,
      Charts.Rates rates,
      List<EventStore.Listed> failures,
      LocalDate replaySince) {
    public long made() {
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private void show(Context ctx) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<Choice> choices = environments.list(viewer.companyId());
    Choice chosen = environments.chosen(viewer, choices, ctx.queryParam("integration"));
    String replayed = ctx.queryParam("replayed");
    render(ctx, 200, choices, chosen, replayed == null ? null : notice(replayed), null);
  }

  /** Admins: the environment's FAILED events made since a day, sent again in order per session. */
  private void replay(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    String integrationId = ctx.formParam("integration");
    Choice chosen = environments.choice(actor, integrationId);
    Instant since;
    try {
      since =
          LocalDate.parse(String.valueOf(ctx.formParam("since")))
              .atStartOfDay(ZoneOffset.UTC)
              .toInstant();
    } catch (DateTimeParseException e) {
      render(
          ctx,
          422,
          environments.list(actor.companyId()),
          chosen,
          null,
          "Give the first day of the failures to send again, as YYYY-MM-DD. Nothing was sent.");
      return;
    }
    EventStore.Reopened reopened =
        webhooks.redeliver(chosen.integrationId(), Status.FAILED, since, Webhooks.REPLAY_LIMIT);
    if (!reopened.events().isEmpty()) {
      audit.record(
          actor,
          SessionAudit.replayed(
              chosen.integrationId(), Status.FAILED, since, reopened.events().size()));
    }
    ctx.redirect(
        PATH
            + "?integration="
            + chosen.integrationId()
            + "&replayed="
            + reopened.events().size()
            + (reopened.more() ? "+" : ""));
  }

  private static String notice(String replayed) {
    if (!replayed.matches("\\d{1,4}\\+?")) {
      return null;
    }
    boolean more = replayed.endsWith("+");
    String count = more ? replayed.substring(0, replayed.length() - 1) : replayed;
    return count.equals("0")
        ? "No failed events to send again."
        : count
            + (count.equals("1") ? " failed event is" : " failed events are")
            + " being sent again, in order per session."
            + (more ? " More remain: send again once these are through." : "");
  }

  private Health health(Choice environment) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = today.minusDays(DAYS - 1);
    Instant since = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration window = Duration.between(now, webhooks.retryUntil(now));
    List<DayOfAttempts> days =
        events.attemptsPerDay(environment.integrationId(), since, since.minus(window));
    return new Health(
        environment,
        events.backlog(environment.integrationId(), now),
        events.countsByStatus(environment.integrationId(), since),
        Charts.rates(
            first,
            today,
            days.stream()
                .map(d -> new Charts.DayCount(d.day(), d.attempts(), d.delivered()))
                .toList()),
        events.latestFailures(environment.integrationId(), since, FAILURES),
        today.minusDays(7));
  }

  private void render(
      Context ctx, int status, List<Choice> choices, Choice chosen, String notice, String error) {
    Health health = chosen == null ? null : health(chosen);
    ConsolePage page = web.page(ctx, "Webhooks", "webhooks");
    web.render(
        ctx,
        status,
        out ->
            JtewebhooksGenerated.render(
                out, null, page, choices, health, notice, error, clock.instant(), DAYS));
  }
}
