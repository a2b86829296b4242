package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentConfig.Balloons;
import dev.credence.server.assessment.AssessmentConfig.Choices;
import dev.credence.server.assessment.AssessmentConfig.MemorySpan;
import dev.credence.server.assessment.AssessmentConfig.Module;
import dev.credence.server.assessment.AssessmentConfig.Questionnaire;
import dev.credence.server.assessment.AssessmentStore.Balloon;
import dev.credence.server.assessment.AssessmentStore.MemoryRound;
import dev.credence.server.assessment.AssessmentStore.Progress;
import dev.credence.server.scoring.AnswerSheet.Choice;
import java.util.List;

/**
 * Where an applicant is: the first step not yet answered, worked out from what is stored, so a
 * reload or another device resumes at the same place. A pure function of its inputs.
 */
public final class Journey {
  /** Memory span ends at the second miss. */
  public static final int MEMORY_MISSES = 2;

  private Journey() {}

  /** A step of the journey. */
  public sealed interface Step {}

  public record Consent() implements Step {}

  public record QuestionnairePage(int page, int pages, List<String> itemIds) implements Step {}

  /** {@code current} is null until the balloon is first shown (its burst point is then drawn). */
  public record BalloonStep(int index, int balloons, Balloon current, int totalPoints, Balloon last)
      implements Step {}

  public record ChoiceStep(int index, int choices, Choice choice) implements Step {}

  /** {@code current} is the round shown and not yet answered, or null for a new round. */
  public record MemoryStep(int round, int length, MemoryRound current, MemoryRound last)
      implements Step {}

  public record Done() implements Step {}

  /** The step, with how far along the applicant is (for the progress bar). */
  public record Position(Step step, int module, int modules, int percent) {}

  public static Position position(
      AssessmentConfig config, List<String> form, Progress progress, boolean consented) {
    int modules = config.modules().size();
    if (!consented) {
      return new Position(new Consent(), 0, modules, 0);
    }
    int done = 0;
    int total = 0;
    Step step = null;
    int stepModule = modules;
    for (int i = 0; i < modules; i++) {
      Module module = config.modules().get(i);
      int size = size(module, form);
      int answered = Math.min(size, answered(module, form, progress));
      total += size;
      done += answered;
      if (step == null) {
        step = next(module, form, progress);
        if (step != null) {
          stepModule = i + 1;
        }
      }
    }
    int percent = total == 0 ? 100 : (int) Math.floor(100.0 * done / total);
    return new Position(step == null ? new Done() : step, stepModule, modules, percent);
  }

  private static int size(Module module, List<String> form) {
    if (module instanceof Questionnaire) {
      return form.size();
    } else if (module instanceof Balloons b) {
      return b.balloons();
    } else if (module instanceof Choices c) {
      return c.set().size();
    }
    MemorySpan m = (MemorySpan) module;
    return m.maxLength() - m.startLength() + MEMORY_MISSES;
  }

  private static int answered(Module module, List<String> form, Progress progress) {
    if (module instanceof Questionnaire q) {
      return (int) form.stream().filter(progress.answers(q.type())::containsKey).count();
    } else if (module instanceof Balloons) {
      return (int) progress.balloons().stream().filter(Balloon::finished).count();
    } else if (module instanceof Choices c) {
      return progress.answers(c.type()).size();
    }
    MemorySpan m = (MemorySpan) module;
    return memoryFinished(m, progress.rounds())
        ? size(m, form)
        : (int) progress.rounds().stream().filter(MemoryRound::answered).count();
  }

  /** The next unanswered step of a module, or null when the module is complete. */
  private static Step next(Module module, List<String> form, Progress progress) {
    if (module instanceof Questionnaire q) {
      int pages = (form.size() + q.itemsPerPage() - 1) / q.itemsPerPage();
      for (int page = 0; page < pages; page++) {
        List<String> items =
            form.subList(
                page * q.itemsPerPage(), Math.min(form.size(), (page + 1) * q.itemsPerPage()));
        if (!progress.answers(q.type()).keySet().containsAll(items)) {
          return new QuestionnairePage(page + 1, pages, items);
        }
      }
      return null;
    } else if (module instanceof Balloons b) {
      List<Balloon> all = progress.balloons();
      int points =
          all.stream().filter(x -> "COLLECTED".equals(x.outcome())).mapToInt(Balloon::pumps).sum();
      Balloon last = all.stream().filter(Balloon::finished).reduce((x, y) -> y).orElse(null);
      for (int i = 0; i < b.balloons(); i++) {
        Balloon current = i < all.size() ? all.get(i) : null;
        if (current == null || !current.finished()) {
          return new BalloonStep(i + 1, b.balloons(), current, points, last);
        }
      }
      return null;
    } else if (module instanceof Choices c) {
      for (int i = 0; i < c.set().size(); i++) {
        if (!progress.answers(c.type()).containsKey(String.valueOf(i + 1))) {
          return new ChoiceStep(i + 1, c.set().size(), c.set().get(i));
        }
      }
      return null;
    } else {
      MemorySpan m = (MemorySpan) module;
      List<MemoryRound> rounds = progress.rounds();
      if (memoryFinished(m, rounds)) {
        return null;
      }
      MemoryRound last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
      MemoryRound open = last != null && !last.answered() ? last : null;
      MemoryRound previous =
          open == null ? last : (rounds.size() > 1 ? rounds.get(rounds.size() - 2) : null);
      int round = open != null ? open.round() : rounds.size() + 1;
      return new MemoryStep(round, memoryLength(m, rounds, round), open, previous);
    }
  }

  /** Each round is one digit longer than the start for every correct answer before it. */
  public static int memoryLength(MemorySpan m, List<MemoryRound> rounds, int round) {
    long correct =
        rounds.stream().filter(r -> r.round() < round && Boolean.TRUE.equals(r.correct())).count();
    return (int) Math.min(m.maxLength(), m.startLength() + correct);
  }

  static boolean memoryFinished(MemorySpan m, List<MemoryRound> rounds) {
    long misses = rounds.stream().filter(r -> Boolean.FALSE.equals(r.correct())).count();
    boolean topped =
        rounds.stream()
            .anyMatch(
                r -> Boolean.TRUE.equals(r.correct()) && r.digits().length() >= m.maxLength());
    return misses >= MEMORY_MISSES || topped;
  }
}
