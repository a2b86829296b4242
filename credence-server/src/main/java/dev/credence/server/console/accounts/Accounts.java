package dev.credence.server.console.accounts;

import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.audit.Change;
import dev.credence.server.console.accounts.AccountStore.Invitation;
import dev.credence.server.console.accounts.AccountStore.SignedIn;
import dev.credence.server.console.web.ConsoleSession;
import dev.credence.server.console.web.ConsoleSessions;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleUser.Role;
import dev.credence.server.console.web.Secrets;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.store.Ids;
import dev.credence.server.store.StoreErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Dashboard accounts: signing in (throttled), signed-in sessions with idle expiry, invitations,
 * roles and removal. Every change is written to the audit log.
 */
public final class Accounts implements ConsoleSessions {
  static final Duration INVITATION_LIFETIME = Duration.ofHours(24);

  /** However active, a browser signs in again after this long. */
  static final Duration MAX_SESSION = Duration.ofHours(12);

  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
  private static final int MAX_NAME_LENGTH = 200;

  private final AccountStore store;
  private final SignInFailures failures;
  private final AuditLog audit;
  private final DeploymentService deployments;
  private final Mailer mailer;
  private final String publicUrl;
  private final Duration idleTimeout;
  private final Clock clock;

  public Accounts(
      Jdbi jdbi,
      AuditLog audit,
      DeploymentService deployments,
      Mailer mailer,
      String publicUrl,
      Duration idleTimeout,
      Clock clock) {
    this.store = new AccountStore(jdbi);
    this.failures = new SignInFailures(jdbi);
    this.audit = audit;
    this.deployments = deployments;
    this.mailer = mailer;
    this.publicUrl = publicUrl;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  // --- signing in -------------------------------------------------------------------------------

  /** The answer to a sign-in: a browser token, or why not. */
  public sealed interface SignIn {
    record Success(String token, ConsoleUser user) implements SignIn {}

    record Refused() implements SignIn {}

    record Throttled(Duration retryAfter) implements SignIn {}
  }

  /**
   * Checks a password unless {@link SignInThrottle} holds the attempt back. The attempt is written
   * as a failure before the password is checked, so that parallel attempts, on any node, count each
   * other; a throttled attempt is taken back (it checked nothing), a successful one clears its
   * client's failures for the address.
   */
  public SignIn signIn(String email, String password, String clientAddress) {
    Instant now = clock.instant();
    String normalized = normalizeEmail(email);
    String emailHash = Secrets.hash(normalized);
    // Never longer than the column: an address of any length still counts.
    String client = clientAddress.length() <= 100 ? clientAddress : Secrets.hash(clientAddress);
    String attempt = Ids.newId();
    failures.insert(attempt, emailHash, client, now);
    Instant since = now.minus(SignInThrottle.WINDOW);
    Duration wait =
        SignInThrottle.wait(
            failures.ofPair(emailHash, client, since, attempt),
            failures.countOfEmail(emailHash, since, attempt),
            failures.ofClient(client, since, attempt),
            now);
    if (!wait.isZero()) {
      failures.delete(attempt);
      return new SignIn.Throttled(wait);
    }
    Optional<AccountStore.Credentials> found = store.findCredentials(normalized);
    String hash = found.map(AccountStore.Credentials::passwordHash).orElse(null);
    if (password == null
        || password.length() > Passwords.MAX_LENGTH
        || !Passwords.matches(password, hash)) {
      return new SignIn.Refused();
    }
    ConsoleUser user = found.get().user();
    failures.deletePair(emailHash, client);
    failures.deleteBefore(since);
    store.deleteStaleSessions(now.minus(idleTimeout), now.minus(MAX_SESSION));
    store.updateLastLogin(user.id(), now);
    return new SignIn.Success(startSession(user.id(), now), user);
  }

  private String startSession(String userId, Instant now) {
    String token = Secrets.newToken();
    store.insertSession(Secrets.hash(token), userId, Secrets.newToken(), now);
    return token;
  }

  /** The browser's session if it is still valid; an idle or too old one is ended here. */
  @Override
  public Optional<ConsoleSession> resume(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      return Optional.empty();
    }
    String idHash = Secrets.hash(token);
    Optional<SignedIn> found = store.findSession(idHash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SignedIn session = found.get();
    Instant now = clock.instant();
    if (session.lastSeenAt().plus(idleTimeout).isBefore(now)
        || session.createdAt().plus(MAX_SESSION).isBefore(now)) {
      store.deleteSession(idHash);
      return Optional.empty();
    }
    if (session.lastSeenAt().plus(TOUCH_EVERY).isBefore(now)) {
      store.touchSession(idHash, now);
    }
    return Optional.of(new ConsoleSession(session.user(), session.csrfToken(), idHash));
  }

  public void signOut(ConsoleSession current) {
    store.deleteSession(current.sessionHash());
  }

  // --- invitations ------------------------------------------------------------------------------

  /** A new invitation: the link to hand over (shown once) and whether it was also e-mailed. */
  public record InvitationLink(
      String email, Role role, String url, Instant expiresAt, boolean mailed) {}

  /** The operator's way in for a company's first Admin: an invitation link. */
  public InvitationLink inviteFirstAdmin(String companyId, String email) {
    if (companyId == null || deployments.findCompany(companyId).isEmpty()) {
      throw Refusal.notFound("company_not_found", "No company with id '" + companyId + "'");
    }
    return invite(companyId, Actor.OPERATOR, email, Role.ADMIN);
  }

  public InvitationLink invite(ConsoleUser actor, String email, Role role) {
    actor.requireAdmin();
    return invite(actor.companyId(), Actor.of(actor), email, role);
  }

  /** Stores an invitation, e-mails it when it can, and records it in the company's audit log. */
  private InvitationLink invite(String companyId, Actor invitedBy, String email, Role role) {
    String normalized = checkEmail(email);
    if (role == null) {
      throw Refusal.invalid("role_invalid", "Choose a role: Admin or Viewer.");
    }
    if (store.listUsers(companyId).stream().anyMatch(u -> u.email().equals(normalized))) {
      throw Refusal.invalid("user_exists", normalized + " is already a user of this company.");
    }
    Instant now = clock.instant();
    String token = Secrets.newToken();
    Instant expiresAt = now.plus(INVITATION_LIFETIME);
    store.insertInvitation(
        new Invitation(
            Secrets.hash(token),
            companyId,
            normalized,
            role,
            invitedBy.name(),
            now,
            expiresAt,
            null));
    String url = publicUrl + "/console/invitations/" + token;
    boolean mailed =
        mailer.send(
            normalized,
            "You are invited to the Credence dashboard",
            "You have been invited to the Credence dashboard of "
                + deployments.companyName(companyId)
                + " as "
                + role.label()
                + ".\n\nOpen this link within 24 hours to choose your password:\n\n"
                + url
                + "\n\nIf you did not expect this e-mail, ignore it.\n");
    audit.record(
        companyId,
        invitedBy,
        new Change("user.invited", normalized, null, Map.of("email", normalized, "role", role)));
    return new InvitationLink(normalized, role, url, expiresAt, mailed);
  }

  /** An invitation that can still be accepted, or why it cannot. */
  public Invitation openInvitation(String token) {
    Invitation invitation =
        token == null || token.length() > 100
            ? null
            : store.findInvitation(Secrets.hash(token)).orElse(null);
    if (invitation == null) {
      throw Refusal.notFound(
          "invitation_not_found", "This invitation link is not valid. Ask for a new one.");
    }
    if (invitation.acceptedAt() != null) {
      throw new Refusal(
          Kind.GONE, "invitation_used", "This invitation has already been used. Sign in instead.");
    }
    if (!invitation.expiresAt().isAfter(clock.instant())) {
      throw new Refusal(
          Kind.GONE,
          "invitation_expired",
          "This invitation expired 24 hours after it was sent. Ask an Admin for a new one.");
    }
    return invitation;
  }

  /** Creates the invited user with their chosen password and signs them in. */
  public SignIn.Success accept(String token, String name, String password) {
    Invitation invitation = openInvitation(token);
    String checkedName = checkName(name);
    String problem = Passwords.problem(password, invitation.email(), checkedName);
    if (problem != null) {
      throw Refusal.invalid("password_weak", problem);
    }
    if (store.emailTaken(invitation.email())) {
      throw Refusal.conflict(
          "email_taken",
          invitation.email() + " already has a Credence account; sign in with it instead.");
    }
    Instant now = clock.instant();
    ConsoleUser user =
        new ConsoleUser(
            Ids.newId(),
            invitation.companyId(),
            invitation.email(),
            checkedName,
            invitation.role(),
            now,
            now);
    String hash = Passwords.hash(password);
    boolean accepted;
    try {
      accepted = store.acceptInvitation(invitation.tokenHash(), user, hash);
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        throw Refusal.conflict(
            "email_taken",
            invitation.email() + " already has a Credence account; sign in with it instead.");
      }
      throw e;
    }
    if (!accepted) {
      throw new Refusal(
          Kind.GONE, "invitation_used", "This invitation has already been used. Sign in instead.");
    }
    audit.record(
        user, "invitation.accepted", user.email(), null, Map.of("role", user.role(), "name", name));
    return new SignIn.Success(startSession(user.id(), now), user);
  }

  public List<Invitation> openInvitations(ConsoleUser viewer) {
    return store.openInvitations(viewer.companyId(), clock.instant());
  }

  public void withdrawInvitation(ConsoleUser actor, String tokenHash) {
    actor.requireAdmin();
    Invitation invitation =
        store
            .findInvitation(tokenHash == null ? "" : tokenHash)
            .filter(i -> i.companyId().equals(actor.companyId()))
            .orElseThrow(() -> notFound("invitation_not_found", "No such invitation"));
    if (!store.deleteInvitation(actor.companyId(), tokenHash)) {
      throw Refusal.conflict("invitation_used", "This invitation has already been used.");
    }
    audit.record(
        actor,
        "invitation.withdrawn",
        invitation.email(),
        Map.of("email", invitation.email(), "role", invitation.role()),
        null);
  }

  // --- users ------------------------------------------------------------------------------------

  /**
   * Sends a plain-text e-mail to every Admin of the company through the SMTP relay; how many were
   * sent (none without a relay; a refused one is logged).
   */
  public int mailAdmins(String companyId, String subject, String text) {
    int sent = 0;
    for (ConsoleUser user : store.listUsers(companyId)) {
      if (user.isAdmin() && mailer.send(user.email(), subject, text)) {
        sent++;
      }
    }
    return sent;
  }

  public List<ConsoleUser> users(ConsoleUser viewer) {
    return store.listUsers(viewer.companyId());
  }

  public void changeRole(ConsoleUser actor, String userId, Role role) {
    actor.requireAdmin();
    if (role == null) {
      throw Refusal.invalid("role_invalid", "Choose a role: Admin or Viewer.");
    }
    ConsoleUser user = userOf(actor, userId);
    if (user.role() == role) {
      return;
    }
    if (!store.updateRoleKeepingAnAdmin(actor.companyId(), user.id(), role)) {
      throw lastAdmin(user);
    }
    audit.record(
        actor,
        "user.role_changed",
        user.email(),
        Map.of("role", user.role()),
        Map.of("role", role));
  }

  public void remove(ConsoleUser actor, String userId) {
    actor.requireAdmin();
    ConsoleUser user = userOf(actor, userId);
    if (!store.deleteUserKeepingAnAdmin(actor.companyId(), user.id())) {
      throw lastAdmin(user);
    }
    audit.record(
        actor,
        "user.removed",
        user.email(),
        Map.of("email", user.email(), "name", user.name(), "role", user.role()),
        null);
  }

  /** The refusal of a change that would leave the company without an Admin. */
  private static Refusal lastAdmin(ConsoleUser user) {
    return Refusal.conflict(
        "last_admin",
        "A company keeps at least one Admin, and "
            + user.email()
            + " is this company's only one: make another user Admin first. Nothing was changed.");
  }

  private ConsoleUser userOf(ConsoleUser actor, String userId) {
    return store
        .findUser(actor.companyId(), userId == null ? "" : userId)
        .orElseThrow(() -> notFound("user_not_found", "No such user in your company"));
  }

  private static Refusal notFound(String code, String detail) {
    return Refusal.notFound(code, detail);
  }

  static String normalizeEmail(String email) {
    return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
  }

  private static String checkEmail(String email) {
    String normalized = normalizeEmail(email);
    if (normalized.length() > 254 || !EMAIL.matcher(normalized).matches()) {
      throw Refusal.invalid("email_invalid", "Enter an e-mail address such as name@example.com.");
    }
    return normalized;
  }

  private static String checkName(String name) {
    String stripped = name == null ? "" : name.strip();
    if (stripped.isEmpty() || stripped.length() > MAX_NAME_LENGTH) {
      throw Refusal.invalid(
          "name_invalid", "Enter your name (1 to " + MAX_NAME_LENGTH + " characters).");
    }
    return stripped;
  }
}
