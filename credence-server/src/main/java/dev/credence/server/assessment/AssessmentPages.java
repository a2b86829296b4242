package dev.credence.server.assessment;

import dev.credence.server.assessment.AssessmentService.View;
import dev.credence.server.assessment.PageModel.LanguageOption;
import dev.credence.server.assessment.SessionLinks.Link;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.http.HttpEdge;
import dev.credence.server.http.SecurityHeaders;
import dev.credence.server.store.StoreErrors;
import gg.jte.generated.precompiled.assessment.JteconsentGenerated;
import gg.jte.generated.precompiled.assessment.JtedeclineGenerated;
import gg.jte.generated.precompiled.assessment.JteendGenerated;
import gg.jte.generated.precompiled.assessment.JteintroGenerated;
import gg.jte.html.HtmlContent;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted assessment's pages: server-rendered, every step a plain form that works without
 * JavaScript. Each answer is posted, saved, and answered with a redirect to the link, which shows
 * the next step (so a reload never posts twice).
 */
public final class AssessmentPages {
  private static final Logger LOG = LoggerFactory.getLogger(AssessmentPages.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String FALLBACK_LANGUAGE = "en";

  private final AssessmentService service;
  private final ItemBank items;
  private final Messages messages;
  private final DeploymentService deployments;
  private final Clock clock;
  private final SessionLinks links;
  private final JourneyEndings endings;
  private final EndPages endPages = new EndPages();
  private final AssessmentModules modules;

  /**
   * The modules that ship a script of their own ({@code /assets/{path}.js}), by type: it plays the
   * module's steps on the device where the browser runs scripts; the forms work without it.
   */
  private final Map<String, String> scripts = new java.util.HashMap<>();

  public AssessmentPages(
      SessionLinks links,
      AssessmentService service,
      JourneyEndings endings,
      ItemBank items,
      Messages messages,
      DeploymentService deployments,
      AssessmentModules modules,
      Clock clock) {
    this.modules = modules;
    this.links = links;
    this.service = service;
    this.endings = endings;
    this.items = items;
    this.messages = messages;
    this.deployments = deployments;
    this.clock = clock;
    for (AssessmentModule<?, ?> module : modules.all()) {
      String script = "public/assets/" + module.path() + ".js";
      if (AssessmentPages.class.getClassLoader().getResource(script) != null) {
        scripts.put(module.type(), module.path());
      }
    }
  }

  /**
   * The applicant's link: a single path segment that no other route took is a token ({@link
   * dev.credence.server.http.Routes#declare} declares these after every other route).
   */
  public void routes(RoutesConfig routes) {
    // Browsers ask for it on every first visit; without this it would be taken for a token.
    routes.get(
        "/favicon.ico", ctx -> ctx.status(204).header("Cache-Control", "public, max-age=86400"));
    routes.get(
        "/{token}", ctx -> guarded(ctx, () -> opened(ctx).ifPresent(o -> show(ctx, o, null, 200))));
    routes.post("/{token}/consent", ctx -> act(ctx, this::consent));
    routes.post("/{token}/language", ctx -> act(ctx, this::language));
    for (AssessmentModule<?, ?> module : modules.all()) {
      routes.post(
          "/{token}/" + module.path(), ctx -> act(ctx, (c, opened, view) -> post(module, c, view)));
    }
  }

  // --- actions ----------------------------------------------------------------------------------

  private interface Action {
    /** Does the action; returns where to send the browser next (the link itself by default). */
    String apply(Context ctx, Link opened, View view);
  }

  private void act(Context ctx, Action action) {
    guarded(
        ctx,
        () ->
            opened(ctx)
                .ifPresent(
                    opened -> {
                      View view = service.view(opened.session(), opened.environment());
                      try {
                        String next = action.apply(ctx, opened, view);
                        if (fromScript(ctx)) {
                          Map<String, Object> reply = ctx.attribute(SCRIPT_REPLY);
                          ctx.status(200).json(reply == null ? Map.of() : reply);
                        } else {
                          ctx.redirect(
                              next == null ? "/" + opened.token() : next, HttpStatus.SEE_OTHER);
                        }
                      } catch (Refusal refused) {
                        if (fromScript(ctx)) {
                          HttpEdge.respond(ctx, ApiException.of(refused));
                        } else {
                          // In the applicant's language only: the English detail is for scripts.
                          show(ctx, opened, "error.try_again", ApiException.statusOf(refused));
                        }
                      }
                    }));
  }

  /**
   * Consent, with a second chance to decline: "I do not agree" only shows the confirmation (a
   * redirect to the link with {@link #CONFIRM_DECLINE}, so a reload or Back never posts again); the
   * confirmed decline cancels the session, and going back shows consent again.
   */
  private String consent(Context ctx, Link opened, View view) {
    String decision = ctx.formParam("decision");
    if (BACK.equals(decision)) {
      return null;
    }
    if (DECLINE_CONFIRMED.equals(decision)) {
      service.consent(view, "decline");
      endings.cancel(view);
      return opened.environment().settings().cancelledUrl();
    }
    if (service.consent(view, decision)) {
      return null;
    }
    return "/" + opened.token() + "?" + CONFIRM_DECLINE;
  }

  /** The confirmation page's answers: decline for good, or back to consent. */
  private static final String DECLINE_CONFIRMED = "decline_confirmed";

  private static final String BACK = "back";

  /** The query of the link that shows the confirmation of a decline instead of consent. */
  private static final String CONFIRM_DECLINE = "confirm=decline";

  private String language(Context ctx, Link opened, View view) {
    String language = ctx.formParam("lang");
    if (language == null || !languageIds().contains(language)) {
      throw Refusal.invalid("invalid_language", "Unknown language: " + language);
    }
    service.setLanguage(opened.session(), language);
    return null;
  }

  /**
   * A module's answer: handled by the module when it is the step to answer now. A script is told of
   * a refusal in JSON; a form is answered with the link whatever happened (post/redirect/get), so
   * Back and reload never re-send it: an answer to a step that is not the one on screen (a double
   * tap, a re-sent post) changes nothing and says nothing, any other refusal is kept for the page
   * the link shows next, with what the applicant had filled in.
   */
  private String post(AssessmentModule<?, ?> module, Context ctx, View view) {
    StepContext step = new StepContext(view, ctx, null, service);
    ModuleState current = current(view, module);
    try {
      if (ctx.formParam(READY) != null) {
        if (current == null || current.waitingIntro() == null) {
          throw StepContext.conflict("The game has started already");
        }
        service.ready(view, module.type());
      } else if (current != null && current.waitingIntro() == null) {
        current.post(step);
      } else {
        module.post(null, null, step);
      }
      step.forgetRefused();
      if (fromScript(ctx)) {
        replyToScript(module, ctx, view);
      }
    } catch (Refusal refused) {
      if (fromScript(ctx)) {
        throw refused;
      }
      if (!StepContext.NOT_CURRENT.equals(refused.code())) {
        step.remember(refused);
      }
    }
    return null;
  }

  /** The form field of an introduction's Ready button. */
  private static final String READY = "ready";

  /** Where a module post leaves what its script is told ({@link AssessmentModule#scriptReply}). */
  private static final String SCRIPT_REPLY = "credence.script-reply";

  /** {@code module}'s state when it is the step to answer now, else null. */
  private static ModuleState current(View view, AssessmentModule<?, ?> module) {
    return view.position().step() instanceof Journey.InModule current
            && current.module().type().equals(module.type())
        ? current.module()
        : null;
  }

  /** What the module tells its script, from the session as it is after the post. */
  private void replyToScript(AssessmentModule<?, ?> module, Context ctx, View before) {
    View after = service.view(before.session(), before.environment());
    ModuleState current = current(after, module);
    if (current != null && current.waitingIntro() == null) {
      Map<String, Object> reply = current.scriptReply(new StepContext(after, ctx, null, service));
      if (reply != null) {
        ctx.attribute(SCRIPT_REPLY, reply);
      }
    }
  }

  /** A script asks for JSON ({@code fetch} with {@code Accept: application/json}); a form never. */
  private static boolean fromScript(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.contains("application/json");
  }

  // --- rendering --------------------------------------------------------------------------------

  private void show(Context ctx, Link opened, String errorKey, int status) {
    if (ctx.method() == io.javalin.http.HandlerType.GET) {
      service.visit(opened.session(), ctx.userAgent());
    }
    View view = service.view(opened.session(), opened.environment());
    String language = language(ctx, view);
    Environment environment = opened.environment();
    Journey.Step step = view.position().step();
    if (step instanceof Journey.Done) {
      finish(ctx, opened, view, language);
      return;
    }
    PageModel page = page(ctx, opened.token(), language, environment, view, errorKey);
    Html html;
    if (step instanceof Journey.InModule current && current.module().waitingIntro() != null) {
      AssessmentModule.Intro intro = current.module().waitingIntro();
      String path = current.module().module().path();
      Html extra = current.module().introTemplates(page);
      html =
          (out, interceptor) ->
              JteintroGenerated.render(
                  out,
                  interceptor,
                  page,
                  intro,
                  path,
                  extra == null ? null : (HtmlContent) o -> extra.render(o, interceptor));
    } else if (step instanceof Journey.InModule current) {
      html = current.module().render(new StepContext(view, ctx, page, service));
    } else if (CONFIRM_DECLINE.equals(ctx.queryString())) {
      html = (out, interceptor) -> JtedeclineGenerated.render(out, interceptor, page);
    } else {
      String privacyUrl = environment.settings().privacyPolicyUrl();
      html =
          (out, interceptor) ->
              JteconsentGenerated.render(out, interceptor, page, page.lender(), privacyUrl);
    }
    render(ctx, status, html, page.nonce(), environment);
  }

  /**
   * The last answer is in: the session is completed. The thank-you page shows unless the
   * environment hides it, with a way on to the Complete URL when there is one; hidden, the
   * applicant goes straight to the Complete URL (with none set there is nowhere else to go).
   */
  private void finish(Context ctx, Link opened, View view, String language) {
    endings.complete(view);
    var settings = opened.environment().settings();
    if (settings.completeUrl() != null && !settings.showCompletionPage()) {
      ctx.redirect(settings.completeUrl(), HttpStatus.SEE_OTHER);
      return;
    }
    endPages.show(ctx, 200, "done", opened.environment(), language, settings.completeUrl());
  }

  private PageModel page(
      Context ctx,
      String token,
      String language,
      Environment environment,
      View view,
      String errorKey) {
    List<LanguageOption> options = new ArrayList<>();
    for (String id :
        Languages.forSwitcher(languageIds(), ctx.header("Accept-Language"), language)) {
      options.add(new LanguageOption(id, Languages.nativeName(id), id.equals(language)));
    }
    return new PageModel(
        token,
        language,
        options,
        messages,
        nonce(),
        environment.settings().brandPrimaryColor(),
        environment.settings().brandLogoUrl(),
        deployments.companyName(environment.companyId()),
        view.position().percent(),
        view.position().module(),
        view.position().modules(),
        errorKey,
        view.position().step() instanceof Journey.InModule current
            ? scripts.get(current.module().type())
            : null);
  }

  /** The session's language; on the first visit, the browser's, remembered from then on. */
  private String language(Context ctx, View view) {
    if (view.row().language() != null) {
      return view.row().language();
    }
    String negotiated =
        Languages.negotiate(ctx.header("Accept-Language"), languageIds(), FALLBACK_LANGUAGE);
    service.setLanguage(view.session(), negotiated);
    return negotiated;
  }

  /** Every language of the item bank, and the interface languages it lacks (Swahili). */
  private List<String> languageIds() {
    Set<String> ids = new LinkedHashSet<>();
    items.languages().forEach(l -> ids.add(l.id()));
    ids.addAll(messages.languages());
    return List.copyOf(ids);
  }

  private void render(Context ctx, int status, Html html, String nonce, Environment environment) {
    StringOutput output = new StringOutput();
    // As the template engine renders HTML: escaped by OWASP's encoder, with no interceptor.
    html.render(new OwaspHtmlTemplateOutput(output), null);
    ctx.header("Content-Security-Policy", policy(nonce, environment));
    if (!frameAncestors(environment).isEmpty()) {
      // frame-ancestors names who may frame the page; X-Frame-Options could only say DENY.
      ctx.removeHeader(SecurityHeaders.FRAME_OPTIONS);
    }
    ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
  }

  /**
   * Only this server's files, the brand colour in one nonce'd style element, the logo, the games'
   * scripts posting answers here ({@code journey.js}), and forms that post here or, after a
   * redirect, land on the environment's own redirect URLs. Framed only by the environment's frame
   * origins, if it has any (decision 0031).
   */
  static String policy(String nonce, Environment environment) {
    Set<String> formTargets = new LinkedHashSet<>(List.of("'self'"));
    if (environment != null) {
      var s = environment.settings();
      for (String url : new String[] {s.completeUrl(), s.cancelledUrl(), s.expiredUrl()}) {
        origin(url).ifPresent(formTargets::add);
      }
    }
    return "default-src 'none'; style-src 'self'"
        + (nonce == null ? "" : " 'nonce-" + nonce + "'")
        + "; script-src 'self'; connect-src 'self'; img-src 'self' https:; form-action "
        + String.join(" ", formTargets)
        + "; base-uri 'none'; frame-ancestors "
        + (frameAncestors(environment).isEmpty()
            ? "'none'"
            : String.join(" ", frameAncestors(environment)));
  }

  private static List<String> frameAncestors(Environment environment) {
    return environment == null ? List.of() : environment.settings().frameAncestors();
  }

  private static Optional<String> origin(String url) {
    if (url == null) {
      return Optional.empty();
    }
    URI uri = URI.create(url);
    return Optional.of(
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The open session of this request's link; otherwise the page that stands instead. */
  private Optional<Link> opened(Context ctx) {
    HttpEdge.handled(ctx);
    Link link = links.resolve(ctx.pathParam("token"));
    if (link.state() == SessionLinks.State.OPEN) {
      return Optional.of(link);
    }
    if (ctx.method() == io.javalin.http.HandlerType.POST) {
      // An answer that arrives too late: the link itself shows why, and a reload is harmless.
      ctx.redirect("/" + link.token(), HttpStatus.SEE_OTHER);
      return Optional.empty();
    }
    switch (link.state()) {
      case COMPLETED -> endPage(ctx, 200, "finished", link);
      case CANCELLED -> endPage(ctx, 200, "cancelled", link);
      case EXPIRED -> {
        String expiredUrl = link.environment().settings().expiredUrl();
        if (expiredUrl != null) {
          ctx.redirect(expiredUrl, HttpStatus.FOUND);
        } else {
          endPage(ctx, 410, "expired", link);
        }
      }
      default -> endPages.show(ctx, 404, "invalid", null);
    }
    return Optional.empty();
  }

  /** An end page in the language the session was taken in, else the browser's. */
  private void endPage(Context ctx, int status, String kind, Link link) {
    String language =
        service
            .language(link.session())
            .orElseGet(
                () ->
                    Languages.negotiate(
                        ctx.header("Accept-Language"), messages.languages(), FALLBACK_LANGUAGE));
    endPages.show(ctx, status, kind, link.environment(), language, null);
  }

  /**
   * The database down shows a calm page, never a stack trace; a bug is logged and shown as such.
   */
  private void guarded(Context ctx, Runnable handler) {
    try {
      handler.run();
    } catch (RuntimeException e) {
      if (!StoreErrors.isUnavailable(e)) {
        LOG.error("assessment page failed (request {})", ctx.attribute("X-Request-Id"), e);
      }
      endPages.show(ctx, 503, "unavailable", null);
    }
  }

  /**
   * The status an end page of {@code kind} tells the app or page that shows the assessment ({@code
   * credence:finished}, docs/embedding.md); null for the pages that stand instead of a session (a
   * broken link, the database down), which tell nothing.
   */
  private static String ended(String kind) {
    return switch (kind) {
      case "done", "finished" -> "completed";
      case "cancelled", "expired" -> kind;
      default -> null;
    };
  }

  /** Pages that end the journey or stand instead of it, in the applicant's language. */
  private final class EndPages {
    public void show(Context ctx, int status, String kind, Environment environment) {
      show(
          ctx,
          status,
          kind,
          environment,
          Languages.negotiate(
              ctx.header("Accept-Language"), messages.languages(), FALLBACK_LANGUAGE),
          null);
    }

    void show(
        Context ctx,
        int status,
        String kind,
        Environment environment,
        String language,
        String link) {
      String nonce = nonce();
      var settings = environment == null ? null : environment.settings();
      PageModel page =
          new PageModel(
              null,
              language,
              List.of(),
              messages,
              nonce,
              settings == null ? null : settings.brandPrimaryColor(),
              settings == null ? null : settings.brandLogoUrl(),
              environment == null ? null : deployments.companyName(environment.companyId()),
              0,
              0,
              0,
              null,
              null);
      String title = page.t(kind + ".title");
      String text = page.t(kind + ".text");
      // How to reach the lender, when it set a way: the applicant's next step after any ending.
      String contact =
          settings == null || settings.lenderContact() == null || !page.hasLender()
              ? null
              : page.t("end.contact", page.lender(), settings.lenderContact());
      String ended = environment == null ? null : ended(kind);
      String origins = String.join(" ", frameAncestors(environment));
      render(
          ctx,
          status,
          (out, interceptor) ->
              JteendGenerated.render(
                  out, interceptor, page, title, text, contact, link, ended, origins),
          nonce,
          environment);
    }
  }
}
