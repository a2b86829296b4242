package dev.credence.server.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failed sign-ins are counted per client. Behind the operator's reverse proxy
 * (CREDENCE_TRUSTED_PROXIES) the client is the address the proxy forwards, so one attacker does not
 * lock out every user behind the proxy; without that setting X-Forwarded-For is ignored, so a
 * client cannot choose its address to escape the count.
 */
class TrustedProxyTest {
  private static final String ATTACKER = "203.0.113.7";
  private static final String COLLEAGUE = "203.0.113.8";

  @Test
  void behindATrustedProxyEachForwardedClientIsCountedOnItsOwn() {
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_TRUSTED_PROXIES", "127.0.0.1"))) {
      ConsoleClient browser = new ConsoleClient(server);
      String email = failFromOneClient(server, browser, ATTACKER);

      assertThat(signIn(browser, email, ATTACKER).statusCode()).isEqualTo(429);
      // a client that writes its own X-Forwarded-For is still the address the proxy appended
      assertThat(signIn(browser, email, "198.51.100.1, " + ATTACKER).statusCode()).isEqualTo(429);
      // another user behind the same proxy signs in
      assertThat(signIn(browser, email, COLLEAGUE).statusCode()).isEqualTo(302);
    }
  }

  @Test
  void withoutTrustedProxiesTheForwardedAddressIsIgnored() {
    try (RunningServer server = RunningServer.start(TestDatabase.H2)) {
      ConsoleClient browser = new ConsoleClient(server);
      String email = failFromOneClient(server, browser, ATTACKER);
      // the failures count against the connection's address, whatever the header says
      assertThat(signIn(browser, email, COLLEAGUE).statusCode()).isEqualTo(429);
    }
  }

  /**
   * A company's first Admin, then as many failed sign-ins from {@code browser} as one client may
   * make, each for another e-mail address; returns the Admin's address.
   */
  private static String failFromOneClient(
      RunningServer server, ConsoleClient browser, String forwardedFor) {
    String email = ConsoleClient.firstAdmin(server, server.newDeployment().companyId()).email();
    browser.get("/console/login");
    for (int i = 0; i < SignInThrottle.MAX_FAILURES_PER_CLIENT; i++) {
      HttpResponse<String> failed =
          post(
              browser,
              Map.of("email", "nobody" + i + "@example.com", "password", "x"),
              forwardedFor);
      assertThat(failed.statusCode()).as(failed.body()).isEqualTo(401);
    }
    return email;
  }

  private static HttpResponse<String> signIn(
      ConsoleClient browser, String email, String forwardedFor) {
    return post(browser, Map.of("email", email, "password", ConsoleClient.PASSWORD), forwardedFor);
  }

  private static HttpResponse<String> post(
      ConsoleClient browser, Map<String, String> fields, String forwardedFor) {
    return browser.postFrom(forwardedFor, "/console/login", fields);
  }
}
