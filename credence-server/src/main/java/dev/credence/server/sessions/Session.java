package dev.credence.server.sessions;

import java.time.Instant;

/** One assessment of one uid on one integration; its id is the access token's {@code jti}. */
public record Session(
    String id,
    String integrationId,
    String uid,
    SessionStatus status,
    Instant createdAt,
    Instant expiresAt,
    Instant startedAt,
    Instant finishedAt) {

  /** Open: not finished and still inside its time limit. */
  public boolean isOpenAt(Instant now) {
    return status.isOpen() && now.isBefore(expiresAt);
  }

  public boolean isExpiredAt(Instant now) {
    return status == SessionStatus.EXPIRED || (status.isOpen() && !now.isBefore(expiresAt));
  }
}
