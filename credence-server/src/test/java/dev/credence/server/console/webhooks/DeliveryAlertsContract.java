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
 * once per incident, and the one when it is over (delivered again, or retries ran out), through a
 * real SMTP relay. Events are retried for an hour here, so that the clock can run past it.
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
            "CREDENCE_WEBHOOK_RETRY_SECONDS", "3600",
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
      finishRefused(deployment, "AL-000001", refusing);
      Thread.sleep(1_000); // checks run every 100 ms
      assertThat(mails(admin, "Webhooks failing")).as("before 30 minutes").isEmpty();

      server.clock().advance(Duration.ofMinutes(31));
      List<MimeMessage> failing = awaitMails(admin, "Webhooks failing", 1);
      MimeMessage mail = failing.get(0);
      assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(admin.email());
      assertThat(mail.getSubject()).isEqualTo("Webhooks failing: Loans · Production");
      assertThat((String) mail.getContent())
          .contains("have been failing since")
          .contains("1 event is waiting for a retry")
          .contains("for 1 hour from its first attempt")
          .contains(server.config().publicUrl() + "/console/webhooks?integration=" + production);
      Thread.sleep(1_000);
      assertThat(mails(admin, "Webhooks failing")).as("once per incident").hasSize(1);
      assertThat(mails(viewer, "Webhooks")).as("Admins only").isEmpty();

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
      MimeMessage over = awaitMails(admin, "Webhooks delivered again", 1).get(0);
      assertThat(over.getSubject()).isEqualTo("Webhooks delivered again: Loans · Production");
      assertThat((String) over.getContent()).contains("are delivered again");
      Thread.sleep(1_000);
      assertThat(mails(admin, "Webhooks")).hasSize(2);
    }
  }

  @Test
  void adminsAreToldWhenTheRetriesRanOut() throws Exception {
    Deployment deployment = server.newDeployment();
    String production = deployment.productionIntegrationId();
    server.patchIntegration(production, Applicant.SMALL_ASSESSMENT);
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    try (WebhookReceiver refusing = WebhookReceiver.start()) {
      finishRefused(deployment, "AL-000002", refusing);
      server.clock().advance(Duration.ofMinutes(31));
      awaitMails(admin, "Webhooks failing", 1);

      // The first event's hour of retries is over: its next attempt, refused again, is its last.
      // The session's second event is tried next, and its first answer takes 2 s: all that time no
      // tried event is pending, yet the incident goes on (the event has been queued since the
      // session ended).
      server.clock().advance(Duration.ofMinutes(30));
      refusing.stall(2, Duration.ofSeconds(2));
      server.awaitEvents(
          production,
          "AL-000002",
          WAIT,
          e ->
              e.get(0).get("status").asText().equals("FAILED")
                  && e.get(1).get("attempts").asInt() > 0);
      assertThat(mails(admin, "Webhooks failed")).as("between one event and the next").isEmpty();

      server.clock().advance(Duration.ofMinutes(61));
      MimeMessage over = awaitMails(admin, "Webhooks failed", 1).get(0);
      assertThat(over.getSubject()).isEqualTo("Webhooks failed: Loans · Production");
      assertThat((String) over.getContent())
          .contains("are no longer retried: their retries ran out and they are FAILED")
          .contains(server.config().publicUrl() + "/console/webhooks?integration=" + production);
      assertThat(server.awaitEvents(production, "AL-000002", WAIT, e -> true))
          .extracting(e -> e.get("status").asText())
          .containsExactly("FAILED", "FAILED");
      Thread.sleep(1_000);
      assertThat(mails(admin, "Webhooks")).as("one incident, two e-mails").hasSize(2);
    }
  }

  /**
   * Points the deployment's Production webhooks at {@code refusing}, which answers 503 from now on,
   * and finishes a session of {@code uid}: returns after its first event's first attempt and retry.
   */
  private void finishRefused(Deployment deployment, String uid, WebhookReceiver refusing) {
    String production = deployment.productionIntegrationId();
    int[] refusals = new int[500];
    Arrays.fill(refusals, 503);
    refusing.answer(refusals);
    server.patchIntegration(production, "{\"webhook_url\": \"" + refusing.url() + "\"}");
    HttpResponse<String> created =
        server.createSession(deployment.productionKey(), sessionBody(uid, production));
    new Applicant(server, json(created).get("access_token").asText()).finish();
    refusing.await(2, WAIT);
  }

  private List<MimeMessage> awaitMails(ConsoleClient to, String subject, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<MimeMessage> found = mails(to, subject);
    while (found.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      found = mails(to, subject);
    }
    assertThat(found).as("e-mails '%s'", subject).hasSize(count);
    return found;
  }

  /** The e-mails to one user whose subject starts with {@code subject}. */
  private List<MimeMessage> mails(ConsoleClient to, String subject) {
    return Arrays.stream(relay.getReceivedMessages())
        .filter(m -> recipient(m).equals(to.email()) && subjectOf(m).startsWith(subject))
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
