package dev.credence.server.console.web;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.ApiException;
import gg.jte.generated.precompiled.console.web.JteerrorGenerated;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import io.javalin.config.MultipartConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.function.Consumer;

/**
 * The dashboard's edge, in front of every {@code /console} route: its guard ({@link ConsoleGuard}),
 * the signed-in user, the session and form cookies, the frame of every page and page rendering.
 * Both cookies are HttpOnly and SameSite; Secure when the public URL is https.
 */
public final class ConsoleWeb {
  public static final String PREFIX = "/console";
  public static final String SESSION_COOKIE = "credence_console";
  static final String FORM_COOKIE = "credence_form";
  public static final String CSRF_FIELD = "csrf";
  static final String CURRENT = "console.current";
  static final String POLICY =
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
          + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final ConsoleGuard guard;
  private final DeploymentService deployments;
  private final boolean secureCookies;

  public ConsoleWeb(ConsoleSessions sessions, DeploymentService deployments, String publicUrl) {
    this.guard = new ConsoleGuard(sessions);
    this.deployments = deployments;
    this.secureCookies = publicUrl.startsWith("https:");
  }

  public void routes(RoutesConfig routes) {
    routes.before(PREFIX, guard::guard);
    routes.before(PREFIX + "/*", guard::guard);
  }

  /** Limits Jetty's reading of file uploads to the largest the dashboard accepts, in memory. */
  public static void limitUploads(MultipartConfig multipart) {
    ConsoleGuard.limitUploads(multipart);
  }

  // --- who is signed in -------------------------------------------------------------------------

  /** The signed-in user; only called behind the guard, which has already asked for a sign-in. */
  public static ConsoleUser user(Context ctx) {
    return current(ctx).user();
  }

  public static ConsoleSession current(Context ctx) {
    ConsoleSession current = ctx.attribute(CURRENT);
    if (current == null) {
      throw new Refusal(Kind.UNAUTHENTICATED, "signed_out", "Sign in to the dashboard first.");
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
