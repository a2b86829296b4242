package dev.credence.server.console;

import dev.credence.server.audit.Actor;
import java.time.Instant;

/** A dashboard user: one company, one role. */
public record ConsoleUser(
    String id,
    String companyId,
    String email,
    String name,
    Role role,
    Instant createdAt,
    Instant lastLoginAt)
    implements Actor.User {

  /** Admins change things; Viewers only see. */
  public enum Role {
    ADMIN,
    VIEWER;

    public String label() {
      return this == ADMIN ? "Admin" : "Viewer";
    }
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
