package dev.credence.server.assessment;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.credence.server.assessment.AssessmentConfig.Questionnaire;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.assessment.AssessmentStore.Balloon;
import dev.credence.server.assessment.AssessmentStore.JourneyRow;
import dev.credence.server.assessment.AssessmentStore.Progress;
import dev.credence.server.assessment.Journey.BalloonStep;
import dev.credence.server.assessment.Journey.ChoiceStep;
import dev.credence.server.assessment.Journey.MemoryStep;
import dev.credence.server.assessment.Journey.Position;
import dev.credence.server.assessment.Journey.QuestionnairePage;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.Json;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionLifecycle;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.StoreErrors;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The applicant's journey: consent, then each module in turn. Every answer is checked against the
 * step the applicant is on and saved at once; an answer that does not fit is refused with a reason
 * and changes nothing.
 */
public final class AssessmentService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_ELAPSED_MS = 24 * 3600 * 1000;

  private final AssessmentStore store;
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final ItemBank items;
  private final Clock clock;

  /** A pause this long between two openings of the link makes the second a return. */
  public static final java.time.Duration RETURN_GAP = java.time.Duration.ofMinutes(10);

  public AssessmentService(
      AssessmentStore store,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      ItemBank items,
      Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.items = items;
    this.clock = clock;
  }

  /** Everything a page needs to show where the applicant is. */
  public record View(
      Session session,
      Environment environment,
      JourneyRow row,
      AssessmentConfig config,
      Progress progress,
      Position position) {}

  public View view(Session session, Environment environment) {
    JourneyRow row = store.journey(session.id()).orElseThrow();
    AssessmentConfig config = config(row, environment);
    Progress progress = store.progress(session.id());
    Position position = Journey.position(config, form(config), progress, row.startedAt() != null);
    return new View(session, environment, row, config, progress, position);
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

  /**
   * Accept starts the assessment. Returns whether it was accepted; a decline changes nothing here,
   * the caller cancels the session ({@code Outcomes.cancel}).
   */
  public boolean consent(View view, String decision) {
    requireStep(
        view, view.position().step() instanceof Journey.Consent, "consent was already given");
    if ("accept".equals(decision)) {
      // The configuration is frozen with the item ids of the form, so the session keeps them.
      AssessmentConfig frozen = view.config().withQuestionnaireItems(form(view.config()));
      lifecycle.start(view.session().id(), Json.write(frozen.toJson()), clock.instant());
      return true;
    }
    if ("decline".equals(decision)) {
      return false;
    }
    throw refused("invalid_decision", "Choose accept or decline");
  }

  /** One page of the questionnaire: every statement on it, each 1 to 5. */
  public void answerPage(View view, int page, Map<String, List<String>> form) {
    if (!(view.position().step() instanceof QuestionnairePage current) || current.page() != page) {
      throw conflict("That page of statements is not the one to answer now");
    }
    List<Answer> answers = new ArrayList<>();
    for (String key : form.keySet()) {
      if (key.startsWith("item_") && !current.itemIds().contains(key.substring(5))) {
        throw refused("unknown_item", "Statement " + key.substring(5) + " is not on this page");
      }
    }
    int elapsed = elapsedMs(view);
    for (String itemId : current.itemIds()) {
      List<String> values = form.get("item_" + itemId);
      if (values == null || values.isEmpty() || values.get(0).isBlank()) {
        throw refused("answer_missing", "Please answer every statement on this page");
      }
      answers.add(new Answer(itemId, oneToFive(values.get(0)), page, elapsed));
    }
    save(view, "questionnaire", answers);
  }

  /** One delay-discounting choice: "today" (smaller-sooner) is 0, "later" is 1. */
  public void choose(View view, int index, String choice) {
    if (!(view.position().step() instanceof ChoiceStep current) || current.index() != index) {
      throw conflict("That choice is not the one to make now");
    }
    int value =
        switch (choice == null ? "" : choice) {
          case "today" -> 0;
          case "later" -> 1;
          default -> throw refused("invalid_choice", "Choose today or later");
        };
    save(
        view, "choices", List.of(new Answer(String.valueOf(index), value, index, elapsedMs(view))));
  }

  /** The balloon on screen, drawing its burst point the first time it is shown. */
  public Balloon balloon(View view) {
    if (!(view.position().step() instanceof BalloonStep step)) {
      throw conflict("The balloon game is not the step to play now");
    }
    if (step.current() != null) {
      return step.current();
    }
    AssessmentConfig.Balloons settings = balloonSettings(view);
    int burstPoint = 1 + RANDOM.nextInt(settings.maxPumps());
    try {
      store.startBalloon(view.session().id(), step.index(), burstPoint, clock.instant());
      return new Balloon(step.index(), burstPoint, 0, null);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that one stands.
      return store.progress(view.session().id()).balloons().get(step.index() - 1);
    }
  }

  /** Pumps or collects the balloon on screen; a finished balloon cannot be pumped again. */
  public Balloon play(View view, int index, String action) {
    if (!(view.position().step() instanceof BalloonStep step) || step.index() != index) {
      throw conflict("Balloon " + index + " is finished; play the balloon on screen");
    }
    balloon(view);
    Instant now = clock.instant();
    java.util.Optional<Balloon> played =
        switch (action == null ? "" : action) {
          case "pump" -> store.pump(view.session().id(), index, now);
          case "collect" -> store.collect(view.session().id(), index, now);
          default -> throw refused("invalid_action", "Pump or collect");
        };
    return played.orElseThrow(() -> conflict("Balloon " + index + " is finished"));
  }

  /** The digits of the memory round on screen, drawn the first time it is shown. */
  public AssessmentStore.MemoryRound memoryRound(View view) {
    if (!(view.position().step() instanceof MemoryStep step)) {
      throw conflict("The memory game is not the step to play now");
    }
    if (step.current() != null) {
      return step.current();
    }
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < step.length(); i++) {
      char next;
      do {
        next = (char) ('0' + RANDOM.nextInt(10));
      } while (i > 0 && next == digits.charAt(i - 1));
      digits.append(next);
    }
    Instant now = clock.instant();
    try {
      store.startRound(view.session().id(), step.round(), digits.toString(), now);
      return new AssessmentStore.MemoryRound(step.round(), digits.toString(), null, null, now);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that one stands.
      return store.progress(view.session().id()).rounds().get(step.round() - 1);
    }
  }

  /** The typed answer of the round on screen: digits only, compared by the server. */
  public boolean answerMemory(View view, int round, String answer) {
    if (!(view.position().step() instanceof MemoryStep step)
        || step.round() != round
        || step.current() == null) {
      throw conflict("That memory round is not the one to answer now");
    }
    String typed = answer == null ? "" : answer.replaceAll("\\s", "");
    if (!typed.matches("\\d{0,32}")) {
      throw refused("invalid_digits", "Type digits only");
    }
    boolean correct = typed.equals(step.current().digits());
    if (!store.answerRound(view.session().id(), round, typed, correct, clock.instant())) {
      throw conflict("That memory round was answered already");
    }
    return correct;
  }

  /**
   * The form of the questionnaire this configuration uses (its item ids in order): the ids a
   * started session recorded, else the current form of its length.
   */
  public List<String> form(AssessmentConfig config) {
    return config.modules().stream()
        .filter(Questionnaire.class::isInstance)
        .map(m -> (Questionnaire) m)
        .map(q -> q.items() != null ? q.items() : items.form(q.length()))
        .findFirst()
        .orElse(List.of());
  }

  /** How long the digits of a round stay on screen: a second a digit, and one more. */
  public static Duration memoryShowTime(String digits) {
    return Duration.ofSeconds(digits.length() + 1L);
  }

  static AssessmentConfig.Balloons balloonSettings(View view) {
    return (AssessmentConfig.Balloons)
        view.config().modules().stream()
            .filter(AssessmentConfig.Balloons.class::isInstance)
            .findFirst()
            .orElseThrow();
  }

  private void save(View view, String module, List<Answer> answers) {
    try {
      store.saveAnswers(view.session().id(), module, answers, clock.instant());
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        throw conflict("This was answered already");
      }
      throw e;
    }
  }

  private int elapsedMs(View view) {
    Instant shown = view.row().stepShownAt();
    if (shown == null) {
      return 0;
    }
    long millis = Duration.between(shown, clock.instant()).toMillis();
    return (int) Math.max(0, Math.min(MAX_ELAPSED_MS, millis));
  }

  private static int oneToFive(String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= 1 && parsed <= 5) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw refused("answer_out_of_range", "Each answer must be one of the five options");
  }

  private static void requireStep(View view, boolean onStep, String detail) {
    if (!onStep) {
      throw conflict(detail);
    }
  }

  private AssessmentConfig config(JourneyRow row, Environment environment) {
    if (row.config() == null) {
      return AssessmentSetting.of(environment);
    }
    return started(row.config(), items);
  }

  /**
   * The configuration a session froze when it started. One that started before forms recorded their
   * item ids keeps the items it was shown: the legacy form of its length ({@link
   * ItemBank#legacyForm}).
   */
  static AssessmentConfig started(String json, ItemBank items) {
    AssessmentConfig config;
    try {
      List<String> problems = new ArrayList<>();
      config = AssessmentConfig.parseStarted(Json.MAPPER.readTree(json), problems);
      if (config == null) {
        throw new IllegalStateException("a session's stored configuration is invalid: " + problems);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a session's stored configuration is not JSON", e);
    }
    AssessmentConfig frozen = config;
    return config.modules().stream()
        .filter(Questionnaire.class::isInstance)
        .map(m -> (Questionnaire) m)
        .filter(q -> q.items() == null)
        .findFirst()
        .map(q -> frozen.withQuestionnaireItems(items.legacyForm(q.length())))
        .orElse(config);
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

  private static Refusal refused(String code, String detail) {
    return Refusal.invalid(code, detail);
  }

  private static Refusal conflict(String detail) {
    return Refusal.conflict("step_not_current", detail);
  }
}
