package dev.credence.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** With an SMTP relay configured, an invitation is also e-mailed; without one reachable, shown. */
class InvitationMailTest {
  private static final Pattern LINK = Pattern.compile("(http://\\S+/console/invitations/\\S+)");

  @Test
  void anInvitationIsSentThroughTheRelayAndItsLinkWorks() throws Exception {
    GreenMail relay = new GreenMail(new ServerSetup(RunningServer.freePort(), "127.0.0.1", "smtp"));
    relay.start();
    try (RunningServer server = RunningServer.start(TestDatabase.H2, smtp(relay))) {
      ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
      var page =
          admin.post(
              "/console/users/invite", Map.of("email", "analyst@lender.example", "role", "VIEWER"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("It was sent by e-mail");

      assertThat(relay.waitForIncomingEmail(10_000, 2)).isTrue(); // the first Admin's, then this
      MimeMessage[] toLender = relay.getReceivedMessagesForDomain("lender.example");
      assertThat(toLender).hasSize(1);
      MimeMessage mail = toLender[0];
      assertThat(mail.getFrom()[0].toString()).isEqualTo("dashboard@credence.test");
      assertThat(mail.getSubject()).isEqualTo("You are invited to the Credence dashboard");
      String text = GreenMailUtil.getBody(mail);
      assertThat(text).contains("Acme Lending").contains("as Viewer");
      Matcher link = LINK.matcher(text);
      assertThat(link.find()).as(text).isTrue();
      String path = java.net.URI.create(link.group(1)).getPath();
      assertThat(new ConsoleClient(server).get(path).statusCode()).isEqualTo(200);
    } finally {
      relay.stop();
    }
  }

  @Test
  void anUnreachableRelayLeavesTheLinkToCopy() {
    Map<String, String> env =
        Map.of(
            "CREDENCE_SMTP_HOST", "127.0.0.1",
            "CREDENCE_SMTP_PORT", String.valueOf(RunningServer.freePort()),
            "CREDENCE_SMTP_SECURITY", "none",
            "CREDENCE_SMTP_FROM", "dashboard@credence.test");
    try (RunningServer server = RunningServer.start(TestDatabase.H2, env)) {
      ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
      var page =
          admin.post(
              "/console/users/invite", Map.of("email", "analyst@lender.example", "role", "VIEWER"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Hand over this link yourself");
      assertThat(page.body()).containsPattern("/console/invitations/[A-Za-z0-9_-]{43}");
    }
  }

  private static Map<String, String> smtp(GreenMail relay) {
    return Map.of(
        "CREDENCE_SMTP_HOST", "127.0.0.1",
        "CREDENCE_SMTP_PORT", String.valueOf(relay.getSmtp().getPort()),
        "CREDENCE_SMTP_SECURITY", "none",
        "CREDENCE_SMTP_FROM", "dashboard@credence.test");
  }
}
