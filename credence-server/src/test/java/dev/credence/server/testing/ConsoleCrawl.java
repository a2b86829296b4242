package dev.credence.server.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every dashboard page a user can reach by following links from the menu, and every form on them,
 * found by reading the pages as a browser would. Tests walk it to check each page and each action
 * without listing them by hand, so a page added later is checked too.
 */
public final class ConsoleCrawl {
  private static final Pattern HREF = Pattern.compile("href=\"(/console[^\"#]*)\"");
  private static final Pattern FORM =
      Pattern.compile("<form([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");
  private static final Pattern INPUT = Pattern.compile("<input([^>]*)>");
  private static final Pattern SELECT =
      Pattern.compile("<select([^>]*)>(.*?)</select>", Pattern.DOTALL);
  private static final Pattern OPTION = Pattern.compile("<option[^>]*value=\"([^\"]*)\"");
  private static final Pattern TEXTAREA =
      Pattern.compile("<textarea([^>]*)>(.*?)</textarea>", Pattern.DOTALL);
  private static final int MAX_PAGES = 150;

  /** The pages of the dashboard's menu, where a crawl of the whole dashboard starts. */
  public static final List<String> MENU =
      List.of(
          "/console/deployments",
          "/console/results",
          "/console/results?env=test",
          "/console/links",
          "/console/webhooks",
          "/console/outcomes",
          "/console/models",
          "/console/users",
          "/console/audit");

  /** A form as its page has it: where it posts and the values it would send untouched. */
  public record Form(String page, String action, boolean multipart, Map<String, String> fields) {}

  private final Set<String> pages = new LinkedHashSet<>();
  private final List<Form> forms = new ArrayList<>();

  private ConsoleCrawl() {}

  /** Follows every dashboard link from {@code starts} (never the sign-out form). */
  public static ConsoleCrawl of(ConsoleClient client, List<String> starts) {
    ConsoleCrawl crawl = new ConsoleCrawl();
    Set<String> formKeys = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>(starts);
    while (!queue.isEmpty() && crawl.pages.size() < MAX_PAGES) {
      String path = queue.poll().replace("&amp;", "&");
      if (!crawl.pages.add(path)) {
        continue;
      }
      HttpResponse<String> response = client.get(path);
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (response.statusCode() != 200 || !type.startsWith("text/html")) {
        continue;
      }
      Matcher href = HREF.matcher(response.body());
      while (href.find()) {
        queue.add(href.group(1));
      }
      for (Form form : forms(path, response.body())) {
        if (!form.action().equals("/console/logout") && formKeys.add(form.action())) {
          crawl.forms.add(form);
        }
      }
    }
    return crawl;
  }

  public Set<String> pages() {
    return pages;
  }

  public List<Form> forms() {
    return forms;
  }

  /** The POST forms of one page. */
  public static List<Form> forms(String page, String html) {
    List<Form> found = new ArrayList<>();
    Matcher form = FORM.matcher(html);
    while (form.find()) {
      Map<String, String> attributes = attributes(form.group(1));
      if (!"post".equalsIgnoreCase(attributes.getOrDefault("method", "get"))) {
        continue;
      }
      String action = attributes.getOrDefault("action", "");
      if (action.isEmpty()) {
        action = URI.create(page).getPath();
      }
      found.add(
          new Form(
              page,
              action.replace("&amp;", "&"),
              "multipart/form-data".equals(attributes.get("enctype")),
              fields(form.group(2))));
    }
    return found;
  }

  private static Map<String, String> fields(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input = INPUT.matcher(body);
    while (input.find()) {
      Map<String, String> a = attributes(input.group(1));
      String name = a.get("name");
      String type = a.getOrDefault("type", "text");
      if (name == null || type.equals("file")) {
        continue;
      }
      if ((type.equals("checkbox") || type.equals("radio"))
          && !input.group(1).contains("checked")) {
        fields.putIfAbsent(name, a.getOrDefault("value", "on"));
        continue;
      }
      fields.put(name, a.getOrDefault("value", ""));
    }
    Matcher select = SELECT.matcher(body);
    while (select.find()) {
      String name = attributes(select.group(1)).get("name");
      Matcher option = OPTION.matcher(select.group(2));
      if (name != null && option.find()) {
        fields.put(name, option.group(1));
      }
    }
    Matcher textarea = TEXTAREA.matcher(body);
    while (textarea.find()) {
      String name = attributes(textarea.group(1)).get("name");
      if (name != null) {
        fields.put(name, textarea.group(2));
      }
    }
    return fields;
  }

  private static Map<String, String> attributes(String tag) {
    Map<String, String> attributes = new LinkedHashMap<>();
    Matcher attribute = ATTRIBUTE.matcher(tag);
    while (attribute.find()) {
      attributes.put(attribute.group(1).toLowerCase(), attribute.group(2));
    }
    return attributes;
  }
}
