package dev.credence.server.console.results;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.Environment;
import dev.credence.server.endings.SessionAudit;
import dev.credence.server.endings.SessionReopener;
import dev.credence.server.erasure.Erased;
import dev.credence.server.erasure.ErasedBy;
import dev.credence.server.erasure.Erasures;
import dev.credence.server.errors.Refusal;
import dev.credence.server.results.ResultStore;
import dev.credence.server.scoring.CreditModel;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.sessions.SessionStore.Tombstone;
import dev.credence.server.webhooks.EventStore;
import dev.credence.server.webhooks.Webhooks;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A company's sessions, results and events as the results pages read and change them. Every id that
 * is unknown or another company's is answered with the same 404, which repeats none of them. An
 * erased session is read as its tombstone, by its uid or its session id.
 */
public final class CompanyResults {
  private final DeploymentService deployments;
  private final SessionStore sessions;
  private final ResultStore results;
  private final SessionReopener reopener;
  private final Erasures erasures;
  private final Webhooks webhooks;
  private final AuditLog audit;
  private final Models models;
  private final Clock clock;

  /** The credit models a result's page reads its trait directions from. */
  public interface Models {
    /** The environment's model of {@code version}, or the one in use when it is not stored. */
    CreditModel modelOrInUse(Environment environment, String version);
  }

  public CompanyResults(
      DeploymentService deployments,
      SessionStore sessions,
      ResultStore results,
      SessionReopener reopener,
      Erasures erasures,
      Webhooks webhooks,
      AuditLog audit,
      Models models,
      Clock clock) {
    this.deployments = deployments;
    this.sessions = sessions;
    this.results = results;
    this.reopener = reopener;
    this.erasures = erasures;
    this.webhooks = webhooks;
    this.audit = audit;
    this.models = models;
    this.clock = clock;
  }

  /** The model whose weights give a result's trait directions (see {@link Models}). */
  CreditModel model(Environment environment, String version) {
    return models.modelOrInUse(environment, version);
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

  /** The session of {@code uid}, if it has one that is not erased. */
  Optional<Session> findSession(Environment environment, String uid) {
    return sessions.findByUid(environment.integrationId(), uid);
  }

  /** The tombstone of {@code uid}'s session, if it was erased; else 404 as if unknown. */
  Tombstone erasedUid(Environment environment, String uid) {
    return sessions
        .findErased(environment.integrationId(), uid)
        .orElseThrow(CompanyResults::notFound);
  }

  /** The tombstone of the erased session {@code sessionId}; else 404 as if unknown. */
  Tombstone erasedSession(Environment environment, String sessionId) {
    return sessions
        .findErasedById(environment.integrationId(), sessionId)
        .orElseThrow(CompanyResults::notFound);
  }

  /**
   * Erases the session of {@code uid} as an Admin asked: its erasure's audit entry names them.
   * Refused as the erasure service refuses it (404 {@code erased} for one erased already).
   */
  Erased erase(ConsoleUser actor, Environment environment, String uid) {
    return erasures.erase(environment, uid, ErasedBy.user(actor));
  }

  Optional<ResultStore.StoredResult> result(Environment environment, Session session) {
    return results.find(environment.integrationId(), session.uid());
  }

  List<Webhooks.EventLog> events(Session session) {
    return events(session.id());
  }

  List<Webhooks.EventLog> events(String sessionId) {
    return webhooks.history(sessionId);
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

  /**
   * Sends one of the session's events again, as an Admin asked, when its environment has a webhook
   * URL to send it to; without one it is refused and nothing changes.
   */
  void redeliver(ConsoleUser actor, Environment environment, Session session, String eventId) {
    EventStore.Event event =
        events(session).stream()
            .map(Webhooks.EventLog::event)
            .filter(e -> e.id().equals(eventId))
            .findFirst()
            .orElseThrow(CompanyResults::notFound);
    if (!hasWebhook(environment)) {
      throw Refusal.conflict("webhook_url_missing", NO_WEBHOOK);
    }
    webhooks.redeliver(event.id());
    audit.record(actor, SessionAudit.redelivered(event));
  }

  /** Whether events of {@code environment} have somewhere to go: a webhook URL is set. */
  public static boolean hasWebhook(Environment environment) {
    return environment.settings().webhookUrl() != null;
  }

  static final String NO_WEBHOOK =
      "This environment has no webhook URL, so an event has nowhere to go: set one in the"
          + " Deployment Centre, then send the event again. Nothing was sent.";

  static Refusal notFound() {
    return Refusal.notFound(
        "result_not_found", "There is no such session, result or event in your deployments.");
  }
}
