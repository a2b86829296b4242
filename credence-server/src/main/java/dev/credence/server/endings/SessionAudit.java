package dev.credence.server.endings;

import dev.credence.server.audit.Change;
import dev.credence.server.sessions.Session;
import dev.credence.server.webhooks.EventStore;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the audit log describes a change to a session or its events, the same whether an Admin made
 * it in the dashboard or the operator did: never the applicant's link or token.
 */
public final class SessionAudit {
  private SessionAudit() {}

  /** A re-opened session: its status and time limit before and after. */
  public static Change reopened(SessionReopener.Reopened reopened) {
    Session session = reopened.session();
    return new Change(
        "session.reopened",
        target(session.uid(), session.integrationId()),
        facts(reopened.before()),
        facts(session));
  }

  /** An event sent again: as it was, and pending again. */
  public static Change redelivered(EventStore.Event event) {
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("event_id", event.id());
    before.put("type", event.type().wireName());
    before.put("status", event.status().name());
    before.put("attempts", event.attempts());
    Map<String, Object> after = new LinkedHashMap<>(before);
    after.put("status", EventStore.Status.PENDING.name());
    return new Change(
        "event.redelivered", target(event.uid(), event.integrationId()), before, after);
  }

  /** How an entry names a session: by its uid, until the session is erased. */
  public static String target(String uid, String integrationId) {
    return "uid " + uid + " on " + integrationId;
  }

  private static Map<String, Object> facts(Session session) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("status", session.status().name().toLowerCase(Locale.ROOT));
    facts.put("expires_at", session.expiresAt().toString());
    return facts;
  }
}
