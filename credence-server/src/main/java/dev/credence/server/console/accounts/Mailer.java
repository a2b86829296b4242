package dev.credence.server.console.accounts;

import dev.credence.server.config.Config;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends invitation e-mails through the configured SMTP relay, if there is one. */
public final class Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);
  private static final int TIMEOUT_MS = 10_000;

  private final Config.Smtp smtp;
  private final Session session;

  public Mailer(Config.Smtp smtp) {
    this.smtp = smtp;
    this.session = smtp == null ? null : session(smtp);
  }

  public boolean configured() {
    return smtp != null;
  }

  /** Sends a plain-text message; false (logged, never thrown) when the relay refuses it. */
  public boolean send(String to, String subject, String text) {
    if (smtp == null) {
      return false;
    }
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
      message.setSubject(subject, "UTF-8");
      message.setText(text, "UTF-8");
      Transport.send(message);
      return true;
    } catch (MessagingException e) {
      LOG.warn("could not send e-mail through {}: {}", smtp, e.getMessage());
      return false;
    }
  }

  private static Session session(Config.Smtp smtp) {
    String protocol = smtp.security().equals("tls") ? "smtps" : "smtp";
    Properties properties = new Properties();
    properties.put("mail.transport.protocol", protocol);
    properties.put("mail." + protocol + ".host", smtp.host());
    properties.put("mail." + protocol + ".port", String.valueOf(smtp.port()));
    properties.put("mail." + protocol + ".connectiontimeout", String.valueOf(TIMEOUT_MS));
    properties.put("mail." + protocol + ".timeout", String.valueOf(TIMEOUT_MS));
    properties.put("mail." + protocol + ".writetimeout", String.valueOf(TIMEOUT_MS));
    if (smtp.security().equals("starttls")) {
      properties.put("mail.smtp.starttls.enable", "true");
      properties.put("mail.smtp.starttls.required", "true");
    }
    if (!smtp.user().isEmpty()) {
      properties.put("mail." + protocol + ".auth", "true");
      return Session.getInstance(
          properties,
          new jakarta.mail.Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return new PasswordAuthentication(smtp.user(), smtp.password().value());
            }
          });
    }
    return Session.getInstance(properties);
  }
}
