package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.Browser;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.ConsoleCrawl;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import dev.credence.server.testing.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every dashboard page an Admin reaches from the menu ({@link ConsoleCrawl}), in a real browser on
 * a 1366 by 768 laptop and on a 390 by 844 phone: axe-core finds nothing wrong (its WCAG 2.0 to 2.2
 * A and AA rules, its best practices and {@code target-size}), and no page scrolls sideways. A page
 * added later is checked too, as soon as a link leads to it. The states reached only through a form
 * (a batch made, a key revealed) are checked by the tests of their pages.
 */
class EveryPageBrowserTest extends ConsoleBrowserTest {
  private WebhookReceiver receiver;
  private String email;
  private List<String> pages;

  @BeforeAll
  void start() {
    Browser.requireChromium();
    server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(RunningServer.QUICK_WORKERS, RunningServer.LOOPBACK_WEBHOOKS));
    receiver = WebhookReceiver.start();
    Lender lender = new Lender(server);
    Deployment deployment = lender.deployment(receiver);
    String production = deployment.productionIntegrationId();
    lender.applicant(deployment.productionKey(), production, "EP-expired-01");
    server.clock().advance(Duration.ofHours(25));
    lender.awaitStatus(production, "EP-expired-01", "expired");
    lender.applicant(deployment.productionKey(), production, "EP-agree-01").finish(5);
    lender.applicant(deployment.productionKey(), production, "EP-disagree-01").finish(2);
    lender.applicant(deployment.testKey(), deployment.testIntegrationId(), "EP-test-01");

    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    email = admin.email();
    admin.post(
        "/console/users/invite", Map.of("email", "pending@lender.example", "role", "VIEWER"));
    admin.generateLinks("every-page", 2);

    pages =
        ConsoleCrawl.of(admin, ConsoleCrawl.MENU).pages().stream()
            .filter(p -> !p.contains(".csv"))
            .toList();
    assertThat(pages)
        .as("the crawl reaches the pages behind the menu")
        .anyMatch(p -> p.startsWith("/console/deployments/"))
        .anyMatch(p -> p.endsWith("/EP-agree-01"))
        .anyMatch(p -> p.endsWith("/EP-expired-01"));
  }

  @AfterAll
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void onALaptop() {
    try (Browser laptop = Browser.desktop("en", 1366, 768)) {
      // axe-core leaves target-size off unless asked; the check asks for it.
      laptop.open(
          "data:text/html,<!DOCTYPE html><html lang=en><title>Tiny</title><main>"
              + "<button style='width:12px;height:12px;padding:0'>a</button>"
              + "<button style='width:12px;height:12px;padding:0'>b</button></main></html>");
      assertThat(laptop.axeViolations()).anyMatch(v -> v.startsWith("target-size"));
      assertThat(problems(laptop)).isEmpty();
    }
  }

  @Test
  void onAPhone() {
    try (Browser phone = Browser.phone("en", 390, 844)) {
      assertThat(problems(phone)).isEmpty();
    }
  }

  /** Each page's axe-core violations and sideways scrolling, one line each. */
  private List<String> problems(Browser browser) {
    browser.signIn(server.baseUrl(), ConsoleCrawl.MENU.get(0), email, ConsoleClient.PASSWORD);
    List<String> problems = new ArrayList<>();
    for (String page : pages) {
      browser.open(server.baseUrl() + page);
      for (String violation : browser.axeViolations()) {
        problems.add(page + ": " + violation);
      }
      Object sideways =
          browser.js("return document.documentElement.scrollWidth - window.innerWidth");
      if (((Number) sideways).longValue() > 0) {
        problems.add(page + ": scrolls sideways by " + sideways + " px");
      }
    }
    return problems;
  }
}
