package dev.credence.server.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.AuditPage;
import dev.credence.server.testing.ConsoleClient;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.ServerContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Dashboard accounts over real HTTP: the operator's first Admin, sign-in through the form with its
 * throttling, invitations and their expiry, roles, removal, idle expiry, CSRF and the audit log.
 */
abstract class AccountsContract extends ServerContract {
  private static final Pattern INVITATION =
      Pattern.compile("(/console/invitations/[A-Za-z0-9_-]+)");
  private static final Pattern USER_ROW = Pattern.compile("<tr data-user-id=\"([0-9a-f]{24})\">");
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  /** The test's requests come through a proxy on this machine that names each client. */
  @Override
  protected Map<String, String> environment() {
    return Map.of("CREDENCE_TRUSTED_PROXIES", "127.0.0.1,::1");
  }

  @Test
  void theOperatorInvitesTheFirstAdminWhoSignsInAndOut() {
    RunningServer.Deployment deployment = server.newDeployment();
    ConsoleClient admin = ConsoleClient.firstAdmin(server, deployment.companyId());
    HttpResponse<String> users = admin.get("/console/users");
    assertThat(users.statusCode()).isEqualTo(200);
    assertThat(users.body()).contains("First Admin").contains("Acme Lending");

    assertThat(admin.post("/console/logout", Map.of()).statusCode()).isEqualTo(302);
    HttpResponse<String> after = admin.get("/console/users");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location"))
        .hasValue("/console/login?next=%2Fconsole%2Fusers");
  }

  @Test
  void theOperatorApiRefusesBadInvitations() {
    RunningServer.Deployment deployment = server.newDeployment();
    String path = "/v1/admin/companies/" + deployment.companyId() + "/admins";
    assertThat(server.send("POST", path, "{\"email\":\"a@example.com\"}").statusCode())
        .isEqualTo(401);
    var unknown =
        server.operator("POST", "/v1/admin/companies/nope/admins", "{\"email\":\"a@example.com\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(unknown).get("code").asText()).isEqualTo("company_not_found");
    var invalid = server.operator("POST", path, "{\"email\":\"not an address\"}");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(RunningServer.json(invalid).get("code").asText()).isEqualTo("email_invalid");
    var created = server.operator("POST", path, "{\"email\":\" Boss@Example.com \"}");
    assertThat(created.statusCode()).isEqualTo(201);
    var body = RunningServer.json(created);
    assertThat(body.get("email").asText()).isEqualTo("boss@example.com");
    assertThat(body.get("role").asText()).isEqualTo("admin");
    assertThat(body.get("emailed").asBoolean()).isFalse();
    assertThat(body.get("invitation_url").asText())
        .startsWith(server.config().publicUrl() + "/console/invitations/");
  }

  @Test
  void signingInThroughTheFormSetsAGuardedCookieAndGoesWhereTheUserWasGoing() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String email = admin.email();
    ConsoleClient browser = new ConsoleClient(server);
    HttpResponse<String> page = browser.get("/console/login?next=%2Fconsole%2Fusers");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'")
        .contains("form-action 'self'");

    HttpResponse<String> wrong =
        browser.post(
            "/console/login",
            Map.of("email", email, "password", "not the password", "next", "/console/users"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("The e-mail address or the password is wrong.");

    HttpResponse<String> right =
        browser.post(
            "/console/login",
            Map.of(
                "email",
                email.toUpperCase(),
                "password",
                ConsoleClient.PASSWORD,
                "next",
                "/console/users"));
    assertThat(right.statusCode()).isEqualTo(302);
    assertThat(right.headers().firstValue("Location")).hasValue("/console/users");
    String cookie =
        right.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("credence_console="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/console");
    assertThat(cookie).doesNotContain("Secure"); // the test server's public URL is http
    assertThat(browser.get("/console/users").statusCode()).isEqualTo(200);
  }

  @Test
  void signInGoesOnlyToDashboardPagesAfterwards() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    for (String next : List.of("https://evil.example/", "//evil.example/x", "/v1/admin")) {
      ConsoleClient browser = new ConsoleClient(server);
      browser.get("/console/login");
      HttpResponse<String> in =
          browser.post(
              "/console/login",
              Map.of("email", admin.email(), "password", ConsoleClient.PASSWORD, "next", next));
      assertThat(in.headers().firstValue("Location")).hasValue("/console/deployments");
    }
  }

  @Test
  void failuresFromOneClientLockThatClientOutOfTheAddressButNotAFreshClient() {
    String email = ConsoleClient.firstAdmin(server, server.newDeployment().companyId()).email();
    String attacker = nextClient();
    ConsoleClient browser = new ConsoleClient(server);
    browser.get("/console/login");
    long waited = failPastTheDelays(browser, attacker, email, SignInThrottle.MAX_FAILURES_PER_PAIR);

    var locked = signIn(browser, attacker, email, ConsoleClient.PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.body()).contains("Too many failed sign-ins. Try again in 15 minutes.");
    long retryAfter = retryAfter(locked);
    assertThat(retryAfter).isEqualTo(SignInThrottle.WINDOW.toSeconds() - waited);
    assertThat(locked.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith("credence_console=") && !c.startsWith("credence_console=;"));

    // The pair's count is in the database: another node refuses it too.
    try (RunningServer second = server.secondNode()) {
      ConsoleClient elsewhere = new ConsoleClient(second);
      elsewhere.get("/console/login");
      var alsoLocked = signIn(elsewhere, attacker, email, ConsoleClient.PASSWORD);
      assertThat(alsoLocked.statusCode()).isEqualTo(429);
      assertThat(retryAfter(alsoLocked)).isEqualTo(retryAfter);
    }

    // The owner, on a client that has not failed, signs in at once...
    ConsoleClient owner = new ConsoleClient(server);
    owner.get("/console/login");
    var in = signIn(owner, nextClient(), email, ConsoleClient.PASSWORD);
    assertThat(in.statusCode()).isEqualTo(302);
    assertThat(owner.get("/console/users").statusCode()).isEqualTo(200);
    // ...which frees nothing for the attacker, who is free once the window has passed.
    assertThat(signIn(browser, attacker, email, ConsoleClient.PASSWORD).statusCode())
        .isEqualTo(429);
    server.clock().advance(Duration.ofSeconds(retryAfter - 1));
    assertThat(signIn(browser, attacker, email, ConsoleClient.PASSWORD).statusCode())
        .isEqualTo(429);
    server.clock().advance(Duration.ofSeconds(1));
    assertThat(signIn(browser, attacker, email, ConsoleClient.PASSWORD).statusCode())
        .isEqualTo(302);
  }

  @Test
  void failuresForAnAddressFromAnywhereDelayEachClientThatFailedWithGrowingWaits() {
    String email = ConsoleClient.firstAdmin(server, server.newDeployment().companyId()).email();
    ConsoleClient browser = new ConsoleClient(server);
    browser.get("/console/login");
    String first = nextClient();
    for (int i = 0; i < SignInThrottle.DELAY_AFTER; i++) {
      assertThat(signIn(browser, first, email, "guess " + i).statusCode()).isEqualTo(401);
    }
    var early = signIn(browser, first, email, "guess 3");
    assertThat(early.statusCode()).isEqualTo(429);
    assertThat(retryAfter(early)).isEqualTo(1);
    assertThat(early.body()).contains("Too many failed sign-ins. Try again in 1 second.");
    server.clock().advance(Duration.ofSeconds(1));
    assertThat(signIn(browser, first, email, "guess 3").statusCode()).isEqualTo(401);

    // A client that has not failed is not held back; once it has, it waits too, and longer.
    String second = nextClient();
    assertThat(signIn(browser, second, email, "guess 4").statusCode()).isEqualTo(401);
    var secondEarly = signIn(browser, second, email, "guess 5");
    assertThat(secondEarly.statusCode()).isEqualTo(429);
    assertThat(retryAfter(secondEarly)).isEqualTo(4);
    assertThat(retryAfter(signIn(browser, first, email, "guess 5"))).isEqualTo(4);

    // The wait doubles with every failure from anywhere, up to a minute.
    for (int i = 0; i < 5; i++) {
      assertThat(signIn(browser, nextClient(), email, "guess x" + i).statusCode()).isEqualTo(401);
    }
    var capped = signIn(browser, second, email, ConsoleClient.PASSWORD);
    assertThat(capped.statusCode()).isEqualTo(429);
    assertThat(retryAfter(capped)).isEqualTo(SignInThrottle.MAX_DELAY.toSeconds());
    assertThat(capped.body()).contains("Try again in 1 minute.");

    // A wait is counted from the client's own last failure: it ends, whatever others do meanwhile.
    server.clock().advance(Duration.ofSeconds(59));
    assertThat(signIn(browser, nextClient(), email, "guess y").statusCode()).isEqualTo(401);
    assertThat(retryAfter(signIn(browser, second, email, ConsoleClient.PASSWORD))).isEqualTo(1);
    server.clock().advance(Duration.ofSeconds(1));
    assertThat(signIn(browser, second, email, ConsoleClient.PASSWORD).statusCode()).isEqualTo(302);
  }

  @Test
  void parallelAttemptsCountEachOther() throws Exception {
    String email = ConsoleClient.firstAdmin(server, server.newDeployment().companyId()).email();
    ConsoleClient browser = new ConsoleClient(server);
    browser.get("/console/login");
    String attacker = nextClient();
    int parallel = 12;
    ExecutorService threads = Executors.newFixedThreadPool(parallel);
    try {
      CountDownLatch ready = new CountDownLatch(parallel);
      List<Future<Integer>> attempts = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        String guess = "parallel guess " + i;
        attempts.add(
            threads.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return signIn(browser, attacker, email, guess).statusCode();
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> attempt : attempts) {
        statuses.add(attempt.get(60, TimeUnit.SECONDS));
      }
      // Each attempt is written before its password is checked, so no burst checks more. When all
      // twelve are written before any counts, each sees the others and none is checked: all 429.
      assertThat(statuses).isSubsetOf(401, 429);
      assertThat(statuses.stream().filter(s -> s == 401).count())
          .isLessThanOrEqualTo(SignInThrottle.MAX_FAILURES_PER_PAIR);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aClientAddressIsLimitedAcrossEMailAddresses() {
    String email = ConsoleClient.firstAdmin(server, server.newDeployment().companyId()).email();
    ConsoleClient browser = new ConsoleClient(server);
    browser.get("/console/login");
    String office = nextClient();
    for (int i = 0; i < SignInThrottle.MAX_FAILURES_PER_CLIENT; i++) {
      var refused = signIn(browser, office, "nobody" + i + "@example.com", "x");
      assertThat(refused.statusCode()).isEqualTo(401);
    }
    var locked = signIn(browser, office, email, ConsoleClient.PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(retryAfter(locked)).isEqualTo(SignInThrottle.WINDOW.toSeconds());
    assertThat(locked.body()).contains("Too many failed sign-ins. Try again in 15 minutes.");
    assertThat(signIn(browser, nextClient(), email, ConsoleClient.PASSWORD).statusCode())
        .isEqualTo(302);
    server.clock().advance(SignInThrottle.WINDOW);
    assertThat(signIn(browser, office, email, ConsoleClient.PASSWORD).statusCode()).isEqualTo(302);
  }

  @Test
  void theAnonymousFormsRefuseAMissingOrForeignToken() {
    ConsoleClient browser = new ConsoleClient(server);
    browser.get("/console/login");
    var missing =
        browser.postRaw("/console/login", Map.of("email", "a@example.com", "password", "x"));
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("csrf_invalid");
    var foreign =
        browser.postRaw(
            "/console/login",
            Map.of("email", "a@example.com", "password", "x", "csrf", "A".repeat(43)));
    assertThat(foreign.statusCode()).isEqualTo(403);
    // A token taken from another browser does not match this browser's cookie.
    ConsoleClient other = new ConsoleClient(server);
    other.get("/console/login");
    var stolen =
        browser.postRaw(
            "/console/login",
            Map.of("email", "a@example.com", "password", "x", "csrf", other.csrf()));
    assertThat(stolen.statusCode()).isEqualTo(403);
  }

  @Test
  void aFormPostedFromAnotherSiteIsRefused() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    admin.get("/console/users");
    var response =
        admin.send(
            HttpRequest.newBuilder(admin.uri("/console/users/invite"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://evil.example")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "email=x%40example.com&role=ADMIN&csrf=" + admin.csrf())));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(admin.get("/console/users").body()).doesNotContain("x@example.com");
  }

  @Test
  void anInvitationIsShownToCopyWorksOnceAndMakesAUserOfTheCompany() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    admin.get("/console/users");
    HttpResponse<String> created =
        admin.post(
            "/console/users/invite", Map.of("email", "Viewer@Example.org", "role", "VIEWER"));
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body())
        .contains("viewer@example.org")
        .contains("Hand over this link yourself");
    String link = find(INVITATION, created.body());
    assertThat(admin.get("/console/users").body()).doesNotContain(link); // shown once only

    ConsoleClient invitee = new ConsoleClient(server);
    HttpResponse<String> form = invitee.get(link);
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("Acme Lending").contains("Viewer");
    var mismatch =
        invitee.post(
            link,
            Map.of("name", "Vee", "password", ConsoleClient.PASSWORD, "repeat", "something else"));
    assertThat(mismatch.statusCode()).isEqualTo(422);
    assertThat(mismatch.body()).contains("The two passwords are not the same.");
    var weak = invitee.post(link, Map.of("name", "Vee", "password", "short", "repeat", "short"));
    assertThat(weak.statusCode()).isEqualTo(422);
    assertThat(weak.body()).contains("Use at least 12 characters.");
    String famous = "correct horse battery staple";
    var common = invitee.post(link, Map.of("name", "Vee", "password", famous, "repeat", famous));
    assertThat(common.statusCode()).isEqualTo(422);
    assertThat(common.body())
        .contains("This is a commonly used password. Add a word or two that are not common.");
    String own = "Viewer@Example.org forever";
    var mine = invitee.post(link, Map.of("name", "Vee", "password", own, "repeat", own));
    assertThat(mine.statusCode()).isEqualTo(422);
    assertThat(mine.body()).contains("Do not put your e-mail address in the password.");
    var noName =
        invitee.post(
            link,
            Map.of(
                "name", " ", "password", ConsoleClient.PASSWORD, "repeat", ConsoleClient.PASSWORD));
    assertThat(noName.statusCode()).isEqualTo(422);

    var accepted =
        invitee.post(
            link,
            Map.of(
                "name",
                "Vee",
                "password",
                ConsoleClient.PASSWORD,
                "repeat",
                ConsoleClient.PASSWORD));
    assertThat(accepted.statusCode()).isEqualTo(302);
    HttpResponse<String> usersSeenByViewer = invitee.get("/console/users");
    assertThat(usersSeenByViewer.statusCode()).isEqualTo(200);
    assertThat(usersSeenByViewer.body()).contains("Vee").contains("First Admin");
    assertThat(usersSeenByViewer.body()).doesNotContain("Invite a user");

    ConsoleClient again = new ConsoleClient(server);
    HttpResponse<String> used = again.get(link);
    assertThat(used.statusCode()).isEqualTo(410);
    assertThat(used.body()).contains("already been used");
    assertThat(new ConsoleClient(server).get("/console/invitations/forged").statusCode())
        .isEqualTo(404);

    var duplicate =
        admin.post("/console/users/invite", Map.of("email", "viewer@example.org", "role", "ADMIN"));
    assertThat(duplicate.statusCode()).isEqualTo(422);
    assertThat(duplicate.body()).contains("is already a user of this company");
  }

  @Test
  void anInvitationExpiresAfter24Hours() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    admin.get("/console/users");
    String link =
        find(
            INVITATION,
            admin
                .post("/console/users/invite", Map.of("email", "late@example.com", "role", "ADMIN"))
                .body());
    ConsoleClient invitee = new ConsoleClient(server);
    assertThat(invitee.get(link).statusCode()).isEqualTo(200);
    server.clock().advance(Duration.ofHours(24));
    var expired =
        invitee.post(
            link,
            Map.of(
                "name",
                "Late",
                "password",
                ConsoleClient.PASSWORD,
                "repeat",
                ConsoleClient.PASSWORD));
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(expired.body()).contains("This invitation expired 24 hours after it was sent.");
    assertThat(invitee.get("/console/users").statusCode()).isEqualTo(302); // not signed in
  }

  @Test
  void aViewerIsRefusedEveryChangeAndTheAuditLog() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    ConsoleClient viewer = admin.invite("VIEWER");
    String adminId = find(USER_ROW, admin.get("/console/users").body());
    viewer.get("/console/users");
    assertThat(
            viewer
                .post("/console/users/invite", Map.of("email", "v2@example.com", "role", "ADMIN"))
                .statusCode())
        .isEqualTo(403);
    var refused = viewer.post("/console/users/" + adminId + "/role", Map.of("role", "VIEWER"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Only an Admin can change this");
    assertThat(viewer.post("/console/users/" + adminId + "/remove", Map.of()).statusCode())
        .isEqualTo(403);
    assertThat(viewer.get("/console/audit").statusCode()).isEqualTo(403);
    String users = admin.get("/console/users").body();
    assertThat(users).doesNotContain("v2@example.com").contains("Make Admin");
  }

  @Test
  void rolesChangeButACompanyKeepsAnAdmin() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String adminId = find(USER_ROW, admin.get("/console/users").body());
    var last = admin.post("/console/users/" + adminId + "/role", Map.of("role", "VIEWER"));
    assertThat(last.statusCode()).isEqualTo(409);
    assertThat(last.body()).contains("A company keeps at least one Admin");
    var unknownRole = admin.post("/console/users/" + adminId + "/role", Map.of("role", "OWNER"));
    assertThat(unknownRole.statusCode()).isEqualTo(422);

    ConsoleClient viewer = admin.invite("VIEWER");
    String viewerId = idOfOtherUser(admin, adminId);
    admin.get("/console/users");
    assertThat(
            admin
                .post("/console/users/" + viewerId + "/role", Map.of("role", "ADMIN"))
                .statusCode())
        .isEqualTo(302);
    viewer.get("/console/users");
    assertThat(viewer.get("/console/audit").statusCode()).isEqualTo(200); // an Admin now

    AuditPage audit = AuditPage.read(admin);
    assertThat(audit.of("user.invited")).isNotEmpty();
    AuditPage.Row promoted = audit.only("user.role_changed");
    assertThat(promoted.before()).isEqualTo(AuditPage.json("{\"role\":\"VIEWER\"}"));
    assertThat(promoted.after()).isEqualTo(AuditPage.json("{\"role\":\"ADMIN\"}"));
  }

  @Test
  void theOnlyAdminIsOfferedNoDemotionOrRemovalAndTheServerRefusesBoth() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String users = admin.get("/console/users").body();
    String adminId = find(USER_ROW, users);
    assertThat(users)
        .contains("The only Admin: make another user Admin before changing or removing this one.")
        .doesNotContain("Make Viewer", "/console/users/" + adminId + "/remove");

    // A form made by hand is refused with the reason and its code, and changes nothing.
    for (String path : List.of("/role", "/remove")) {
      var refused = admin.post("/console/users/" + adminId + path, Map.of("role", "VIEWER"));
      assertThat(refused.statusCode()).as(path).isEqualTo(409);
      assertThat(refused.body())
          .as(path)
          .contains(
              "A company keeps at least one Admin, and "
                  + admin.email()
                  + " is this company's only one: make another user Admin first. Nothing was"
                  + " changed. (last_admin)");
    }
    assertThat(admin.get("/console/audit").statusCode()).isEqualTo(200); // still an Admin
    assertThat(AuditPage.read(admin).of("user.role_changed")).isEmpty();
    assertThat(AuditPage.read(admin).of("user.removed")).isEmpty();

    // With a second Admin each is offered both, and either may go, but not both.
    ConsoleClient second = admin.invite("ADMIN");
    String secondId = idOfOtherUser(admin, adminId);
    assertThat(admin.get("/console/users").body())
        .contains("Make Viewer", "/console/users/" + adminId + "/remove")
        .doesNotContain("The only Admin");
    second.get("/console/users");
    assertThat(
            second
                .post("/console/users/" + adminId + "/role", Map.of("role", "VIEWER"))
                .statusCode())
        .isEqualTo(302);
    var last = second.post("/console/users/" + secondId + "/remove", Map.of());
    assertThat(last.statusCode()).isEqualTo(409);
    assertThat(last.body()).contains("(last_admin)");
    assertThat(second.get("/console/users").body()).contains("The only Admin");
  }

  @Test
  void twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin() throws Exception {
    ConsoleClient first = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String firstId = find(USER_ROW, first.get("/console/users").body());
    ConsoleClient second = first.invite("ADMIN");
    String secondId = idOfOtherUser(first, firstId);
    second.get("/console/users");
    first.get("/console/users");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<Integer> a =
          pool.submit(
              () -> {
                go.await();
                return first
                    .post("/console/users/" + secondId + "/role", Map.of("role", "VIEWER"))
                    .statusCode();
              });
      Future<Integer> b =
          pool.submit(
              () -> {
                go.await();
                return second
                    .post("/console/users/" + firstId + "/role", Map.of("role", "VIEWER"))
                    .statusCode();
              });
      go.countDown();
      // One demotion is made; the other is refused: as the last Admin's (409), or, when its
      // sender was demoted already, as a Viewer's (403).
      List<Integer> answers = List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
      assertThat(answers).containsOnlyOnce(302);
      assertThat(answers).allMatch(status -> List.of(302, 403, 409).contains(status));
    } finally {
      pool.shutdownNow();
    }
    ConsoleClient admin = first.get("/console/audit").statusCode() == 200 ? first : second;
    assertThat(admin.get("/console/users").body()).contains("The only Admin");
    assertThat(AuditPage.read(admin).of("user.role_changed")).hasSize(1);
  }

  @Test
  void aRemovedUserIsSignedOutAtOnce() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String adminId = find(USER_ROW, admin.get("/console/users").body());
    ConsoleClient viewer = admin.invite("VIEWER");
    assertThat(viewer.get("/console/users").statusCode()).isEqualTo(200);
    String viewerId = idOfOtherUser(admin, adminId);
    admin.get("/console/users");
    assertThat(admin.post("/console/users/" + viewerId + "/remove", Map.of()).statusCode())
        .isEqualTo(302);
    assertThat(viewer.get("/console/users").statusCode()).isEqualTo(302);
    assertThat(admin.get("/console/users").body()).doesNotContain("VIEWER user");
    assertThat(AuditPage.read(admin).of("user.removed")).hasSize(1);
  }

  @Test
  void anIdleSessionEnds() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    assertThat(admin.get("/console/users").statusCode()).isEqualTo(200);
    server.clock().advance(Duration.ofMinutes(29));
    assertThat(admin.get("/console/users").statusCode()).isEqualTo(200); // activity keeps it
    server.clock().advance(Duration.ofMinutes(31));
    var ended = admin.get("/console/users");
    assertThat(ended.statusCode()).isEqualTo(302);
    assertThat(ended.headers().firstValue("Location").orElseThrow()).startsWith("/console/login");
  }

  @Test
  void everyFormOfTheUsersPagesRefusesAMissingToken() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    String adminId = find(USER_ROW, admin.get("/console/users").body());
    for (String path :
        List.of(
            "/console/users/invite",
            "/console/users/" + adminId + "/role",
            "/console/users/" + adminId + "/remove",
            "/console/logout")) {
      var refused = admin.postRaw(path, Map.of("email", "csrf@example.com", "role", "VIEWER"));
      assertThat(refused.statusCode()).as(path).isEqualTo(403);
      assertThat(refused.body()).as(path).contains("csrf_invalid");
    }
    String users = admin.get("/console/users").body();
    assertThat(users).doesNotContain("csrf@example.com").contains("Sign out");
  }

  @Test
  void errorsUnderTheConsoleArePagesNotJson() {
    ConsoleClient admin = ConsoleClient.firstAdmin(server, server.newDeployment().companyId());
    var missing = admin.get("/console/no-such-page");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(missing.body()).contains("Not found").contains("not_found");
    assertThat(admin.get("/console/audit?before=abc").statusCode()).isEqualTo(422);
  }

  /**
   * {@code count} wrong passwords from {@code client}, each after the wait the server asks for;
   * returns the seconds waited in all.
   */
  private long failPastTheDelays(ConsoleClient browser, String client, String email, int count) {
    long waited = 0;
    for (int i = 0; i < count; i++) {
      var answer = signIn(browser, client, email, "guess " + i);
      if (answer.statusCode() == 429) {
        long wait = retryAfter(answer);
        assertThat(wait).isEqualTo(SignInThrottle.delay(i).toSeconds());
        server.clock().advance(Duration.ofSeconds(wait));
        waited += wait;
        answer = signIn(browser, client, email, "guess " + i);
      }
      assertThat(answer.statusCode()).as("failure %d", i + 1).isEqualTo(401);
    }
    return waited;
  }

  private static HttpResponse<String> signIn(
      ConsoleClient browser, String client, String email, String password) {
    return browser.postFrom(client, "/console/login", Map.of("email", email, "password", password));
  }

  private static long retryAfter(HttpResponse<String> response) {
    return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
  }

  /** A client address of its own for each use (TEST-NET-2), so that no two tests share counts. */
  private static String nextClient() {
    int n = CLIENTS.incrementAndGet();
    return "198.51." + (n / 250) + "." + (n % 250 + 1);
  }

  private String idOfOtherUser(ConsoleClient admin, String adminId) {
    Matcher rows = USER_ROW.matcher(admin.get("/console/users").body());
    while (rows.find()) {
      if (!rows.group(1).equals(adminId)) {
        return rows.group(1);
      }
    }
    throw new AssertionError("no other user listed");
  }

  private static String find(Pattern pattern, String body) {
    Matcher matcher = pattern.matcher(body);
    assertThat(matcher.find()).as(body).isTrue();
    return matcher.group(1);
  }

  static URI uri(String value) {
    return URI.create(value);
  }
}
