package dev.credence.server.console.accounts;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of failed dashboard sign-ins: one row per attempt, keyed by the SHA-256 of the e-mail
 * address and by the client address. Every query leaves out one row, the attempt being decided, so
 * that the attempt can be written before its password is checked and still not count against
 * itself.
 */
final class SignInFailures {
  private final Jdbi jdbi;

  SignInFailures(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  void insert(String id, String emailHash, String client, Instant at) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO console_sign_in_failures (id, email_hash, client, failed_at)"
                        + " VALUES (?, ?, ?, ?)")
                .bind(0, id)
                .bind(1, emailHash)
                .bind(2, client)
                .bind(3, utc(at))
                .execute());
  }

  /** When this client failed for this e-mail address after {@code since}, oldest first. */
  List<Instant> ofPair(String emailHash, String client, Instant since, String except) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT failed_at FROM console_sign_in_failures WHERE email_hash = ?"
                        + " AND client = ? AND failed_at > ? AND id <> ? ORDER BY failed_at")
                .bind(0, emailHash)
                .bind(1, client)
                .bind(2, utc(since))
                .bind(3, except)
                .map((rs, ctx) -> instant(rs, "failed_at"))
                .list());
  }

  /** How many times any client failed for this e-mail address after {@code since}. */
  int countOfEmail(String emailHash, Instant since, String except) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM console_sign_in_failures WHERE email_hash = ?"
                        + " AND failed_at > ? AND id <> ?")
                .bind(0, emailHash)
                .bind(1, utc(since))
                .bind(2, except)
                .mapTo(Integer.class)
                .one());
  }

  /** When this client failed, for any e-mail address, after {@code since}, oldest first. */
  List<Instant> ofClient(String client, Instant since, String except) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT failed_at FROM console_sign_in_failures WHERE client = ?"
                        + " AND failed_at > ? AND id <> ? ORDER BY failed_at")
                .bind(0, client)
                .bind(1, utc(since))
                .bind(2, except)
                .map((rs, ctx) -> instant(rs, "failed_at"))
                .list());
  }

  void delete(String id) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM console_sign_in_failures WHERE id = ?")
                .bind(0, id)
                .execute());
  }

  /** Forgets this client's failures for this e-mail address (it has just signed in). */
  void deletePair(String emailHash, String client) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM console_sign_in_failures WHERE email_hash = ? AND client = ?")
                .bind(0, emailHash)
                .bind(1, client)
                .execute());
  }

  void deleteBefore(Instant before) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM console_sign_in_failures WHERE failed_at < ?")
                .bind(0, utc(before))
                .execute());
  }
}
