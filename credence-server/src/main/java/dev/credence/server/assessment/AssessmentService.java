package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.assessment.AssessmentStore.JourneyRow;
import dev.credence.server.assessment.Journey.Position;
import dev.credence.server.deployments.Environment;
import dev.credence.server.http.Json;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.StoreErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The applicant's journey: consent, then each module in turn. Every answer is checked against the
 * step the applicant is on and saved at once; an answer that does not fit is refused with a reason
 * and changes nothing.
 */
public final class AssessmentService {
  private static final int MAX_ELAPSED_MS = 24 * 3600 * 1000;

  private final AssessmentStore store;
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final ItemBank items;
  private final AssessmentModules modules;
  private final Clock clock;

  /** A pause this long between two openings of the link makes the second a return. */
  public static final java.time.Duration RETURN_GAP = java.time.Duration.ofMinutes(10);

  public AssessmentService(
      AssessmentStore store,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      ItemBank items,
      AssessmentModules modules,
      Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.items = items;
    this.modules = modules;
    this.clock = clock;
  }

  /** Everything a page needs to show where the applicant is. */
  public record View(
      Session session,
      Environment environment,
      JourneyRow row,
      AssessmentConfig config,
      List<ModuleState> modules,
      Position position) {}

  public View view(Session session, Environment environment) {
    JourneyRow row = store.journey(session.id()).orElseThrow();
    AssessmentConfig config = config(row, environment);
    SessionData data = data(session.id());
    List<ModuleState> states = config.modules().stream().map(m -> m.state(data)).toList();
    Position position = Journey.position(states, row.startedAt() != null);
    recordFinishes(session, row, states, position);
    return new View(session, environment, row, config, states, position);
  }

  /**
   * Records the modules finished since the session row last counted them, for the funnel
   * (docs/decisions/0032-funnel-page.md). It writes only when the count moved, once a module, so a
   * request that finishes nothing costs nothing more than the read it made already.
   */
  private void recordFinishes(
      Session session, JourneyRow row, List<ModuleState> states, Position position) {
    if (row.startedAt() == null || !session.status().isOpen()) {
      return;
    }
    int finished = position.step() instanceof Journey.Done ? states.size() : position.module() - 1;
    if (finished <= row.modulesFinished()) {
      return;
    }
    List<AssessmentStore.Finished> modules = new ArrayList<>();
    for (int no = row.modulesFinished() + 1; no <= finished; no++) {
      modules.add(new AssessmentStore.Finished(no, states.get(no - 1).type()));
    }
    store.finishModules(session, row, modules, clock.instant());
  }

  /** What the modules read their progress from. */
  SessionData data(String sessionId) {
    return new SessionData(
        sessionId, store, items, store.answers(sessionId), store.started(sessionId));
  }

  /**
   * Everything a finished session answered, as the scoring reads it: each module adds its part,
   * then the visits and devices of the session.
   */
  public AnswerSheet sheet(View view) {
    SessionData data = data(view.session().id());
    AnswerSheet.Builder sheet = new AnswerSheet.Builder();
    view.modules().forEach(m -> m.answers(data, sheet));
    AssessmentStore.Visits visits = store.visits(view.session().id());
    return sheet.build(visits.visits(), visits.devices());
  }

  /**
   * Notes an opening of the link: a visit if the applicant comes back after {@link #RETURN_GAP}
   * without opening it, or on another device (reloads within one sitting are not visits).
   */
  public void visit(Session session, String userAgent) {
    String agent =
        userAgent == null ? "" : userAgent.substring(0, Math.min(512, userAgent.length()));
    Instant now = clock.instant();
    sessions.visit(session.id(), agent, platform(agent), now, now.minus(RETURN_GAP));
  }

  /** The language of the session: stored once chosen or negotiated. */
  public void setLanguage(Session session, String language) {
    sessions.setLanguage(session.id(), language);
  }

  /** The language the session was taken in, once chosen or negotiated. */
  public java.util.Optional<String> language(Session session) {
    return store.journey(session.id()).map(JourneyRow::language);
  }

  /** Called when a step is rendered, so the next answer's time can be measured by the server. */
  public void shown(Session session) {
    sessions.stepShown(session.id(), clock.instant());
  }

  org.jdbi.v3.core.Jdbi jdbi() {
    return store.jdbi();
  }

  ItemBank items() {
    return items;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * Accept starts the assessment. Returns whether it was accepted; a decline changes nothing here,
   * the caller cancels the session ({@link JourneyEndings#cancel}).
   */
  public boolean consent(View view, String decision) {
    requireStep(
        view, view.position().step() instanceof Journey.Consent, "consent was already given");
    if ("accept".equals(decision)) {
      // The configuration is frozen with what each module records (the form's item ids), so the
      // session keeps it.
      AssessmentConfig frozen = view.config().frozen(items);
      lifecycle.start(view.session().id(), Json.write(frozen.toJson()), clock.instant());
      return true;
    }
    if ("decline".equals(decision)) {
      return false;
    }
    throw StepContext.refused("invalid_decision", "Choose accept or decline");
  }

  /**
   * The applicant pressed Ready on {@code module}'s introduction; pressing it again (a double tap,
   * a re-sent post) is a conflict and changes nothing.
   */
  void ready(View view, String module) {
    if (!store.start(view.session().id(), module, clock.instant())) {
      throw StepContext.conflict("The game has started already");
    }
  }

  void save(View view, String module, List<Answer> answers) {
    try {
      store.saveAnswers(view.session().id(), module, answers, clock.instant());
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        throw StepContext.conflict("This was answered already");
      }
      throw e;
    }
  }

  int elapsedMs(View view) {
    Instant shown = view.row().stepShownAt();
    if (shown == null) {
      return 0;
    }
    long millis = Duration.between(shown, clock.instant()).toMillis();
    return (int) Math.max(0, Math.min(MAX_ELAPSED_MS, millis));
  }

  private static void requireStep(View view, boolean onStep, String detail) {
    if (!onStep) {
      throw StepContext.conflict(detail);
    }
  }

  private AssessmentConfig config(JourneyRow row, Environment environment) {
    if (row.config() == null) {
      return modules.configOf(environment);
    }
    return modules.started(row.config(), items);
  }

  /** A coarse platform from the user agent: enough to tell phones from desktops in results. */
  static String platform(String userAgent) {
    String ua = userAgent.toLowerCase(java.util.Locale.ROOT);
    if (ua.contains("android")) {
      return "ANDROID";
    } else if (ua.contains("iphone") || ua.contains("ipad") || ua.contains("ios")) {
      return "IOS";
    } else if (ua.contains("windows") || ua.contains("macintosh") || ua.contains("linux")) {
      return "DESKTOP";
    }
    return "OTHER";
  }
}
