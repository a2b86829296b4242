package dev.credence.server.console.web;

import dev.credence.server.audit.Actor;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
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

  /** Admins change; Viewers are refused with 403. */
  public void requireAdmin() {
    if (!isAdmin()) {
      throw new Refusal(
          Kind.FORBIDDEN,
          "admin_required",
          "Only an Admin can change this; you are signed in as a Viewer.");
    }
  }
}
