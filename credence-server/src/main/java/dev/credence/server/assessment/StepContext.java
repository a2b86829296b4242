package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.assessment.AssessmentStore.Answer;
import dev.credence.server.errors.Refusal;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** What a module's page and form post may use: the request, the session, and saving answers. */
public final class StepContext {
  private final View view;
  private final Context http;
  private final PageModel page;
  private final AssessmentService service;

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

  /** The time since the step was shown, in milliseconds (0 if it never was), capped at a day. */
  public int elapsedMs() {
    return service.elapsedMs(view);
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
    return Refusal.conflict("step_not_current", detail);
  }
}
