package dev.credence.server.console.web;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.http.ApiException;
import dev.credence.server.http.RefusedBodies;
import dev.credence.server.outcomes.OutcomeCsv;
import gg.jte.generated.precompiled.console.web.JteerrorGenerated;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import io.javalin.config.MultipartConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The dashboard's edge, in front of every {@code /console} route: the signed-in user from the
 * session cookie, the sign-in redirect, the CSRF check on every form, the page headers, and page
 * rendering.
 *
 * <p>Signed-in forms carry the session's own CSRF token (synchronizer token). The sign-in and
 * invitation forms, before any session exists, carry a random value that must match a cookie of the
 * same value (double submit). Both cookies are HttpOnly and SameSite; Secure when the public URL is
 * https.
 */
public final class ConsoleWeb {
  public static final String PREFIX = "/console";
  public static final String SESSION_COOKIE = "credence_console";
  static final String FORM_COOKIE = "credence_form";
  public static final String CSRF_FIELD = "csrf";
  private static final String CURRENT = "console.current";
  private static final String POLICY =
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
          + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /** The largest upload read: a CSV file of {@link OutcomeCsv#MAX_BYTES} and the form's fields. */
  public static final long MAX_UPLOAD_BYTES = OutcomeCsv.MAX_BYTES + 64 * 1024;

  /** The most of a refused upload read and dropped so that its sender can read the refusal. */
  static final long DRAIN_LIMIT = 32L * 1024 * 1024;

  /** Pages that are open without signing in. */
  private static final Set<String> OPEN = Set.of(PREFIX + "/login");

  private static final String OPEN_PREFIX = PREFIX + "/invitations/";

  private final ConsoleSessions sessions;
  private final DeploymentService deployments;
  private final boolean secureCookies;

  public ConsoleWeb(ConsoleSessions sessions, DeploymentService deployments, String publicUrl) {
    this.sessions = sessions;
    this.deployments = deployments;
    this.secureCookies = publicUrl.startsWith("https:");
  }

  public void routes(RoutesConfig routes) {
    routes.before(PREFIX, this::guard);
    routes.before(PREFIX + "/*", this::guard);
  }

  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", POLICY);
    // Lets the browser name this origin on the dashboard's own form posts (checked below).
    ctx.header("Referrer-Policy", "same-origin");
    boolean post = ctx.method() == HandlerType.POST;
    if (post) {
      checkOrigin(ctx);
      checkUploadSize(ctx);
    }
    ConsoleSession current = sessions.resume(ctx.cookie(SESSION_COOKIE)).orElse(null);
    if (current != null) {
      ctx.attribute(CURRENT, current);
    }
    String path = ctx.path();
    boolean open = OPEN.contains(path) || path.startsWith(OPEN_PREFIX);
    if (open) {
      if (post) {
        checkFormToken(ctx);
      }
      return;
    }
    if (current == null) {
      if (post) {
        throw new ApiException(
            401, "signed_out", "Your session has ended. Sign in again, then repeat the change.");
      }
      String next = path + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      ctx.redirect(PREFIX + "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      ctx.skipRemainingHandlers();
      return;
    }
    if (post && !Secrets.same(csrfField(ctx), current.csrfToken())) {
      throw csrfRefused();
    }
  }

  /**
   * The form's CSRF field, from an ordinary form or a file upload (multipart) alike. Jetty reads an
   * upload whole before its fields can be seen; past {@link #MAX_UPLOAD_BYTES} it stops reading.
   */
  private static String csrfField(Context ctx) {
    try {
      return ctx.formParam(CSRF_FIELD);
    } catch (Exception e) { // Jetty's ServletException comes through Kotlin unchecked
      if (!ctx.isMultipartFormData()) {
        throw e;
      }
      throw uploadRefused(ctx, e);
    }
  }

  /** A file upload announced as larger than the limit is refused without being stored. */
  private static void checkUploadSize(Context ctx) {
    if (ctx.isMultipartFormData() && ctx.contentLength() > MAX_UPLOAD_BYTES) {
      RefusedBodies.drain(ctx, DRAIN_LIMIT);
      throw uploadTooLarge();
    }
  }

  /** Jetty's multipart parser says "max length exceeded" when it stops at the limit. */
  private static ApiException uploadRefused(Context ctx, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("max ")) {
        // Jetty will not read this connection again after its parser stopped: say so, or the
        // sender would post its next form into a connection that is closing.
        ctx.header("Connection", "close");
        RefusedBodies.drain(ctx, DRAIN_LIMIT);
        return uploadTooLarge();
      }
    }
    return new ApiException(400, "upload_unreadable", "The upload could not be read; try again.");
  }

  private static ApiException uploadTooLarge() {
    return new ApiException(413, "upload_too_large", OutcomeCsv.tooLarge());
  }

  /** Limits Jetty's reading of file uploads to the largest the dashboard accepts, in memory. */
  public static void limitUploads(MultipartConfig multipart) {
    multipart.maxFileSize(MAX_UPLOAD_BYTES, SizeUnit.BYTES);
    multipart.maxTotalRequestSize(MAX_UPLOAD_BYTES, SizeUnit.BYTES);
    multipart.maxInMemoryFileSize((int) MAX_UPLOAD_BYTES, SizeUnit.BYTES);
  }

  /**
   * A form posted from another site's page is refused even before its token is looked at. A browser
   * that withholds the origin sends none or "null"; then the token alone decides.
   */
  private static void checkOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || origin.equals("null")) {
      return;
    }
    String host = ctx.host();
    URI uri;
    try {
      uri = URI.create(origin);
    } catch (IllegalArgumentException e) {
      throw csrfRefused();
    }
    if (host == null || uri.getHost() == null) {
      throw csrfRefused();
    }
    String originHost = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    if (!originHost.equalsIgnoreCase(host) && !uri.getHost().equalsIgnoreCase(host)) {
      throw csrfRefused();
    }
  }

  private void checkFormToken(Context ctx) {
    if (!Secrets.same(csrfField(ctx), ctx.cookie(FORM_COOKIE))) {
      throw csrfRefused();
    }
  }

  private static ApiException csrfRefused() {
    return new ApiException(
        403,
        "csrf_invalid",
        "This form was not sent from a current dashboard page. Reload the page and try again.");
  }

  // --- who is signed in -------------------------------------------------------------------------

  /** The signed-in user; only called behind the guard, which has already asked for a sign-in. */
  public static ConsoleUser user(Context ctx) {
    return current(ctx).user();
  }

  public static ConsoleSession current(Context ctx) {
    ConsoleSession current = ctx.attribute(CURRENT);
    if (current == null) {
      throw new ApiException(401, "signed_out", "Sign in to the dashboard first.");
    }
    return current;
  }

  public static ConsoleSession currentOrNull(Context ctx) {
    return ctx.attribute(CURRENT);
  }

  public void signIn(Context ctx, String token) {
    ctx.cookie(cookie(SESSION_COOKIE, token, -1, SameSite.LAX));
  }

  public void signOut(Context ctx) {
    ctx.cookie(cookie(SESSION_COOKIE, "", 0, SameSite.LAX));
  }

  /** The token for a form shown before signing in, set as a cookie of the same value. */
  private String formToken(Context ctx) {
    String token = ctx.cookie(FORM_COOKIE);
    if (token == null || token.length() != 43) {
      token = Secrets.newToken();
      ctx.cookie(cookie(FORM_COOKIE, token, -1, SameSite.STRICT));
    }
    return token;
  }

  private Cookie cookie(String name, String value, int maxAge, SameSite sameSite) {
    return new Cookie(name, value, PREFIX, maxAge, secureCookies, true, null, sameSite);
  }

  // --- pages ------------------------------------------------------------------------------------

  /** The frame of a page for the signed-in user. */
  public ConsolePage page(Context ctx, String title, String section) {
    ConsoleSession current = current(ctx);
    return new ConsolePage(
        title,
        section,
        current.user(),
        deployments.companyName(current.user().companyId()),
        current.csrfToken());
  }

  /** The frame of a page shown before signing in. */
  public ConsolePage openPage(Context ctx, String title) {
    return new ConsolePage(title, "", null, "", formToken(ctx));
  }

  /**
   * Renders a page: {@code template} calls the generated class of its jte template, so the compiler
   * checks every parameter. The output escapes as jte's own engine does for HTML templates.
   */
  public void render(Context ctx, int status, Consumer<HtmlTemplateOutput> template) {
    StringOutput output = new StringOutput();
    template.accept(new OwaspHtmlTemplateOutput(output));
    ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
  }

  /** The dashboard's error page, for {@link dev.credence.server.http.HttpEdge}. */
  public void renderError(Context ctx, ApiException e) {
    ConsoleSession current = currentOrNull(ctx);
    ConsolePage page =
        current == null
            ? new ConsolePage("Error", "", null, "", "")
            : new ConsolePage(
                "Error",
                "",
                current.user(),
                deployments.companyName(current.user().companyId()),
                current.csrfToken());
    ctx.header("Content-Security-Policy", POLICY);
    render(ctx, e.status(), out -> JteerrorGenerated.render(out, null, page, e));
  }
}
