package dev.credence.server.assessment.balloons;

import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.assessment.balloons.BalloonStore.Balloon;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.scoring.Design;
import dev.credence.server.store.StoreErrors;
import gg.jte.generated.precompiled.assessment.JteballoonsGenerated;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The balloon risk game (BART): each balloon is pumped for a point a pump or collected; it bursts
 * at a point drawn by the server, 1 to {@code max_pumps}, and a burst balloon earns nothing.
 */
public final class BalloonsModule
    implements AssessmentModule<BalloonsModule.Balloons, List<Balloon>> {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The settings: how many balloons, and the most pumps a balloon can take. */
  public record Balloons(int balloons, int maxPumps) {}

  /** {@code current} is null until the balloon is first shown (its burst point is then drawn). */
  public record BalloonStep(
      int index, int balloons, Balloon current, int totalPoints, Balloon last) {}

  public String type() {
    return "balloons";
  }

  public String path() {
    return "balloons";
  }

  public Intro intro(Balloons settings) {
    return new Intro("bart.title", List.of("bart.instructions"));
  }

  public Class<Balloons> settingsType() {
    return Balloons.class;
  }

  public Balloons defaults() {
    return new Balloons(10, 64);
  }

  public Balloons parse(ModuleFields fields) {
    return new Balloons(
        fields.integer("balloons", 10, 1, 30), fields.integer("max_pumps", 64, 8, 128));
  }

  public void toJson(Balloons settings, Map<String, Object> json) {
    json.put("balloons", settings.balloons());
    json.put("max_pumps", settings.maxPumps());
  }

  public List<Balloon> progress(Balloons settings, SessionData data) {
    return new BalloonStore(data.jdbi()).balloons(data.sessionId());
  }

  public int steps(Balloons settings, List<Balloon> played) {
    return settings.balloons();
  }

  public int answered(Balloons settings, List<Balloon> played) {
    return (int) played.stream().filter(Balloon::finished).count();
  }

  public boolean finished(Balloons settings, List<Balloon> played) {
    return step(settings, played) == null;
  }

  /** The balloon to play now, or null when every balloon is finished. */
  static BalloonStep step(Balloons settings, List<Balloon> all) {
    int points =
        all.stream().filter(x -> "COLLECTED".equals(x.outcome())).mapToInt(Balloon::pumps).sum();
    Balloon last = all.stream().filter(Balloon::finished).reduce((x, y) -> y).orElse(null);
    for (int i = 0; i < settings.balloons(); i++) {
      Balloon current = i < all.size() ? all.get(i) : null;
      if (current == null || !current.finished()) {
        return new BalloonStep(i + 1, settings.balloons(), current, points, last);
      }
    }
    return null;
  }

  public Html render(Balloons settings, List<Balloon> played, StepContext step) {
    BalloonStep balloons = step(settings, played);
    Balloon current = balloon(settings, balloons, step);
    int pumps = current.pumps();
    // Twenty sizes spread over the possible pumps, so the balloon grows from the first pump.
    int maxPumps = settings.maxPumps();
    int size = Math.min(20, (pumps * 20 + maxPumps - 1) / maxPumps);
    String refusal =
        step.refused(balloons.index()).map(r -> step.page().t("error.try_again")).orElse(null);
    return (out, interceptor) ->
        JteballoonsGenerated.render(out, interceptor, step.page(), balloons, pumps, size, refusal);
  }

  /**
   * Pumps or collects the balloon on screen. The form says how many pumps it had counted ({@code
   * pumps}); a post whose count is not the balloon's (a double tap, a re-sent post) changes
   * nothing, and a finished balloon cannot be pumped again.
   */
  public void post(Balloons settings, List<Balloon> played, StepContext step) {
    int index = step.intParam("balloon");
    int counted = step.intParam("pumps");
    String action = step.formParam("action");
    BalloonStep current = settings == null ? null : step(settings, played);
    if (current == null || current.index() != index) {
      throw StepContext.conflict("Balloon " + index + " is finished; play the balloon on screen");
    }
    step.keep(index, "");
    balloon(settings, current, step);
    BalloonStore store = new BalloonStore(step.jdbi());
    Instant now = step.now();
    Optional<Balloon> result =
        switch (action == null ? "" : action) {
          case "pump" -> store.pump(step.sessionId(), index, counted, now);
          case "collect" -> store.collect(step.sessionId(), index, counted, now);
          default -> throw StepContext.refused("invalid_action", "Pump or collect");
        };
    result.orElseThrow(
        () ->
            StepContext.conflict(
                "Balloon " + index + " is finished or has moved on from " + counted + " pumps"));
  }

  /** The balloon on screen, drawing its burst point the first time it is shown. */
  private static Balloon balloon(Balloons settings, BalloonStep current, StepContext step) {
    if (current.current() != null) {
      return current.current();
    }
    int burstPoint = 1 + RANDOM.nextInt(settings.maxPumps());
    BalloonStore store = new BalloonStore(step.jdbi());
    try {
      store.startBalloon(step.sessionId(), current.index(), burstPoint, step.now());
      return new Balloon(current.index(), burstPoint, 0, null);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that one stands.
      return store.balloons(step.sessionId()).get(current.index() - 1);
    }
  }

  public void design(Balloons settings, Design.Builder design) {
    design.maxPumps(settings.maxPumps());
  }

  public void answers(
      Balloons settings, List<Balloon> played, SessionData data, AnswerSheet.Builder sheet) {
    sheet.balloons(
        played.stream()
            .map(b -> new AnswerSheet.Balloon(b.index(), b.burstPoint(), b.pumps(), b.outcome()))
            .toList());
  }
}
