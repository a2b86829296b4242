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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The balloon risk game (BART): each balloon is pumped for a point a pump or collected; it bursts
 * at a point drawn by the server, 1 to {@code max_pumps}, and a burst balloon earns nothing.
 *
 * <p>Without JavaScript every pump and collect is a form post. With it ({@code
 * public/assets/balloons.js}) the game is played on the device: the page carries, for each balloon
 * left, a salt and a commitment to its burst point ({@link #commitment}) so the script can tell a
 * burst without knowing the burst point, and each finished balloon is one post ({@code to}, the
 * pumps it ended at), which the server checks against its own burst point. See
 * docs/decisions/0022-balloon-game-on-the-device.md.
 */
public final class BalloonsModule
    implements AssessmentModule<BalloonsModule.Balloons, List<Balloon>> {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The key the salts are derived from, drawn when the server starts: a balloon's salt stays the
   * same for every render of its page while the server runs (the same page for the same state), and
   * nobody outside the server can compute it.
   */
  private static final SecretKeySpec SALT_KEY = new SecretKeySpec(randomBytes(32), "HmacSHA256");

  static final String COLLECTED = "COLLECTED";

  static final String BURST = "BURST";

  /** The settings: how many balloons, and the most pumps a balloon can take. */
  public record Balloons(int balloons, int maxPumps) {}

  /**
   * The balloon to play now ({@code current}, null until the game is first shown and its balloons
   * drawn), the points banked so far and the last finished balloon.
   */
  public record BalloonStep(
      int index, int balloons, Balloon current, int totalPoints, Balloon last) {}

  /**
   * What the page's script knows of a balloon: a salt and {@code SHA-256(salt + ":" + burstPoint)}
   * in hex. The script bursts the balloon at the pump whose hash matches.
   */
  public record Commitment(int index, String salt, String hash) {}

  /**
   * A balloon's page: the step, its pumps and balloon size, a refused form's message, the
   * commitments of this balloon and every later one, and the interface texts the script fills in
   * ({@code {0}} and {@code {1}} left for it), by name.
   */
  public record BalloonPage(
      BalloonStep step,
      int pumps,
      int size,
      int maxPumps,
      String refusal,
      List<Commitment> commitments,
      Map<String, String> texts) {
    /** The commitments as the page's data attribute: "salt:hash" a balloon, space-separated. */
    public String commitmentList() {
      return String.join(" ", commitments.stream().map(c -> c.salt() + ":" + c.hash()).toList());
    }
  }

  public String type() {
    return "balloons";
  }

  public String path() {
    return "balloons";
  }

  @Override
  public List<String> sessionTables() {
    return List.of("balloons");
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
        all.stream().filter(x -> COLLECTED.equals(x.outcome())).mapToInt(Balloon::pumps).sum();
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
    List<Balloon> all = drawn(settings, played, step);
    BalloonStep balloons = step(settings, all);
    int pumps = balloons.current().pumps();
    String refusal =
        step.refused(balloons.index()).map(r -> step.page().t("error.try_again")).orElse(null);
    List<Commitment> commitments = new ArrayList<>();
    for (Balloon b : all.subList(balloons.index() - 1, all.size())) {
      commitments.add(commitment(step.sessionId(), b));
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (String key : List.of("balloon", "current", "total", "burst", "collected")) {
      // MessageFormat puts a string argument in as it is: the script fills in the numbers.
      texts.put(key, step.page().t("bart." + key, "{0}", "{1}"));
    }
    BalloonPage page =
        new BalloonPage(
            balloons,
            pumps,
            size(pumps, settings.maxPumps()),
            settings.maxPumps(),
            refusal,
            commitments,
            texts);
    return (out, interceptor) -> JteballoonsGenerated.render(out, interceptor, step.page(), page);
  }

  /**
   * Twenty sizes spread over the possible pumps, so the balloon grows from the first pump ({@code
   * balloons.js} computes the same).
   */
  static int size(int pumps, int maxPumps) {
    return Math.min(20, (pumps * 20 + maxPumps - 1) / maxPumps);
  }

  /**
   * Pumps or collects the balloon on screen (a form), or takes a balloon played on the device (a
   * script: {@code to}, the pumps it ended at, with {@code action} collect or burst). Either says
   * how many pumps the server had counted ({@code pumps}); a post whose count is not the balloon's
   * (a double tap, a re-sent post) changes nothing, and a finished balloon cannot be played again.
   * A result the balloon's burst point rules out is refused ({@code impossible_balloon}).
   */
  public void post(Balloons settings, List<Balloon> played, StepContext step) {
    int index = step.intParam("balloon");
    int counted = step.intParam("pumps");
    String action = step.formParam("action");
    Integer to = step.formParam("to") == null ? null : step.intParam("to");
    if (to != null) {
      impossibleWhateverTheBalloon(settings, action, counted, to);
    }
    BalloonStep current = settings == null ? null : step(settings, played);
    if (current == null || current.index() != index) {
      throw StepContext.conflict("Balloon " + index + " is finished; play the balloon on screen");
    }
    step.keep(index, "");
    drawn(settings, played, step);
    BalloonStore store = new BalloonStore(step.jdbi());
    Instant now = step.now();
    Optional<Balloon> result;
    if (to != null) {
      String outcome = "burst".equals(action) ? BURST : COLLECTED;
      result =
          store.finish(
              step.sessionId(), index, counted, to, outcome, b -> possible(b, outcome, to), now);
    } else {
      result =
          switch (action == null ? "" : action) {
            case "pump" -> store.pump(step.sessionId(), index, counted, now);
            case "collect" -> store.collect(step.sessionId(), index, counted, now);
            default -> throw StepContext.refused("invalid_action", "Pump or collect");
          };
    }
    result.orElseThrow(
        () ->
            StepContext.conflict(
                "Balloon " + index + " is finished or has moved on from " + counted + " pumps"));
  }

  /** The code of a balloon result that cannot have happened. */
  static final String IMPOSSIBLE = "impossible_balloon";

  /**
   * A script's result that no balloon allows: an action other than collect or burst, fewer pumps
   * than it says the server counted, or more than a balloon of the game can take.
   */
  private static void impossibleWhateverTheBalloon(
      Balloons settings, String action, int counted, int to) {
    if (!"collect".equals(action) && !"burst".equals(action)) {
      throw StepContext.refused("invalid_action", "A balloon played ends in collect or burst");
    }
    if (to < counted) {
      throw StepContext.refused(
          IMPOSSIBLE, "A balloon cannot end at " + to + " pumps: it had " + counted + " already");
    }
    // Without settings the game is not the step to answer now: the conflict says so.
    if (settings != null && to > settings.maxPumps()) {
      throw StepContext.refused(
          IMPOSSIBLE,
          "A balloon cannot take " + to + " pumps: it bursts by " + settings.maxPumps());
    }
  }

  /** The result against the balloon's own burst point. */
  private static void possible(Balloon balloon, String outcome, int to) {
    if (BURST.equals(outcome) && to != balloon.burstPoint()) {
      throw StepContext.refused(
          IMPOSSIBLE, "Balloon " + balloon.index() + " did not burst at pump " + to);
    }
    if (COLLECTED.equals(outcome) && to >= balloon.burstPoint()) {
      throw StepContext.refused(
          IMPOSSIBLE,
          "Balloon " + balloon.index() + " cannot be collected at " + to + " pumps: it burst");
    }
  }

  /**
   * Every balloon of the game, drawing the burst points of those not drawn yet (all at once, the
   * first time the game is shown, so that the page can carry the commitment of each).
   */
  private static List<Balloon> drawn(Balloons settings, List<Balloon> played, StepContext step) {
    if (played.size() >= settings.balloons()) {
      return played;
    }
    Map<Integer, Integer> burstPoints = new LinkedHashMap<>();
    for (int i = played.size() + 1; i <= settings.balloons(); i++) {
      burstPoints.put(i, 1 + RANDOM.nextInt(settings.maxPumps()));
    }
    BalloonStore store = new BalloonStore(step.jdbi());
    try {
      store.draw(step.sessionId(), burstPoints, step.now());
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that draw stands.
    }
    return store.balloons(step.sessionId());
  }

  /** The salt and commitment of a balloon's burst point, as its page carries them. */
  static Commitment commitment(String sessionId, Balloon balloon) {
    String salt = salt(sessionId, balloon.index());
    return new Commitment(balloon.index(), salt, sha256Hex(salt + ":" + balloon.burstPoint()));
  }

  /** 128 bits of HMAC-SHA256 of the session and the balloon's number under {@link #SALT_KEY}. */
  static String salt(String sessionId, int index) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(SALT_KEY);
      byte[] full = mac.doFinal((sessionId + ":" + index).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(full, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
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
