package dev.credence.server.sessions;

import java.time.Instant;

/**
 * One assessment of one uid on one integration; its id is the access token's {@code jti}.
 *
 * @param simulated made by a test simulation, not by an applicant (docs/integration-guide.md,
 *     "Simulating outcomes in Test")
 */
public record Session(
    String id,
    String integrationId,
    String uid,
    SessionStatus status,
    Instant createdAt,
    Instant expiresAt,
    Instant startedAt,
    Instant finishedAt,
    boolean simulated) {

  /** A session an applicant takes (not simulated). */
  public Session(
      String id,
      String integrationId,
      String uid,
      SessionStatus status,
      Instant createdAt,
      Instant expiresAt,
      Instant startedAt,
      Instant finishedAt) {
    this(id, integrationId, uid, status, createdAt, expiresAt, startedAt, finishedAt, false);
  }

  /** Open: not finished and still inside its time limit. */
  public boolean isOpenAt(Instant now) {
    return status.isOpen() && now.isBefore(expiresAt);
  }

  public boolean isExpiredAt(Instant now) {
    return status == SessionStatus.EXPIRED || (status.isOpen() && !now.isBefore(expiresAt));
  }
}
