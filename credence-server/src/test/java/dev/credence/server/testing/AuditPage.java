package dev.credence.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's audit log as a company's Admin reads it: the page (HTML escapes undone) and its
 * CSV export, whose rows, newest first, hold the values before and after as the JSON they were
 * recorded as. {@link #text} is both, the page and the export's cells, for what must or must not be
 * in the log anywhere.
 */
public record AuditPage(String text, List<AuditPage.Row> rows) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENTRY =
      Pattern.compile("<li class=\"audit-entry\" data-action=\"([^\"]*)\">");

  /** One entry; {@code before} or {@code after} is null when the entry has none. */
  public record Row(String who, String action, String target, JsonNode before, JsonNode after) {}

  public static AuditPage read(ConsoleClient admin) {
    HttpResponse<String> page = admin.get("/console/audit");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    HttpResponse<String> export = admin.get("/console/audit/export.csv");
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    List<List<String>> csv = csv(export.body());
    assertThat(csv.get(0))
        .containsExactly("id", "created_at", "who", "action", "target", "before", "after");
    List<Row> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder(unescaped(page.body()));
    for (List<String> cells : csv.subList(1, csv.size())) {
      assertThat(cells).hasSize(7);
      rows.add(
          new Row(
              cells.get(2), cells.get(3), cells.get(4), json(cells.get(5)), json(cells.get(6))));
      text.append('\n').append(String.join("\t", cells));
    }
    // The page shows the newest entries of the same log, a page of them, in the same order.
    List<String> shown = new ArrayList<>();
    Matcher entry = ENTRY.matcher(page.body());
    while (entry.find()) {
      shown.add(unescaped(entry.group(1)));
    }
    assertThat(shown).isEqualTo(rows.stream().limit(50).map(Row::action).toList());
    return new AuditPage(text.toString(), List.copyOf(rows));
  }

  /** The entries of {@code action}, newest first. */
  public List<Row> of(String action) {
    return rows.stream().filter(r -> r.action().equals(action)).toList();
  }

  /** The one entry of {@code action}; fails if there is none or more than one. */
  public Row only(String action) {
    List<Row> found = of(action);
    assertThat(found).as("%s entries in %s", action, rows).hasSize(1);
    return found.get(0);
  }

  public static JsonNode json(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /**
   * The cells of a CSV file as RFC 4180 writes them (quotes doubled, quoted cells may hold commas
   * and line breaks), each line's cells in order.
   */
  public static List<List<String>> csv(String body) {
    List<List<String>> lines = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < body.length() && body.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
        cells.add(cell.toString());
        cell.setLength(0);
        lines.add(cells);
        cells = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertThat(cell).as("the file ends with a line break").isEmpty();
    return lines;
  }

  /** A page's text with the HTML escapes of quotes, angle brackets and ampersands undone. */
  public static String unescaped(String html) {
    return html.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
