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
 * The dashboard's audit log as a company's Admin reads it: the page's text (HTML escapes undone)
 * and its rows, newest first, with the values before and after read as JSON.
 */
public record AuditPage(String text, List<AuditPage.Row> rows) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROW =
      Pattern.compile(
          "<tr>\\s*<td class=\"nowrap\">[^<]*</td>\\s*<td>(.*?)</td>\\s*<td><code>(.*?)</code></td>"
              + "\\s*<td>(.*?)</td>\\s*<td><code class=\"json\">(.*?)</code></td>"
              + "\\s*<td><code class=\"json\">(.*?)</code></td>\\s*</tr>",
          Pattern.DOTALL);

  /** One entry; {@code before} or {@code after} is null when the entry has none. */
  public record Row(String who, String action, String target, JsonNode before, JsonNode after) {}

  public static AuditPage read(ConsoleClient admin) {
    HttpResponse<String> page = admin.get("/console/audit");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    String html = page.body();
    List<Row> rows = new ArrayList<>();
    Matcher row = ROW.matcher(html);
    while (row.find()) {
      rows.add(
          new Row(
              unescaped(row.group(1)),
              unescaped(row.group(2)),
              unescaped(row.group(3)),
              json(unescaped(row.group(4))),
              json(unescaped(row.group(5)))));
    }
    // Every entry was read: a row the pattern no longer fits fails here, not silently.
    int tableRows = html.split("<tr>", -1).length - 1;
    assertThat(rows).as(html).hasSize(Math.max(0, tableRows - 1));
    return new AuditPage(unescaped(html), List.copyOf(rows));
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
