package dev.credence.server.console.accounts;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleUser.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of dashboard users, their signed-in sessions and invitations. */
final class AccountStore {
  private static final String USER_COLUMNS =
      "u.id, u.company_id, u.email, u.name, u.role, u.created_at, u.last_login_at";

  private final Jdbi jdbi;

  AccountStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A user and the hash their password is checked against. */
  record Credentials(ConsoleUser user, String passwordHash) {}

  /** A signed-in browser's row. */
  record SignedIn(ConsoleUser user, String csrfToken, Instant createdAt, Instant lastSeenAt) {}

  record Invitation(
      String tokenHash,
      String companyId,
      String email,
      Role role,
      String invitedBy,
      Instant createdAt,
      Instant expiresAt,
      Instant acceptedAt) {}

  // --- users ------------------------------------------------------------------------------------

  private static void insertUser(Handle h, ConsoleUser user, String passwordHash) {
    h.createUpdate(
            "INSERT INTO console_users (id, company_id, email, name, role, password_hash,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(0, user.id())
        .bind(1, user.companyId())
        .bind(2, user.email())
        .bind(3, user.name())
        .bind(4, user.role().name())
        .bind(5, passwordHash)
        .bind(6, utc(user.createdAt()))
        .execute();
  }

  Optional<Credentials> findCredentials(String email) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + USER_COLUMNS
                        + ", u.password_hash FROM console_users u"
                        + " WHERE u.email = ?")
                .bind(0, email)
                .map((rs, ctx) -> new Credentials(user(rs, ctx), rs.getString("password_hash")))
                .findOne());
  }

  boolean emailTaken(String email) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM console_users WHERE email = ?")
                    .bind(0, email)
                    .mapTo(Long.class)
                    .one()
                > 0);
  }

  Optional<ConsoleUser> findUser(String companyId, String userId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + USER_COLUMNS
                        + " FROM console_users u"
                        + " WHERE u.id = ? AND u.company_id = ?")
                .bind(0, userId)
                .bind(1, companyId)
                .map(AccountStore::user)
                .findOne());
  }

  List<ConsoleUser> listUsers(String companyId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + USER_COLUMNS
                        + " FROM console_users u WHERE u.company_id = ?"
                        + " ORDER BY u.email")
                .bind(0, companyId)
                .map(AccountStore::user)
                .list());
  }

  /**
   * Changes a user's role, unless that takes the company's last Admin away: false then, and nothing
   * changed. The company's row is locked first, so two Admins demoting each other at once take
   * turns and the second sees the first's change.
   */
  boolean updateRoleKeepingAnAdmin(String companyId, String userId, Role role) {
    return jdbi.inTransaction(
        h -> {
          if (role != Role.ADMIN && lastAdmin(h, companyId, userId)) {
            return false;
          }
          h.createUpdate("UPDATE console_users SET role = ? WHERE id = ? AND company_id = ?")
              .bind(0, role.name())
              .bind(1, userId)
              .bind(2, companyId)
              .execute();
          return true;
        });
  }

  /** Deletes a user and their sessions, unless they are the company's last Admin: false then. */
  boolean deleteUserKeepingAnAdmin(String companyId, String userId) {
    return jdbi.inTransaction(
        h -> {
          if (lastAdmin(h, companyId, userId)) {
            return false;
          }
          h.createUpdate("DELETE FROM console_sessions WHERE user_id = ?")
              .bind(0, userId)
              .execute();
          h.createUpdate("DELETE FROM console_users WHERE id = ? AND company_id = ?")
              .bind(0, userId)
              .bind(1, companyId)
              .execute();
          return true;
        });
  }

  /** Whether {@code userId} is the company's only Admin, the company's row locked. */
  private static boolean lastAdmin(Handle h, String companyId, String userId) {
    h.createQuery("SELECT id FROM companies WHERE id = ? FOR UPDATE")
        .bind(0, companyId)
        .mapTo(String.class)
        .findOne();
    List<String> admins =
        h.createQuery("SELECT id FROM console_users WHERE company_id = ? AND role = 'ADMIN'")
            .bind(0, companyId)
            .mapTo(String.class)
            .list();
    return admins.size() <= 1 && admins.contains(userId);
  }

  void updateLastLogin(String userId, Instant at) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE console_users SET last_login_at = ? WHERE id = ?")
                .bind(0, utc(at))
                .bind(1, userId)
                .execute());
  }

  /** Removes a user and signs out every browser of theirs. */
  // --- signed-in sessions -----------------------------------------------------------------------

  void insertSession(String idHash, String userId, String csrfToken, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO console_sessions (id_hash, user_id, csrf_token, created_at,"
                        + " last_seen_at) VALUES (?, ?, ?, ?, ?)")
                .bind(0, idHash)
                .bind(1, userId)
                .bind(2, csrfToken)
                .bind(3, utc(now))
                .bind(4, utc(now))
                .execute());
  }

  Optional<SignedIn> findSession(String idHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + USER_COLUMNS
                        + ", s.csrf_token, s.created_at AS signed_in_at,"
                        + " s.last_seen_at FROM console_sessions s"
                        + " JOIN console_users u ON u.id = s.user_id WHERE s.id_hash = ?")
                .bind(0, idHash)
                .map(
                    (rs, ctx) ->
                        new SignedIn(
                            user(rs, ctx),
                            rs.getString("csrf_token"),
                            instant(rs, "signed_in_at"),
                            instant(rs, "last_seen_at")))
                .findOne());
  }

  void touchSession(String idHash, Instant now) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?")
                .bind(0, utc(now))
                .bind(1, idHash)
                .execute());
  }

  void deleteSession(String idHash) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM console_sessions WHERE id_hash = ?")
                .bind(0, idHash)
                .execute());
  }

  /** Drops sessions idle since before {@code idleBefore} or begun before {@code begunBefore}. */
  int deleteStaleSessions(Instant idleBefore, Instant begunBefore) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM console_sessions WHERE last_seen_at < ? OR created_at < ?")
                .bind(0, utc(idleBefore))
                .bind(1, utc(begunBefore))
                .execute());
  }

  // --- invitations ------------------------------------------------------------------------------

  void insertInvitation(Invitation invitation) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO console_invitations (token_hash, company_id, email, role,"
                        + " invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, invitation.tokenHash())
                .bind(1, invitation.companyId())
                .bind(2, invitation.email())
                .bind(3, invitation.role().name())
                .bind(4, invitation.invitedBy())
                .bind(5, utc(invitation.createdAt()))
                .bind(6, utc(invitation.expiresAt()))
                .execute());
  }

  Optional<Invitation> findInvitation(String tokenHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM console_invitations WHERE token_hash = ?")
                .bind(0, tokenHash)
                .map(AccountStore::invitation)
                .findOne());
  }

  /** Invitations not yet accepted and not yet expired. */
  List<Invitation> openInvitations(String companyId, Instant now) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM console_invitations WHERE company_id = ? AND accepted_at IS NULL"
                        + " AND expires_at > ? ORDER BY created_at DESC")
                .bind(0, companyId)
                .bind(1, utc(now))
                .map(AccountStore::invitation)
                .list());
  }

  /**
   * Marks an invitation used and creates its user, in one transaction; false if the invitation was
   * used or withdrawn in the meantime.
   */
  boolean acceptInvitation(String tokenHash, ConsoleUser user, String passwordHash) {
    return jdbi.inTransaction(
        h -> {
          int marked =
              h.createUpdate(
                      "UPDATE console_invitations SET accepted_at = ? WHERE token_hash = ?"
                          + " AND accepted_at IS NULL")
                  .bind(0, utc(user.createdAt()))
                  .bind(1, tokenHash)
                  .execute();
          if (marked != 1) {
            return false;
          }
          insertUser(h, user, passwordHash);
          return true;
        });
  }

  boolean deleteInvitation(String companyId, String tokenHash) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM console_invitations WHERE token_hash = ? AND company_id = ?"
                            + " AND accepted_at IS NULL")
                    .bind(0, tokenHash)
                    .bind(1, companyId)
                    .execute())
        == 1;
  }

  private static ConsoleUser user(ResultSet rs, StatementContext ctx) throws SQLException {
    return new ConsoleUser(
        rs.getString("id"),
        rs.getString("company_id"),
        rs.getString("email"),
        rs.getString("name"),
        Role.valueOf(rs.getString("role")),
        instant(rs, "created_at"),
        instant(rs, "last_login_at"));
  }

  private static Invitation invitation(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Invitation(
        rs.getString("token_hash"),
        rs.getString("company_id"),
        rs.getString("email"),
        Role.valueOf(rs.getString("role")),
        rs.getString("invited_by"),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "accepted_at"));
  }
}
