package dev.credence.server.assessment.memory;

import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.PageModel;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.assessment.memory.MemoryStore.MemoryRound;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.store.StoreErrors;
import gg.jte.generated.precompiled.assessment.JtememoryGenerated;
import gg.jte.generated.precompiled.assessment.JtememoryScreensGenerated;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Digits shown briefly then typed back, one longer each round, until two misses. One practice round
 * at the start length comes first (stored as round 0): it is shown and checked like any other, then
 * the applicant presses Begin, and it never counts.
 */
public final class MemorySpanModule
    implements AssessmentModule<MemorySpanModule.MemorySpan, List<MemoryRound>> {
  /** Memory span ends at the second miss. */
  public static final int MEMORY_MISSES = 2;

  /** The round number of the practice round; the scored rounds are 1, 2, … */
  public static final int PRACTICE = 0;

  /** The form field of the Begin button after the practice round. */
  static final String BEGIN = "begin";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The settings: the length of the first sequence and the longest. */
  public record MemorySpan(int startLength, int maxLength) {}

  /**
   * The step to play now: {@code round} (0 for the practice round) with its {@code length}; {@code
   * current} is the round shown and not yet answered, or null for a round to draw; {@code last} the
   * round answered before it whose outcome the page says (never the practice round once the scored
   * rounds have begun). {@code begin}: the practice round is answered and the page offers Begin
   * before round 1 is drawn.
   */
  public record MemoryStep(
      int round, int length, MemoryRound current, MemoryRound last, boolean begin) {
    public boolean practice() {
      return round == PRACTICE;
    }
  }

  public String type() {
    return "memory_span";
  }

  @Override
  public List<String> sessionTables() {
    return List.of("memory_rounds");
  }

  public String path() {
    return "memory";
  }

  public Intro intro(MemorySpan settings) {
    return new Intro("mem.title", List.of("mem.instructions", "mem.practice"));
  }

  /** The screens memory.js fills in, so that Ready shows the practice round without a page load. */
  public Html introTemplates(MemorySpan settings, PageModel page) {
    return (out, interceptor) -> JtememoryScreensGenerated.render(out, interceptor, page);
  }

  public Class<MemorySpan> settingsType() {
    return MemorySpan.class;
  }

  public MemorySpan defaults() {
    return new MemorySpan(3, 10);
  }

  public MemorySpan parse(ModuleFields fields) {
    int start = fields.integer("start_length", 3, 2, 8);
    int max = fields.integer("max_length", 10, 3, 14);
    if (max < start) {
      fields.problem("memory_span max_length must be at least start_length");
    }
    return new MemorySpan(start, max);
  }

  public void toJson(MemorySpan settings, Map<String, Object> json) {
    json.put("start_length", settings.startLength());
    json.put("max_length", settings.maxLength());
  }

  public List<MemoryRound> progress(MemorySpan settings, SessionData data) {
    return new MemoryStore(data.jdbi()).rounds(data.sessionId());
  }

  /** The scored rounds and one step for the practice round. */
  public int steps(MemorySpan m, List<MemoryRound> rounds) {
    return m.maxLength() - m.startLength() + MEMORY_MISSES + 1;
  }

  public int answered(MemorySpan m, List<MemoryRound> rounds) {
    return finished(m, rounds)
        ? steps(m, rounds)
        : (int) rounds.stream().filter(MemoryRound::answered).count();
  }

  public boolean finished(MemorySpan m, List<MemoryRound> rounds) {
    return over(m, rounds);
  }

  /** Two scored misses, or the longest sequence typed back: the practice round never counts. */
  static boolean over(MemorySpan m, List<MemoryRound> rounds) {
    List<MemoryRound> scored = scored(rounds);
    long misses = scored.stream().filter(r -> Boolean.FALSE.equals(r.correct())).count();
    boolean topped =
        scored.stream()
            .anyMatch(
                r -> Boolean.TRUE.equals(r.correct()) && r.digits().length() >= m.maxLength());
    return misses >= MEMORY_MISSES || topped;
  }

  /** The rounds that count: all but the practice round. */
  static List<MemoryRound> scored(List<MemoryRound> rounds) {
    return rounds.stream().filter(r -> r.round() != PRACTICE).toList();
  }

  /** The round to play now, or null when the task is finished. */
  static MemoryStep step(MemorySpan m, List<MemoryRound> rounds) {
    if (over(m, rounds)) {
      return null;
    }
    List<MemoryRound> scored = scored(rounds);
    if (scored.isEmpty()) {
      // A session whose scored rounds began before there was a practice round plays none.
      MemoryRound practice = rounds.isEmpty() ? null : rounds.get(0);
      if (practice == null || !practice.answered()) {
        return new MemoryStep(PRACTICE, m.startLength(), practice, null, false);
      }
      return new MemoryStep(1, length(m, rounds, 1), null, practice, true);
    }
    MemoryRound last = scored.get(scored.size() - 1);
    MemoryRound open = last.answered() ? null : last;
    MemoryRound previous =
        open == null ? last : (scored.size() > 1 ? scored.get(scored.size() - 2) : null);
    int round = open != null ? open.round() : scored.size() + 1;
    return new MemoryStep(round, length(m, rounds, round), open, previous, false);
  }

  /**
   * Each scored round is one digit longer than the start for every correct scored answer before it;
   * the practice round has the start length.
   */
  static int length(MemorySpan m, List<MemoryRound> rounds, int round) {
    long correct =
        scored(rounds).stream()
            .filter(r -> r.round() < round && Boolean.TRUE.equals(r.correct()))
            .count();
    return (int) Math.min(m.maxLength(), m.startLength() + correct);
  }

  /** How long the digits of a round stay on screen: a second a digit, and one more. */
  static Duration showTime(String digits) {
    return Duration.ofSeconds(digits.length() + 1L);
  }

  public Html render(MemorySpan settings, List<MemoryRound> rounds, StepContext step) {
    MemoryStep memory = step(settings, rounds);
    if (memory.begin()) {
      // The practice round's outcome and Begin: nothing is drawn before the applicant presses it.
      return (out, interceptor) ->
          JtememoryGenerated.render(out, interceptor, step.page(), memory, null, null);
    }
    MemoryRound round = round(memory, step);
    Duration left = Duration.between(step.now(), round.shownAt().plus(showTime(round.digits())));
    String digits = left.isNegative() || left.isZero() ? null : round.digits();
    if (digits != null) {
      // The digits go away by themselves, with or without JavaScript.
      step.header("Refresh", String.valueOf(Math.max(1, (left.toMillis() + 999) / 1000)));
    }
    // A refusal is shown with the answer field only: while the digits show, it would distract.
    String refusal =
        digits != null
            ? null
            : step.refused(memory.round())
                .map(
                    r ->
                        step.page()
                            .t(
                                "invalid_digits".equals(r.code())
                                    ? "mem.digits_only"
                                    : "error.try_again"))
                .orElse(null);
    return (out, interceptor) ->
        JtememoryGenerated.render(out, interceptor, step.page(), memory, digits, refusal);
  }

  /** The digits of the round on screen, drawn the first time it is shown. */
  private static MemoryRound round(MemoryStep memory, StepContext step) {
    if (memory.current() != null) {
      return memory.current();
    }
    String digits = draw(memory.length());
    Instant now = step.now();
    MemoryStore store = new MemoryStore(step.jdbi());
    try {
      store.startRound(step.sessionId(), memory.round(), digits, now);
      return new MemoryRound(memory.round(), digits, null, null, now);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that one stands.
      return store.rounds(step.sessionId()).stream()
          .filter(r -> r.round() == memory.round())
          .findFirst()
          .orElseThrow();
    }
  }

  /** {@code length} random digits, no digit twice in a row. */
  private static String draw(int length) {
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < length; i++) {
      char next;
      do {
        next = (char) ('0' + RANDOM.nextInt(10));
      } while (i > 0 && next == digits.charAt(i - 1));
      digits.append(next);
    }
    return digits.toString();
  }

  /**
   * Begin after the practice round (it draws round 1, so its digits show from now), or the typed
   * answer of the round on screen: digits only, compared by the server. The form names its round,
   * so a repeated post of a round already answered, or a second Begin, changes nothing.
   */
  public void post(MemorySpan settings, List<MemoryRound> rounds, StepContext step) {
    MemoryStep memory = settings == null ? null : step(settings, rounds);
    if (step.formParam(BEGIN) != null) {
      if (memory == null || !memory.begin()) {
        throw StepContext.conflict("The memory game has begun already");
      }
      try {
        new MemoryStore(step.jdbi())
            .startRound(step.sessionId(), memory.round(), draw(memory.length()), step.now());
      } catch (RuntimeException e) {
        if (StoreErrors.isUniqueViolation(e)) {
          throw StepContext.conflict("The memory game has begun already");
        }
        throw e;
      }
      return;
    }
    int round = step.intParam("round");
    String answer = step.formParam("answer");
    if (memory == null || memory.round() != round || memory.current() == null) {
      throw StepContext.conflict("That memory round is not the one to answer now");
    }
    step.keep(round, "");
    String typed = answer == null ? "" : answer.replaceAll("\\s", "");
    if (!typed.matches("\\d{0,32}")) {
      throw StepContext.refused("invalid_digits", "Type digits only");
    }
    boolean correct = typed.equals(memory.current().digits());
    if (!new MemoryStore(step.jdbi())
        .answerRound(step.sessionId(), round, typed, correct, answeredAt(memory.current(), step))) {
      throw StepContext.conflict("That memory round was answered already");
    }
  }

  /**
   * When the answer was typed: the post's arrival, or, when the page's script measured the time
   * from the answer field to the answer ({@code ms}), the end of the digits' showing time plus
   * that, if earlier (an answer kept on the phone while it was offline arrives late).
   */
  private static Instant answeredAt(MemoryRound round, StepContext step) {
    Instant now = step.now();
    String ms = step.formParam("ms");
    if (ms == null || !ms.matches("[0-9]{1,9}")) {
      return now;
    }
    Instant typed = round.shownAt().plus(showTime(round.digits())).plusMillis(Integer.parseInt(ms));
    return typed.isBefore(now) ? typed : now;
  }

  /**
   * What memory.js shows next, without loading the page, after its post (Ready, Begin or an answer)
   * was applied: the outcome of the round just answered ({@code correct}, absent after Ready or
   * Begin), then either Begin ({@code begin}: the practice round is over) or the next round, drawn
   * now ({@code round}, {@code practice}, {@code digits}, {@code showMs}: how long its digits stay
   * on screen). Once the game is over the module is no longer the step on screen and the script is
   * answered {@code {}}: it shows the link.
   */
  public Map<String, Object> scriptReply(
      MemorySpan settings, List<MemoryRound> rounds, StepContext step) {
    MemoryStep memory = step(settings, rounds);
    if (memory == null) {
      return null;
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    if (memory.last() != null) {
      reply.put("correct", memory.last().correct());
    }
    if (memory.begin()) {
      reply.put("begin", true);
      return reply;
    }
    MemoryRound round = round(memory, step);
    reply.put("round", round.round());
    reply.put("practice", memory.practice());
    reply.put("digits", round.digits());
    reply.put("showMs", showTime(round.digits()).toMillis());
    return reply;
  }

  /** The scored rounds only: the practice round is not part of the answers. */
  public void answers(
      MemorySpan settings, List<MemoryRound> rounds, SessionData data, AnswerSheet.Builder sheet) {
    sheet.memoryRounds(
        scored(rounds).stream()
            .map(r -> new AnswerSheet.MemoryRound(r.round(), r.digits(), r.correct()))
            .toList());
  }
}
