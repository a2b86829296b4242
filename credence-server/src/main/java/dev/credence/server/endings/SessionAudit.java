package dev.credence.server.endings;

import dev.credence.api.EventType;
import dev.credence.server.audit.Change;
import dev.credence.server.sessions.Session;
import dev.credence.server.webhooks.EventStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the audit log describes a change to a session or its events, the same whether an Admin made
 * it in the dashboard or the operator did: never the applicant's link or token, and never the uid
 * of an erased session.
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

  /**
   * A simulated session made and ended: nothing before; after, the scenario, its final status and,
   * for a completed one, the scripted band (null for an average applicant).
   */
  public static Change simulated(Session session, String scenario, String riskBand) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("scenario", scenario);
    after.put("status", session.status().name().toLowerCase(Locale.ROOT));
    if (riskBand != null) {
      after.put("risk_band", riskBand);
    }
    return new Change(
        "session.simulated", target(session.uid(), session.integrationId()), null, after);
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
    // A session.erased not yet sent still holds the uid; its session is named by id, as erased.
    String target =
        event.type() == EventType.SESSION_ERASED
            ? erasedTarget(event.sessionId(), event.integrationId())
            : target(event.uid(), event.integrationId());
    return new Change("event.redelivered", target, before, after);
  }

  /** Events that ended with {@code status}, made since {@code since}, sent again: how many. */
  public static Change replayed(
      String integrationId, EventStore.Status status, Instant since, int count) {
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("status", status.name());
    before.put("events", count);
    Map<String, Object> after = new LinkedHashMap<>(before);
    after.put("status", EventStore.Status.PENDING.name());
    return new Change(
        "events.redelivered",
        status.name() + " events made since " + since + " on " + integrationId,
        before,
        after);
  }

  /** How an entry names a session: by its uid, until the session is erased. */
  public static String target(String uid, String integrationId) {
    return "uid " + uid + " on " + integrationId;
  }

  /** How an entry names an erased session, its own and the earlier ones: never by its uid. */
  public static String erasedTarget(String sessionId, String integrationId) {
    return "session " + sessionId + " on " + integrationId;
  }

  /**
   * An erased session: its status before; after, {@code erased}, its uid's keyed hash, when and by
   * whom.
   */
  public static Change erased(Session before, String uidHash, Instant erasedAt, String erasedBy) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("status", "erased");
    after.put("uid_hash", uidHash);
    after.put("erased_at", erasedAt.toString());
    after.put("erased_by", erasedBy);
    return new Change(
        "session.erased",
        erasedTarget(before.id(), before.integrationId()),
        Map.of("status", before.status().name().toLowerCase(Locale.ROOT)),
        after);
  }

  private static Map<String, Object> facts(Session session) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("status", session.status().name().toLowerCase(Locale.ROOT));
    facts.put("expires_at", session.expiresAt().toString());
    return facts;
  }
}
