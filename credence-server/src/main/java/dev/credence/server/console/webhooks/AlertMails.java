package dev.credence.server.console.webhooks;

import dev.credence.server.console.accounts.Accounts;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.webhooks.DeliveryAlerts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e-mails of {@link DeliveryAlerts} to a company's Admins: an environment's webhooks have been
 * failing, and the end of it, each with the link to the dashboard's Webhooks page.
 */
public final class AlertMails implements DeliveryAlerts.Notices {
  private static final Logger LOG = LoggerFactory.getLogger(AlertMails.class);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final DeploymentService deployments;
  private final CompanyEnvironments environments;
  private final Accounts accounts;
  private final String publicUrl;
  private final String retried;

  /** {@code retryFor}: how long each event is retried (CREDENCE_WEBHOOK_RETRY_SECONDS). */
  public AlertMails(
      DeploymentService deployments, Accounts accounts, String publicUrl, Duration retryFor) {
    this.deployments = deployments;
    this.environments = new CompanyEnvironments(deployments);
    this.accounts = accounts;
    this.publicUrl = publicUrl;
    this.retried = span(retryFor);
  }

  /** A retry window in words: "3 days", "12 hours", "90 minutes", "40 seconds". */
  static String span(Duration d) {
    if (d.toSeconds() % 86_400 == 0) {
      return plural(d.toDays(), "day");
    }
    if (d.toSeconds() % 3_600 == 0) {
      return plural(d.toHours(), "hour");
    }
    return d.toSeconds() % 60 == 0
        ? plural(d.toMinutes(), "minute")
        : plural(d.toSeconds(), "second");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }

  @Override
  public void failing(String integrationId, Instant since, long waiting) {
    mail(
        integrationId,
        "Webhooks failing",
        (name, page) ->
            "The webhooks of "
                + name
                + " have been failing since "
                + WHEN.format(since)
                + ": "
                + waiting
                + (waiting == 1 ? " event is" : " events are")
                + " waiting for a retry, because your receiver did not answer 200.\n\n"
                + "Credence keeps retrying each event for "
                + retried
                + " from its first attempt, and nothing is lost before then. What your receiver answered, and the events that failed, are on the"
                + " Webhooks page:\n\n"
                + page
                + "\n\nYou will get one more e-mail when this is over.\n");
  }

  @Override
  public void ended(String integrationId, Instant since, boolean recovered) {
    mail(
        integrationId,
        recovered ? "Webhooks delivered again" : "Webhooks failed",
        (name, page) ->
            recovered
                ? "The webhooks of "
                    + name
                    + " are delivered again: your receiver answered 200. They had been failing"
                    + " since "
                    + WHEN.format(since)
                    + ".\n\nAny event whose retries ran out meanwhile is listed on the Webhooks"
                    + " page, where an Admin can send it again:\n\n"
                    + page
                    + "\n"
                : "The webhooks of "
                    + name
                    + " that had been failing since "
                    + WHEN.format(since)
                    + " are no longer retried: their retries ran out and they are FAILED.\n\n"
                    + "Once your receiver works, an Admin can send them again from the Webhooks"
                    + " page:\n\n"
                    + page
                    + "\n");
  }

  private interface Text {
    String of(String environmentName, String pageUrl);
  }

  private void mail(String integrationId, String subject, Text text) {
    Environment environment = deployments.findIntegration(integrationId).orElse(null);
    if (environment == null) {
      return; // gone meanwhile
    }
    String name =
        environments.list(environment.companyId()).stream()
            .filter(c -> c.integrationId().equals(integrationId))
            .findFirst()
            .map(CompanyEnvironments.Choice::label)
            .orElse(integrationId);
    String page = publicUrl + "/console/webhooks?integration=" + integrationId;
    int sent =
        accounts.mailAdmins(environment.companyId(), subject + ": " + name, text.of(name, page));
    LOG.info("{} ({}): told {} Admins", subject, integrationId, sent);
  }
}
