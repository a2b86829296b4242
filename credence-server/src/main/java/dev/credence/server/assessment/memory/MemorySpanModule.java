package dev.credence.server.assessment.memory;

import dev.credence.server.assessment.AssessmentModule;
import dev.credence.server.assessment.Html;
import dev.credence.server.assessment.ModuleFields;
import dev.credence.server.assessment.SessionData;
import dev.credence.server.assessment.StepContext;
import dev.credence.server.assessment.memory.MemoryStore.MemoryRound;
import dev.credence.server.scoring.AnswerSheet;
import dev.credence.server.store.StoreErrors;
import gg.jte.generated.precompiled.assessment.JtememoryGenerated;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Digits shown briefly then typed back, one longer each round, until two misses. */
public final class MemorySpanModule
    implements AssessmentModule<MemorySpanModule.MemorySpan, List<MemoryRound>> {
  /** Memory span ends at the second miss. */
  public static final int MEMORY_MISSES = 2;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The settings: the length of the first sequence and the longest. */
  public record MemorySpan(int startLength, int maxLength) {}

  /** {@code current} is the round shown and not yet answered, or null for a new round. */
  public record MemoryStep(int round, int length, MemoryRound current, MemoryRound last) {}

  public String type() {
    return "memory_span";
  }

  public String path() {
    return "memory";
  }

  public Intro intro(MemorySpan settings) {
    return new Intro("mem.title", List.of("mem.instructions", "mem.practice"));
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

  public int steps(MemorySpan m, List<MemoryRound> rounds) {
    return m.maxLength() - m.startLength() + MEMORY_MISSES;
  }

  public int answered(MemorySpan m, List<MemoryRound> rounds) {
    return finished(m, rounds)
        ? steps(m, rounds)
        : (int) rounds.stream().filter(MemoryRound::answered).count();
  }

  public boolean finished(MemorySpan m, List<MemoryRound> rounds) {
    long misses = rounds.stream().filter(r -> Boolean.FALSE.equals(r.correct())).count();
    boolean topped =
        rounds.stream()
            .anyMatch(
                r -> Boolean.TRUE.equals(r.correct()) && r.digits().length() >= m.maxLength());
    return misses >= MEMORY_MISSES || topped;
  }

  /** The round to play now, or null when the task is finished. */
  private MemoryStep step(MemorySpan m, List<MemoryRound> rounds) {
    if (finished(m, rounds)) {
      return null;
    }
    MemoryRound last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
    MemoryRound open = last != null && !last.answered() ? last : null;
    MemoryRound previous =
        open == null ? last : (rounds.size() > 1 ? rounds.get(rounds.size() - 2) : null);
    int round = open != null ? open.round() : rounds.size() + 1;
    return new MemoryStep(round, length(m, rounds, round), open, previous);
  }

  /** Each round is one digit longer than the start for every correct answer before it. */
  static int length(MemorySpan m, List<MemoryRound> rounds, int round) {
    long correct =
        rounds.stream().filter(r -> r.round() < round && Boolean.TRUE.equals(r.correct())).count();
    return (int) Math.min(m.maxLength(), m.startLength() + correct);
  }

  /** How long the digits of a round stay on screen: a second a digit, and one more. */
  static Duration showTime(String digits) {
    return Duration.ofSeconds(digits.length() + 1L);
  }

  public Html render(MemorySpan settings, List<MemoryRound> rounds, StepContext step) {
    MemoryStep memory = step(settings, rounds);
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
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < memory.length(); i++) {
      char next;
      do {
        next = (char) ('0' + RANDOM.nextInt(10));
      } while (i > 0 && next == digits.charAt(i - 1));
      digits.append(next);
    }
    Instant now = step.now();
    MemoryStore store = new MemoryStore(step.jdbi());
    try {
      store.startRound(step.sessionId(), memory.round(), digits.toString(), now);
      return new MemoryRound(memory.round(), digits.toString(), null, null, now);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUniqueViolation(e)) {
        throw e;
      }
      // Drawn a moment ago by a concurrent request: that one stands.
      return store.rounds(step.sessionId()).get(memory.round() - 1);
    }
  }

  /**
   * The typed answer of the round on screen: digits only, compared by the server. The form names
   * its round, so a repeated post of a round already answered changes nothing.
   */
  public void post(MemorySpan settings, List<MemoryRound> rounds, StepContext step) {
    int round = step.intParam("round");
    String answer = step.formParam("answer");
    MemoryStep memory = settings == null ? null : step(settings, rounds);
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
        .answerRound(step.sessionId(), round, typed, correct, step.now())) {
      throw StepContext.conflict("That memory round was answered already");
    }
  }

  public void answers(
      MemorySpan settings, List<MemoryRound> rounds, SessionData data, AnswerSheet.Builder sheet) {
    sheet.memoryRounds(
        rounds.stream()
            .map(r -> new AnswerSheet.MemoryRound(r.round(), r.digits(), r.correct()))
            .toList());
  }
}
