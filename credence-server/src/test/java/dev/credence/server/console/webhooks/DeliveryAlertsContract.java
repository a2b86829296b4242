package dev.credence.server.console.webhooks;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import dev.credence.server.testing.WebhookReceiver;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The e-mail to a company's Admins when an environment's webhooks have been failing for 30 minutes,
 * once per incident, and the one when it is over, through a real SMTP relay.
 */
abstract class DeliveryAlertsContract extends ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private GreenMail relay;

  @Override
  protected Map<String, String> environment() {
    relay = new GreenMail(new ServerSetup(RunningServer.freePort(), "127.0.0.1", "smtp"));
    relay.start();
    return RunningServer.with(
        RunningServer.QUICK_WORKERS,
        RunningServer.LOOPBACK_WEBHOOKS,
        Map.of(
            "CREDENCE_WEBHOOK_RETRY_BASE_MS", "100",
            "CREDENCE_WEBHOOK_ALERT_CHECK_MS", "100",
            "CREDENCE_SMTP_HOST", "127.0.0.1",
            "CREDENCE_SMTP_PORT", String.valueOf(relay.getSmtp().getPort()),
            "CREDENCE_SMTP_SECURITY", "none",
            "CREDENCE_SMTP_FROM", "dashboard@credence.test"));
  }

  @AfterAll
  void stopRelay() {
    if (relay != null) {
      relay.stop();
    }
  }

  @Test
  void adminsAreToldOnceAfterThirtyMinutesOfFailuresAndOnceWhenDeliveriesWork() throws Exception {
    Deployment deployment = server.newDeployment();
    String production = deployment.productionIntegrationId();
    server.patchIntegration(production, Applicant.SMALL_ASSESSMENT);
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    ConsoleClient viewer = admin.invite("VIEWER");
    try (WebhookReceiver refusing = WebhookReceiver.start();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      int[] refusals = new int[500];
      Arrays.fill(refusals, 503);
      refusing.answer(refusals);
      server.patchIntegration(production, "{\"webhook_url\": \"" + refusing.url() + "\"}");
      HttpResponse<String> created =
          server.createSession(deployment.productionKey(), sessionBody("AL-000001", production));
      new Applicant(server, json(created).get("access_token").asText()).finish();
      refusing.await(2, WAIT); // a first attempt and a retry
      Thread.sleep(1_000); // checks run every 100 ms
      assertThat(mails("Webhooks failing")).as("before 30 minutes").isEmpty();

      server.clock().advance(Duration.ofMinutes(31));
      List<MimeMessage> failing = awaitMails("Webhooks failing", 1);
      MimeMessage mail = failing.get(0);
      assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(admin.email());
      assertThat(mail.getSubject()).isEqualTo("Webhooks failing: Loans · Production");
      assertThat((String) mail.getContent())
          .contains("have been failing since")
          .contains("1 event is waiting for a retry")
          .contains("for 3 days from its first attempt")
          .contains(server.config().publicUrl() + "/console/webhooks?integration=" + production);
      Thread.sleep(1_000);
      assertThat(mails("Webhooks failing")).as("once per incident, Admins only").hasSize(1);
      assertThat(mails("Webhooks")).noneMatch(m -> recipient(m).equals(viewer.email()));

      // The receiver is mended; the waiting event is sent again at once.
      server.patchIntegration(production, "{\"webhook_url\": \"" + receiver.url() + "\"}");
      String waiting =
          json(server.send(
                  "GET",
                  "/v1/webhooks-management/events?status=PENDING",
                  null,
                  "api-key",
                  deployment.productionKey()))
              .at("/events/0/id")
              .asText();
      server.send(
          "POST",
          "/v1/webhooks-management/events/" + waiting + "/redeliver",
          null,
          "api-key",
          deployment.productionKey());
      receiver.await(2, WAIT);
      MimeMessage over = awaitMails("Webhooks delivered again", 1).get(0);
      assertThat(over.getSubject()).isEqualTo("Webhooks delivered again: Loans · Production");
      assertThat((String) over.getContent()).contains("are delivered again");
      Thread.sleep(1_000);
      assertThat(mails("Webhooks")).hasSize(2);
    }
  }

  private List<MimeMessage> awaitMails(String subject, int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<MimeMessage> found = mails(subject);
    while (found.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      found = mails(subject);
    }
    assertThat(found).as("e-mails '%s'", subject).hasSize(count);
    return found;
  }

  private List<MimeMessage> mails(String subject) {
    return Arrays.stream(relay.getReceivedMessages())
        .filter(m -> subjectOf(m).startsWith(subject))
        .toList();
  }

  private static String subjectOf(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static String recipient(MimeMessage m) {
    try {
      return m.getAllRecipients()[0].toString();
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }
}
