package dev.credence.server.endings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.assessment.AssessmentService;
import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.results.Scorer;
import dev.credence.server.results.Script;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Test simulations (docs/decisions/0030-test-simulations.md): a session of a Test environment made
 * and ended as a script says, through the steps an applicant's session takes (the consent, the
 * endings, the scoring), so the same events, result and pull API answers come out, each marked
 * simulated. Every check is made before anything is written.
 */
public final class Simulations {
  /** How a simulated session ends, and what each scenario is of the journey's endings. */
  public enum Scenario {
    /** Consent, then completed and scored as scripted. */
    COMPLETED,
    /** The privacy policy declined: cancelled. */
    CANCELLED,
    /** Never started, its time limit ended: expired. */
    EXPIRED,
    /** Started, then its time limit ended with nothing answered: expired and incomplete. */
    INCOMPLETE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static String names() {
      return Arrays.stream(values()).map(Scenario::wireName).collect(Collectors.joining(", "));
    }
  }

  /** A simulation asked for: the uid, how it ends and, when completed, the result's script. */
  public record Request(String uid, Scenario scenario, Script script) {}

  private final SessionService sessions;
  private final SessionStore store;
  private final SessionLifecycle lifecycle;
  private final AssessmentService assessment;
  private final Scorer scorer;
  private final SessionEndings endings;
  private final AuditLog audit;
  private final Clock clock;

  public Simulations(
      SessionService sessions,
      SessionStore store,
      SessionLifecycle lifecycle,
      AssessmentService assessment,
      Scorer scorer,
      SessionEndings endings,
      AuditLog audit,
      Clock clock) {
    this.sessions = sessions;
    this.store = store;
    this.lifecycle = lifecycle;
    this.assessment = assessment;
    this.scorer = scorer;
    this.endings = endings;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * The {@code scenario} of {@code body} and, for {@code completed}, its script ({@link
   * Script#parse}); the script's fields with another scenario are refused, not ignored.
   */
  public static Request request(String uid, JsonNode body) {
    JsonNode value = body.get("scenario");
    if (value == null || value.isNull()) {
      throw Refusal.invalid("scenario_missing", "scenario is required: " + Scenario.names());
    }
    if (!value.isTextual()) {
      throw Refusal.invalid("scenario_type", "scenario must be a string: " + Scenario.names());
    }
    Scenario scenario =
        Arrays.stream(Scenario.values())
            .filter(s -> s.wireName().equals(value.textValue()))
            .findFirst()
            .orElseThrow(
                () ->
                    Refusal.invalid(
                        "scenario_unknown",
                        "Unknown scenario '"
                            + value.textValue()
                            + "'; scenarios are "
                            + Scenario.names()));
    if (scenario != Scenario.COMPLETED) {
      for (String field : Script.FIELDS.stream().sorted().toList()) {
        if (body.hasNonNull(field)) {
          throw Refusal.invalid(
              field + "_not_applicable",
              field + " scripts a result, which only the completed scenario has");
        }
      }
      return new Request(uid, scenario, Script.AVERAGE);
    }
    return new Request(uid, scenario, Script.parse(body));
  }

  /**
   * Refuses a simulation outside Test (403 {@code simulation_not_allowed}) and a script the
   * environment's model cannot score (422); writes nothing.
   */
  private void check(Environment environment, Request request) {
    SessionService.requireTest(environment);
    if (request.scenario() == Scenario.COMPLETED) {
      scorer.check(environment, request.script());
    }
  }

  /**
   * Makes and ends a simulated session in a Test environment, checked first ({@link #check}), then
   * counted against the environment's per-minute limit as a create is (429 {@code rate_limited}),
   * whether the API or the dashboard asks; the uid must be new (409 otherwise). The company's audit
   * log records it, as made by {@code actor}.
   *
   * @return the session as it ended
   */
  public Session run(Environment environment, Request request, Actor actor) {
    check(environment, request);
    sessions.limitRate(environment);
    Session session = sessions.openSimulated(environment, request.uid());
    View view = assessment.view(session, environment);
    switch (request.scenario()) {
      case COMPLETED -> {
        assessment.consent(view, "accept");
        View started = assessment.view(reload(session), environment);
        endings.complete(started, scorer.scripted(started, request.script()));
      }
      case CANCELLED -> {
        assessment.consent(view, "decline");
        endings.cancel(view);
      }
      case INCOMPLETE -> {
        assessment.consent(view, "accept");
        expireNow(session, environment);
      }
      case EXPIRED -> expireNow(session, environment);
    }
    Session ended = reload(session);
    audit.record(
        environment.companyId(),
        actor,
        SessionAudit.simulated(ended, request.scenario().wireName(), request.script().riskBand()));
    return ended;
  }

  private void expireNow(Session session, Environment environment) {
    lifecycle.dueNow(session.id(), clock.instant());
    endings.expire(reload(session), environment);
  }

  private Session reload(Session session) {
    return store.findById(session.id()).orElseThrow();
  }
}
