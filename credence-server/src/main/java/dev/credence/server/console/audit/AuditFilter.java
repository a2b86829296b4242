package dev.credence.server.console.audit;

import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.QueryValues;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The audit log's filters, read from the query string so that a filtered view can be bookmarked:
 * who, what, and the days (UTC, both included). Values are kept as typed, for the form; {@link
 * #errors()} says what is wrong, and a filter with errors is never run.
 */
public record AuditFilter(
    String actor, String action, String from, String to, Long before, List<String> errors) {

  static AuditFilter parse(Function<String, String> query) {
    List<String> errors = new ArrayList<>();
    String actor = QueryValues.trim(query.apply("actor"));
    String action = QueryValues.trim(query.apply("action"));
    String from = QueryValues.trim(query.apply("from"));
    String to = QueryValues.trim(query.apply("to"));
    QueryValues.checkDays(from, to, errors);
    Long before = null;
    String beforeText = QueryValues.trim(query.apply("before"));
    if (beforeText != null) {
      try {
        before = Long.parseLong(beforeText);
      } catch (NumberFormatException e) {
        errors.add("before must be an audit entry number from a page link.");
      }
    }
    return new AuditFilter(actor, action, from, to, before, List.copyOf(errors));
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  /** What the audit log reads; only for a valid filter. */
  AuditLog.Filter toLog() {
    return new AuditLog.Filter(
        actor,
        action,
        from == null ? null : LocalDate.parse(from),
        to == null ? null : LocalDate.parse(to));
  }

  /** The query string of these filters, from the first page on. */
  public String query() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("actor", actor);
    params.put("action", action);
    params.put("from", from);
    params.put("to", to);
    return params.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** The query string of the page after entry {@code id}. */
  public String queryBefore(long id) {
    String filters = query();
    return (filters.isEmpty() ? "" : filters + "&") + "before=" + id;
  }

  public boolean filtered() {
    return actor != null || action != null || from != null || to != null;
  }
}
