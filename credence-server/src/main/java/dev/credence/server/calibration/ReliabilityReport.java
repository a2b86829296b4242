package dev.credence.server.calibration;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.assessment.ItemBank;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore;
import dev.credence.server.assessment.questionnaire.QuestionnaireStore.CompletedQuestionnaire;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The internal consistency of each domain scale as an environment's applicants answered it:
 * Cronbach's alpha with Feldt's 95% interval ({@link Reliability}) per form and per domain, and the
 * standard error of measurement on the domain's POMP scale (0 to 100) derived from it.
 *
 * <p>Sessions: the environment's COMPLETED sessions, newest first, at most {@link #MAX_SESSIONS} of
 * them (all forms together), read {@link #PAGE} at a time so that a large environment is never
 * loaded at once. Every completed session counts whatever the confidence of its result: a
 * LOW-confidence result is one whose answers were careless or inconsistent, and leaving those out
 * would report the scale as more consistent than the answers the scores were made from.
 *
 * <p>Per form, the domain's items are those of the form as {@link ItemBank#form} lists them now; a
 * session is a row of the domain's matrix when it answered every one of them (sessions started
 * before forms were recorded may hold other items and then do not count). Answers are reverse-keyed
 * ({@link ItemBank.Item#score}) before alpha is computed.
 *
 * <p>SEM = SD * sqrt(1 - alpha), SD being the observed sample SD of the same rows' POMP domain
 * scores (100 * (raw - k) / (4k), as {@code scoring/TraitScorer} reports them), so alpha and SD
 * come from the same people. With fewer than {@link #MIN_SESSIONS} rows, or when alpha is undefined
 * (the totals do not vary), the domain carries a status and no numbers.
 */
public final class ReliabilityReport {
  /** The newest completed sessions read, at most, per environment (all forms together). */
  public static final int MAX_SESSIONS = 5_000;

  /** Sessions read per query. */
  static final int PAGE = 500;

  /** Fewer rows than this give too wide an interval to read. */
  public static final int MIN_SESSIONS = 30;

  private static final String DOMAINS = "NEOAC";
  private static final String LANGUAGE = "en";

  /** The domain was computed; its numbers are set. */
  public static final String COMPUTED = "computed";

  /** Fewer than {@link #MIN_SESSIONS} sessions answered the domain's items; no numbers. */
  public static final String TOO_FEW_SESSIONS = "too_few_sessions";

  /** Alpha is undefined for these answers (their totals do not vary); no numbers. */
  public static final String NOT_COMPUTABLE = "not_computable";

  private final QuestionnaireStore answers;
  private final ItemBank items;
  private final int page;
  private final int maxSessions;

  public ReliabilityReport(QuestionnaireStore answers, ItemBank items) {
    this(answers, items, PAGE, MAX_SESSIONS);
  }

  /** With {@code page} sessions a query and at most {@code maxSessions} in all. */
  ReliabilityReport(QuestionnaireStore answers, ItemBank items, int page, int maxSessions) {
    if (page < 1 || maxSessions < 1) {
      throw new IllegalArgumentException("page and maxSessions must be positive");
    }
    this.answers = answers;
    this.items = items;
    this.page = page;
    this.maxSessions = maxSessions;
  }

  /**
   * One domain of one form. The numbers are null unless {@code status} is {@link #COMPUTED}.
   *
   * @param domain N, E, O, A or C
   * @param n the sessions that answered every item of the domain on the form
   * @param k the items of the domain on the form
   * @param alpha Cronbach's alpha
   * @param alphaLow the lower end of its 95% interval
   * @param alphaHigh the upper end of its 95% interval
   * @param sd the observed SD of the POMP domain score
   * @param sem the standard error of measurement on the POMP scale, sd * sqrt(1 - alpha)
   * @param status {@link #COMPUTED}, {@link #TOO_FEW_SESSIONS} or {@link #NOT_COMPUTABLE}
   * @param detail why there are no numbers; null when computed
   */
  public record Domain(
      String domain,
      int n,
      int k,
      Double alpha,
      Double alphaLow,
      Double alphaHigh,
      Double sd,
      Double sem,
      String status,
      String detail) {}

  /** One form: the sessions that took it and its domains in the order N, E, O, A, C. */
  public record Form(ItemBank.Length form, int sessions, List<Domain> domains) {}

  /**
   * The report of an environment.
   *
   * @param sessions the completed sessions read (at most {@code limit})
   * @param limit the most sessions read, {@link #MAX_SESSIONS}
   * @param forms the forms at least one of those sessions took, shortest first
   */
  public record Report(int sessions, int limit, List<Form> forms) {}

  /** The reliability of every form the environment's newest completed sessions took. */
  public Report of(String integrationId) {
    Map<ItemBank.Length, List<int[]>> scored = new EnumMap<>(ItemBank.Length.class);
    Map<ItemBank.Length, Integer> taken = new EnumMap<>(ItemBank.Length.class);
    int read = 0;
    QuestionnaireStore.Cursor after = null;
    while (read < maxSessions) {
      int limit = Math.min(page, maxSessions - read);
      List<CompletedQuestionnaire> sessions =
          answers.completedQuestionnaires(integrationId, after, limit);
      for (CompletedQuestionnaire session : sessions) {
        if (session.form() != null) {
          taken.merge(session.form(), 1, Integer::sum);
          scored
              .computeIfAbsent(session.form(), f -> new ArrayList<>())
              .add(row(formItems(session.form()), session.answers()));
        }
      }
      read += sessions.size();
      if (sessions.size() < limit) {
        break;
      }
      CompletedQuestionnaire last = sessions.get(sessions.size() - 1);
      after = new QuestionnaireStore.Cursor(last.finishedAt(), last.sessionId());
    }
    List<Form> forms = new ArrayList<>();
    for (Map.Entry<ItemBank.Length, List<int[]>> form : scored.entrySet()) {
      List<ItemBank.Item> formItems = formItems(form.getKey());
      List<Domain> domains = new ArrayList<>();
      for (char domain : DOMAINS.toCharArray()) {
        domains.add(domain(domain, formItems, form.getValue()));
      }
      forms.add(new Form(form.getKey(), taken.get(form.getKey()), domains));
    }
    return new Report(read, maxSessions, forms);
  }

  /** The {@code reliability} section of the model report. */
  public ObjectNode section(String integrationId) {
    Report report = of(integrationId);
    ObjectNode section = JsonNodeFactory.instance.objectNode();
    section.put("sessions", report.sessions());
    section.put("limit", report.limit());
    section.put("min_sessions", MIN_SESSIONS);
    ArrayNode forms = section.putArray("forms");
    for (Form form : report.forms()) {
      ObjectNode f = forms.addObject();
      f.put("form", form.form().name().toLowerCase(java.util.Locale.ROOT));
      f.put("sessions", form.sessions());
      ArrayNode domains = f.putArray("domains");
      for (Domain d : form.domains()) {
        ObjectNode json = domains.addObject();
        json.put("domain", d.domain());
        json.put("n", d.n());
        json.put("k", d.k());
        json.put("alpha", d.alpha());
        json.put("alpha_low", d.alphaLow());
        json.put("alpha_high", d.alphaHigh());
        json.put("sd", d.sd());
        json.put("sem", d.sem());
        json.put("status", d.status());
        json.put("detail", d.detail());
      }
    }
    return section;
  }

  private List<ItemBank.Item> formItems(ItemBank.Length form) {
    return items.form(form).stream().map(id -> items.item(LANGUAGE, id)).toList();
  }

  /**
   * A session's reverse-keyed scores on the form's items, in the form's order; 0 where an item was
   * not answered (or its answer is not 1 to 5).
   */
  static int[] row(List<ItemBank.Item> formItems, Map<String, Integer> answers) {
    int[] row = new int[formItems.size()];
    for (int j = 0; j < row.length; j++) {
      Integer answer = answers.get(formItems.get(j).id());
      row[j] = answer == null || answer < 1 || answer > 5 ? 0 : formItems.get(j).score(answer);
    }
    return row;
  }

  /**
   * The matrix of one domain: one row per session that answered every item of {@code domain} on the
   * form, one column per such item, in the form's order.
   */
  static double[][] matrix(char domain, List<ItemBank.Item> formItems, List<int[]> rows) {
    int[] columns = columns(domain, formItems);
    List<double[]> matrix = new ArrayList<>();
    for (int[] row : rows) {
      double[] scores = new double[columns.length];
      boolean complete = true;
      for (int j = 0; j < columns.length && complete; j++) {
        scores[j] = row[columns[j]];
        complete = scores[j] > 0;
      }
      if (complete) {
        matrix.add(scores);
      }
    }
    return matrix.toArray(double[][]::new);
  }

  private static int[] columns(char domain, List<ItemBank.Item> formItems) {
    List<Integer> columns = new ArrayList<>();
    for (int j = 0; j < formItems.size(); j++) {
      if (formItems.get(j).domain() == domain) {
        columns.add(j);
      }
    }
    return columns.stream().mapToInt(Integer::intValue).toArray();
  }

  static Domain domain(char domain, List<ItemBank.Item> formItems, List<int[]> rows) {
    String name = String.valueOf(domain);
    int k = columns(domain, formItems).length;
    double[][] matrix = matrix(domain, formItems, rows);
    int n = matrix.length;
    if (n < MIN_SESSIONS) {
      return new Domain(
          name,
          n,
          k,
          null,
          null,
          null,
          null,
          null,
          TOO_FEW_SESSIONS,
          n + " sessions answered this domain; alpha needs at least " + MIN_SESSIONS + ".");
    }
    Reliability reliability;
    try {
      reliability = Reliability.of(matrix);
    } catch (IllegalArgumentException e) {
      return new Domain(
          name, n, k, null, null, null, null, null, NOT_COMPUTABLE, e.getMessage() + ".");
    }
    double sd = pompSd(matrix);
    return new Domain(
        name,
        n,
        k,
        reliability.alpha(),
        reliability.lower(),
        reliability.upper(),
        sd,
        reliability.sem(sd),
        COMPUTED,
        null);
  }

  /** The sample SD of the rows' POMP scores, 100 * (raw - k) / (4k). */
  static double pompSd(double[][] matrix) {
    int k = matrix[0].length;
    double[] pomp = new double[matrix.length];
    double mean = 0;
    for (int i = 0; i < matrix.length; i++) {
      double raw = 0;
      for (double score : matrix[i]) {
        raw += score;
      }
      pomp[i] = 100 * (raw - k) / (4.0 * k);
      mean += pomp[i];
    }
    mean /= pomp.length;
    double squares = 0;
    for (double p : pomp) {
      squares += (p - mean) * (p - mean);
    }
    return Math.sqrt(squares / (pomp.length - 1));
  }
}
