package dev.credence.server.console.results;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.Environment;
import dev.credence.server.endings.SessionAudit;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.errors.Refusal;
import dev.credence.server.results.ResultStore;
import dev.credence.server.sessions.Session;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.Webhooks;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A company's sessions, results and events as the results pages read and change them. Every id that
 * is unknown or another company's is answered with the same 404, which repeats none of them.
 */
public final class CompanyResults {
  private final DeploymentService deployments;
  private final ResultStore results;
  private final SessionReopener reopener;
  private final Webhooks webhooks;
  private final AuditLog audit;
  private final Clock clock;

  public CompanyResults(
      DeploymentService deployments,
      ResultStore results,
      SessionReopener reopener,
      Webhooks webhooks,
      AuditLog audit,
      Clock clock) {
    this.deployments = deployments;
    this.results = results;
    this.reopener = reopener;
    this.webhooks = webhooks;
    this.audit = audit;
    this.clock = clock;
  }

  List<DeploymentWithEnvironments> deployments(ConsoleUser viewer) {
    return deployments.listDeployments(viewer.companyId());
  }

  /** The integration with this id, if it is the user's company's; else 404 as if unknown. */
  Environment integration(ConsoleUser user, String integrationId) {
    return deployments
        .findIntegration(integrationId)
        .filter(e -> e.companyId().equals(user.companyId()))
        .orElseThrow(CompanyResults::notFound);
  }

  Session session(Environment environment, String uid) {
    try {
      return reopener.find(environment, uid);
    } catch (Refusal e) {
      throw notFound();
    }
  }

  Optional<ResultStore.StoredResult> result(Environment environment, Session session) {
    return results.find(environment.integrationId(), session.uid());
  }

  List<Webhooks.EventLog> events(Session session) {
    return webhooks.history(session.id());
  }

  String deploymentName(Environment environment) {
    return deployments
        .findDeployment(environment.companyId(), environment.deploymentId())
        .map(d -> d.deployment().name())
        .orElse("");
  }

  boolean canReopen(Session session) {
    return session.isExpiredAt(clock.instant());
  }

  /** Re-opens an expired uid as an Admin asked, and records that in the audit log. */
  SessionReopener.Reopened reopen(ConsoleUser actor, Environment environment, String uid) {
    SessionReopener.Reopened reopened = reopener.reopen(environment, uid);
    audit.record(actor, SessionAudit.reopened(reopened));
    return reopened;
  }

  /** Sends one of the session's events again, as an Admin asked. */
  void redeliver(ConsoleUser actor, Session session, String eventId) {
    EventStore.Event event =
        events(session).stream()
            .map(Webhooks.EventLog::event)
            .filter(e -> e.id().equals(eventId))
            .findFirst()
            .orElseThrow(CompanyResults::notFound);
    webhooks.redeliver(event.id());
    audit.record(actor, SessionAudit.redelivered(event));
  }

  static Refusal notFound() {
    return Refusal.notFound(
        "result_not_found", "There is no such session, result or event in your deployments.");
  }
}
