package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.errors.Refusal;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** What a module's page and form post may use: the request, the session, and saving answers. */
public final class StepContext {
  /** The code of an answer to a step that is not the one to answer now (stale or early). */
  public static final String NOT_CURRENT = "step_not_current";

  /** Where a form's refused answer waits for the page that shows it again. */
  static final String REFUSED_COOKIE = "credence_refused";

  /** Long enough for the redirect and a slow network; the page consumes it at once. */
  private static final int REFUSED_SECONDS = 600;

  private final View view;
  private final Context http;
  private final PageModel page;
  private final AssessmentService service;
  private int keptStep;
  private String kept = "";
  private Optional<Refused> refused;

  StepContext(View view, Context http, PageModel page, AssessmentService service) {
    this.view = view;
    this.http = http;
    this.page = page;
    this.service = service;
  }

  /** What every page shows besides its step; null while handling a post. */
  public PageModel page() {
    return page;
  }

  public String language() {
    return page.language();
  }

  public String sessionId() {
    return view.session().id();
  }

  /** For a module's own tables. */
  public Jdbi jdbi() {
    return service.jdbi();
  }

  public ItemBank items() {
    return service.items();
  }

  public Instant now() {
    return service.now();
  }

  /** Sets a response header of the page (e.g. a Refresh). */
  public void header(String name, String value) {
    http.header(name, value);
  }

  public String formParam(String name) {
    return http.formParam(name);
  }

  public Map<String, List<String>> formParams() {
    return http.formParamMap();
  }

  /** A whole-number form field; refused when missing or not a number. */
  public int intParam(String name) {
    try {
      return Integer.parseInt(http.formParam(name));
    } catch (NumberFormatException e) {
      throw Refusal.invalid("invalid_form", "The form is missing " + name);
    }
  }

  /** Notes that the step is shown now, so the time to its answer is measured by the server. */
  public void shown() {
    service.shown(view.session());
  }

  /**
   * The time the applicant took over the step, in milliseconds, capped at a day: the server's time
   * since it rendered the step (0 if it never did), or, when the page's script measured it (a
   * {@code ms} field, since it showed the step without a page load), the script's figure if it is
   * no longer than the server's.
   */
  public int elapsedMs() {
    int server = service.elapsedMs(view);
    String measured = http.formParam("ms");
    if (measured != null && measured.matches("[0-9]{1,9}")) {
      return Math.min(server, Integer.parseInt(measured));
    }
    return server;
  }

  /** Saves answers of {@code module} at once; answered already is a conflict. */
  public void save(String module, List<Answer> answers) {
    service.save(view, module, answers);
  }

  /** An answer that does not fit: 422 with a reason. */
  public static Refusal refused(String code, String detail) {
    return Refusal.invalid(code, detail);
  }

  /** An answer to a step that is not the one to answer now: 409. */
  public static Refusal conflict(String detail) {
    return Refusal.conflict(NOT_CURRENT, detail);
  }

  // --- a form's refused answer, kept for the page that shows it again ----------------------------

  /**
   * An answer a form sent and the server refused, as the page shows it again after the redirect:
   * which module and step it was for ({@code step} 0 when the post did not say), the refusal's
   * code, and what the applicant had filled in, in the module's own short form (the questionnaire:
   * one digit an item of the page, 0 for none).
   */
  public record Refused(String module, int step, String code, String kept) {
    private static final Pattern FORM =
        Pattern.compile("([a-z0-9_]{1,40})~([0-9]{1,4})~([a-z_]{1,40})~([0-9]{0,64})");

    String cookieValue() {
      return module + "~" + step + "~" + code + "~" + kept;
    }

    /** Empty unless the value is exactly of the form written, so nothing else reaches a page. */
    static Optional<Refused> parse(String value) {
      Matcher m = value == null ? null : FORM.matcher(value);
      if (m == null || !m.matches()) {
        return Optional.empty();
      }
      return Optional.of(
          new Refused(m.group(1), Integer.parseInt(m.group(2)), m.group(3), m.group(4)));
    }
  }

  /**
   * Notes what the applicant filled in on {@code step} before the module refuses the post, so the
   * page shows it again ({@code kept}: digits only, at most 64).
   */
  public void keep(int step, String kept) {
    boolean fits = step >= 0 && step <= 9999 && kept != null && kept.matches("[0-9]{0,64}");
    this.keptStep = fits ? step : 0;
    this.kept = fits ? kept : "";
  }

  /**
   * The refusal of this module's last form post, if it was for {@code step} (or did not say which)
   * and the module is still the one on screen. Read once: the cookie that carried it is cleared.
   */
  public Optional<Refused> refused(int step) {
    if (refused == null) {
      refused = Refused.parse(http.cookie(REFUSED_COOKIE));
      if (http.cookie(REFUSED_COOKIE) != null) {
        setRefusedCookie("", 0);
      }
    }
    return refused.filter(
        r -> r.module().equals(currentModule()) && (r.step() == 0 || r.step() == step));
  }

  /** Keeps a form post's refusal for the page the redirect shows (post/redirect/get). */
  void remember(Refusal refusal) {
    String module = currentModule();
    if (module != null && refusal.code() != null && refusal.code().matches("[a-z_]{1,40}")) {
      setRefusedCookie(
          new Refused(module, keptStep, refusal.code(), kept).cookieValue(), REFUSED_SECONDS);
    }
  }

  /** After an answer is saved, a refusal kept for its page is stale. */
  void forgetRefused() {
    if (http.cookie(REFUSED_COOKIE) != null) {
      setRefusedCookie("", 0);
    }
  }

  private String currentModule() {
    return view.position().step() instanceof Journey.InModule current
        ? current.module().type()
        : null;
  }

  /**
   * Only this link's pages send it back; scripts never read it. It holds nothing but what the
   * applicant just sent, so it is not secret. Where another site may frame the pages, a same-site
   * cookie would not survive the frame, so there it is a partitioned third-party one (decision
   * 0031): kept per framing site, and only on https or loopback, where a browser keeps a Secure
   * cookie.
   */
  private void setRefusedCookie(String value, int maxAge) {
    http.res()
        .addHeader(
            "Set-Cookie",
            REFUSED_COOKIE
                + "="
                + value
                + "; Path=/"
                + http.pathParam("token")
                + "; Max-Age="
                + maxAge
                + "; HttpOnly; "
                + (view.environment().settings().frameAncestors().isEmpty()
                    ? "SameSite=Strict"
                    : "SameSite=None; Secure; Partitioned"));
  }
}
