package dev.credence.server.console.web;

import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.RefusedBodies;
import dev.credence.server.outcomes.OutcomeCsv;
import io.javalin.config.MultipartConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What runs before every {@code /console} route: the page headers, the signed-in user from the
 * session cookie, the sign-in redirect, the origin and CSRF checks on every form, and the size
 * limit on uploads.
 *
 * <p>Signed-in forms carry the session's own CSRF token (synchronizer token). The sign-in and
 * invitation forms, before any session exists, carry a random value that must match a cookie of the
 * same value (double submit).
 */
final class ConsoleGuard {
  /** The largest upload read: a CSV file of {@link OutcomeCsv#MAX_BYTES} and the form's fields. */
  static final long MAX_UPLOAD_BYTES = OutcomeCsv.MAX_BYTES + 64 * 1024;

  /** The most of a refused upload read and dropped so that its sender can read the refusal. */
  static final long DRAIN_LIMIT = 32L * 1024 * 1024;

  /** Pages that are open without signing in. */
  private static final Set<String> OPEN = Set.of(ConsoleWeb.PREFIX + "/login");

  private static final String OPEN_PREFIX = ConsoleWeb.PREFIX + "/invitations/";

  private final ConsoleSessions sessions;

  ConsoleGuard(ConsoleSessions sessions) {
    this.sessions = sessions;
  }

  void guard(Context ctx) {
    ctx.header("Content-Security-Policy", ConsoleWeb.POLICY);
    // Lets the browser name this origin on the dashboard's own form posts (checked below).
    ctx.header("Referrer-Policy", "same-origin");
    boolean post = ctx.method() == HandlerType.POST;
    if (post) {
      checkOrigin(ctx);
      checkUploadSize(ctx);
    }
    ConsoleSession current = sessions.resume(ctx.cookie(ConsoleWeb.SESSION_COOKIE)).orElse(null);
    if (current != null) {
      ctx.attribute(ConsoleWeb.CURRENT, current);
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
        throw new Refusal(
            Kind.UNAUTHENTICATED,
            "signed_out",
            "Your session has ended. Sign in again, then repeat the change.");
      }
      String next = path + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      ctx.redirect(
          ConsoleWeb.PREFIX + "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
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
      return ctx.formParam(ConsoleWeb.CSRF_FIELD);
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
  private static Refusal uploadRefused(Context ctx, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("max ")) {
        // Jetty will not read this connection again after its parser stopped: say so, or the
        // sender would post its next form into a connection that is closing.
        ctx.header("Connection", "close");
        RefusedBodies.drain(ctx, DRAIN_LIMIT);
        return uploadTooLarge();
      }
    }
    return new Refusal(
        Kind.UNREADABLE, "upload_unreadable", "The upload could not be read; try again.");
  }

  private static Refusal uploadTooLarge() {
    return new Refusal(Kind.TOO_LARGE, "upload_too_large", OutcomeCsv.tooLarge());
  }

  /** Limits Jetty's reading of file uploads to the largest the dashboard accepts, in memory. */
  static void limitUploads(MultipartConfig multipart) {
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
    if (!Secrets.same(csrfField(ctx), ctx.cookie(ConsoleWeb.FORM_COOKIE))) {
      throw csrfRefused();
    }
  }

  private static Refusal csrfRefused() {
    return new Refusal(
        Kind.FORBIDDEN,
        "csrf_invalid",
        "This form was not sent from a current dashboard page. Reload the page and try again.");
  }
}
