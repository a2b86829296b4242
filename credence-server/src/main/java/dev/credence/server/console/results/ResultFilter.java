package dev.credence.server.console.results;

import dev.credence.server.console.web.QueryValues;
import dev.credence.server.deployments.EnvironmentKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The results screen's filters, read from the query string so that a filtered view can be
 * bookmarked. Every value is kept as typed, for the form; {@link #errors()} says what is wrong with
 * any of them, and a filter with errors is never run.
 *
 * @param test the Test environment's results instead of Production's
 * @param uid the start of a uid (a whole uid matches itself)
 * @param deployment a deployment id of the signed-in user's company
 * @param from sessions created on or after this day (UTC)
 * @param to sessions created on or before this day (UTC)
 * @param status one of {@link #STATUSES}
 * @param band a risk band letter
 * @param confidence HIGH, MEDIUM or LOW
 * @param before the session id the page starts after (newest first)
 */
public record ResultFilter(
    boolean test,
    String uid,
    String deployment,
    String from,
    String to,
    String status,
    String band,
    String confidence,
    String before,
    List<String> errors) {

  /** What a session's status is called on the results screen, and what the filter offers. */
  public static final List<String> STATUSES =
      List.of("completed", "cancelled", "expired", "incomplete", "open", "started", "erased");

  public static final List<String> CONFIDENCES = List.of("HIGH", "MEDIUM", "LOW");

  /** The default model's bands; another model's letters are accepted from the query string. */
  public static final List<String> BANDS = List.of("A", "B", "C", "D", "E");

  private static final Pattern BAND = Pattern.compile("[A-Z]");
  private static final Pattern UID = Pattern.compile("[A-Za-z0-9_-]{1,60}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * Reads the filters from query parameters; {@code deployments} are the ids the user may choose.
   */
  public static ResultFilter parse(Function<String, String> query, Set<String> deployments) {
    List<String> errors = new ArrayList<>();
    String env = QueryValues.trim(query.apply("env"));
    boolean test = "test".equalsIgnoreCase(env);
    if (env != null && !test && !"production".equalsIgnoreCase(env)) {
      errors.add("env must be production or test.");
    }
    String uid = QueryValues.trim(query.apply("uid"));
    if (uid != null && !UID.matcher(uid).matches()) {
      errors.add(
          "A uid holds only letters, digits, - and _ (up to 60): '" + uid + "' cannot match.");
    }
    String deployment = QueryValues.trim(query.apply("deployment"));
    if (deployment != null && !deployments.contains(deployment)) {
      errors.add("There is no deployment '" + deployment + "' in your company.");
    }
    String from = QueryValues.trim(query.apply("from"));
    String to = QueryValues.trim(query.apply("to"));
    QueryValues.checkDays(from, to, errors);
    String status = lower(query.apply("status"));
    if (status != null && !STATUSES.contains(status)) {
      errors.add("status must be one of " + String.join(", ", STATUSES) + ".");
    }
    String band = upper(query.apply("band"));
    if (band != null && !BAND.matcher(band).matches()) {
      errors.add("A risk band is one letter, A upwards.");
    }
    String confidence = upper(query.apply("confidence"));
    if (confidence != null && !CONFIDENCES.contains(confidence)) {
      errors.add("Confidence must be HIGH, MEDIUM or LOW.");
    }
    String before = QueryValues.trim(query.apply("before"));
    if (before != null && !ID.matcher(before).matches()) {
      errors.add("before must be a session id from a page link.");
    }
    return new ResultFilter(
        test, uid, deployment, from, to, status, band, confidence, before, List.copyOf(errors));
  }

  public EnvironmentKind kind() {
    return test ? EnvironmentKind.TEST : EnvironmentKind.PRODUCTION;
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  /** How many filters are set, the environment and the page apart. */
  public long inUse() {
    return Stream.of(uid, deployment, from, to, status, band, confidence)
        .filter(Objects::nonNull)
        .count();
  }

  public LocalDate fromDay() {
    return from == null ? null : LocalDate.parse(from);
  }

  public LocalDate toDay() {
    return to == null ? null : LocalDate.parse(to);
  }

  /** The same filters from the first page on. */
  public ResultFilter firstPage() {
    return new ResultFilter(
        test, uid, deployment, from, to, status, band, confidence, null, errors);
  }

  /** The query string of these filters (without a leading {@code ?}); empty for none. */
  public String query() {
    Map<String, String> params = new LinkedHashMap<>();
    if (test) {
      params.put("env", "test");
    }
    params.put("uid", uid);
    params.put("deployment", deployment);
    params.put("from", from);
    params.put("to", to);
    params.put("status", status);
    params.put("band", band);
    params.put("confidence", confidence);
    params.put("before", before);
    return params.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** The query string of the page after {@code sessionId}. */
  public String queryBefore(String sessionId) {
    String filters = firstPage().query();
    return (filters.isEmpty() ? "" : filters + "&") + "before=" + sessionId;
  }

  private static String lower(String value) {
    String trimmed = QueryValues.trim(value);
    return trimmed == null ? null : trimmed.toLowerCase(Locale.ROOT);
  }

  private static String upper(String value) {
    String trimmed = QueryValues.trim(value);
    return trimmed == null ? null : trimmed.toUpperCase(Locale.ROOT);
  }
}
