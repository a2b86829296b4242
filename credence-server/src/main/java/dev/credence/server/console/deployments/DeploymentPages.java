package dev.credence.server.console.deployments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.deployments.DeploymentAudit;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.CreatedDeployment;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.DeploymentStore.Deployment;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.EnvironmentKind;
import dev.credence.server.deployments.EnvironmentSettings;
import dev.credence.server.deployments.KeyOverlap;
import dev.credence.server.errors.Refusal;
import dev.credence.server.http.ApiException;
import dev.credence.server.webhooks.WebhookSender;
import dev.credence.server.webhooks.WebhookTestCall;
import gg.jte.generated.precompiled.console.deployments.JtedeploymentGenerated;
import gg.jte.generated.precompiled.console.deployments.JtedeploymentsGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * The deployment centre: the company's deployments, and for each environment its integration id,
 * API key (revealed and rotated by Admins), settings and a test webhook. Viewers see all but the
 * key; every change is an Admin's and goes to the audit log, never with any part of a key.
 */
public final class DeploymentPages {
  private static final String DEPLOYMENTS = ConsoleWeb.PREFIX + "/deployments";

  private final DeploymentService deployments;
  private final WebhookTestCall webhookTest;
  private final AuditLog audit;
  private final ConsoleWeb web;

  public DeploymentPages(
      DeploymentService deployments, WebhookTestCall webhookTest, AuditLog audit, ConsoleWeb web) {
    this.deployments = deployments;
    this.webhookTest = webhookTest;
    this.audit = audit;
    this.web = web;
  }

  /** One environment of one of the signed-in user's company's deployments. */
  record Target(Deployment deployment, Environment environment) {
    String tab() {
      return environment.kind() == EnvironmentKind.TEST ? "test" : "production";
    }

    String path() {
      return DEPLOYMENTS + "/" + deployment.id() + "?env=" + tab();
    }

    String label() {
      return DeploymentAudit.label(deployment, environment);
    }
  }

  public void routes(RoutesConfig routes) {
    routes.get(DEPLOYMENTS, ctx -> list(ctx, 200, "", null));
    routes.post(DEPLOYMENTS, this::create);
    routes.get(DEPLOYMENTS + "/{id}", this::deployment);
    String environment = DEPLOYMENTS + "/{id}/{env}";
    routes.post(environment + "/reveal-key", this::revealKey);
    routes.post(environment + "/rotate-key", this::rotateKey);
    routes.post(environment + "/end-key-overlap", this::endKeyOverlap);
    routes.post(environment + "/settings", this::saveSettings);
    routes.post(environment + "/test-webhook", this::testWebhook);
  }

  private void list(Context ctx, int status, String name, String error) {
    ConsoleUser viewer = ConsoleWeb.user(ctx);
    List<DeploymentWithEnvironments> mine = deployments.listDeployments(viewer.companyId());
    ConsolePage page = web.page(ctx, "Deployments", "deployments");
    web.render(
        ctx, status, out -> JtedeploymentsGenerated.render(out, null, page, mine, name, error));
  }

  private void create(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    String name = ctx.formParam("name");
    CreatedDeployment created;
    try {
      created = deployments.createDeployment(actor.companyId(), name);
    } catch (Refusal e) {
      list(ctx, ApiException.statusOf(e), name == null ? "" : name, e.detail());
      return;
    }
    audit.record(actor, DeploymentAudit.deploymentCreated(created));
    ctx.redirect(DEPLOYMENTS + "/" + created.deployment().id() + "?env=test&done=created");
  }

  private void deployment(Context ctx) {
    String tab = ctx.queryParam("env");
    Target target = target(ctx, tab == null ? "test" : tab);
    String notice = doneNotice(ctx.queryParam("done"));
    show(ctx, 200, target, Extras.NONE.withNotice(notice));
  }

  private void revealKey(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Target target = target(ctx, ctx.pathParam("env"));
    String key = deployments.apiKey(target.environment());
    audit.record(actor, DeploymentAudit.keyRevealed(target.deployment(), target.environment()));
    show(ctx, 200, target, Extras.key(key, "revealed"));
  }

  /**
   * Without a ticked confirmation nothing happens: a form sent by mistake keeps the key. The form
   * chooses how long the old key keeps working ({@code overlap_hours}, 24 preselected); a request
   * without the field gets the operator API's default, none (decision 0027).
   */
  private void rotateKey(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Target target = target(ctx, ctx.pathParam("env"));
    if (!confirmed(
        ctx, target, "The current key stops working at the time chosen", "rotate the key")) {
      return;
    }
    String hours = ctx.formParam("overlap_hours");
    KeyOverlap overlap;
    try {
      overlap = hours == null ? KeyOverlap.NONE : KeyOverlap.parse(hours);
    } catch (Refusal e) {
      show(ctx, 422, target, Extras.error(e.detail() + ". Nothing was changed."));
      return;
    }
    String integrationId = target.environment().integrationId();
    String key = deployments.rotateKey(integrationId, overlap).apiKey();
    Target rotated = new Target(target.deployment(), deployments.getIntegration(integrationId));
    audit.record(
        actor,
        DeploymentAudit.keyRotated(
            target.deployment(), target.environment(), rotated.environment()));
    show(ctx, 200, rotated, Extras.key(key, "rotated"));
  }

  /** Ends a rotation's overlap early, after a ticked confirmation: the old key stops now. */
  private void endKeyOverlap(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Target target = target(ctx, ctx.pathParam("env"));
    if (!confirmed(ctx, target, "The old key stops working at once", "end the overlap")) {
      return;
    }
    try {
      deployments.endKeyOverlap(target.environment().integrationId());
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.CONFLICT) {
        throw e;
      }
      show(
          ctx,
          409,
          target,
          Extras.error("No old key works beside the current one: nothing to end."));
      return;
    }
    audit.record(actor, DeploymentAudit.keyOverlapEnded(target.deployment(), target.environment()));
    ctx.redirect(target.path() + "&done=overlap-ended");
  }

  /**
   * Whether the form's box {@code box} was ticked; if not, the page again with 422, saying to tick
   * it to {@code action}.
   */
  private boolean confirmed(Context ctx, Target target, String box, String action) {
    if (ctx.formParam("confirm") != null) {
      return true;
    }
    show(
        ctx,
        422,
        target,
        Extras.error("Tick \"" + box + "\" to " + action + ". Nothing was changed."));
    return false;
  }

  /** Saves the settings that changed, all or none; each refused field shows its message. */
  private void saveSettings(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Target target = target(ctx, ctx.pathParam("env"));
    EnvironmentSettings current = target.environment().settings();
    SettingsForm form = SettingsForm.read(ctx::formParams, current);
    ObjectNode changes = form.changes(current, patch -> deployments.patched(current, patch));
    if (form.hasErrors()) {
      show(ctx, 422, target, Extras.refused(form, "Nothing was saved. Fix these first:"));
      return;
    }
    if (changes.isEmpty()) {
      ctx.redirect(target.path() + "&done=unchanged");
      return;
    }
    Environment updated;
    try {
      updated = deployments.patchSettings(target.environment().integrationId(), changes);
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.INVALID) {
        throw e;
      }
      show(ctx, 422, target, Extras.refused(form, e.detail()));
      return;
    }
    DeploymentAudit.settingsChanged(target.deployment(), target.environment(), updated)
        .ifPresent(change -> audit.record(actor, change));
    ctx.redirect(target.path() + "&done=settings");
  }

  private void testWebhook(Context ctx) {
    ConsoleUser actor = ConsoleWeb.user(ctx);
    actor.requireAdmin();
    Target target = target(ctx, ctx.pathParam("env"));
    WebhookTestCall.Sent sent;
    try {
      sent = webhookTest.send(target.environment());
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.TOO_MANY) {
        throw e;
      }
      ApiException.of(e).headers().forEach(ctx::header);
      show(ctx, 429, target, Extras.error(e.detail()));
      return;
    }
    if (!sent.urlSet()) {
      show(
          ctx,
          409,
          target,
          Extras.error(
              "No webhook URL is set for this environment: set one under Settings, then send the"
                  + " test."));
      return;
    }
    WebhookSender.Answer answer = sent.answer();
    Map<String, Object> after = DeploymentAudit.facts(target.deployment(), target.environment());
    after.put("receiver", WebhookSender.host(sent.url()));
    after.put("status", answer.statusCode());
    if (answer.error() != null) {
      after.put("error", answer.error());
    }
    audit.record(actor, "webhook.test_sent", target.label(), null, after);
    show(ctx, 200, target, Extras.webhook(sent));
  }

  // --- the page ---------------------------------------------------------------------------------

  /** The environment the URL names, in the user's company; anything else is 404, like unknown. */
  private Target target(Context ctx, String tab) {
    ConsoleUser user = ConsoleWeb.user(ctx);
    EnvironmentKind kind =
        switch (tab) {
          case "test" -> EnvironmentKind.TEST;
          case "production" -> EnvironmentKind.PRODUCTION;
          default -> throw notFound();
        };
    var found =
        deployments
            .findDeployment(user.companyId(), ctx.pathParam("id"))
            .orElseThrow(this::notFound);
    return new Target(found.deployment(), found.environment(kind).orElseThrow(this::notFound));
  }

  private Refusal notFound() {
    return Refusal.notFound("deployment_not_found", "There is no such deployment.");
  }

  /**
   * What the environment's page shows besides the environment: the form as sent when it was refused
   * (else null: the stored settings), a key just revealed or rotated, a test webhook's answer, an
   * error or a notice.
   */
  private record Extras(
      SettingsForm form,
      String key,
      String keyNote,
      WebhookTestCall.Sent webhook,
      String error,
      String notice) {
    static final Extras NONE = new Extras(null, null, null, null, null, null);

    static Extras key(String key, String note) {
      return new Extras(null, key, note, null, null, null);
    }

    static Extras webhook(WebhookTestCall.Sent sent) {
      return new Extras(null, null, null, sent, null, null);
    }

    static Extras error(String error) {
      return new Extras(null, null, null, null, error, null);
    }

    static Extras refused(SettingsForm form, String error) {
      return new Extras(form, null, null, null, error, null);
    }

    Extras withNotice(String notice) {
      return new Extras(form, key, keyNote, webhook, error, notice);
    }
  }

  private void show(Context ctx, int status, Target target, Extras extras) {
    SettingsForm form =
        extras.form() != null ? extras.form() : SettingsForm.of(target.environment().settings());
    if (extras.key() != null) {
      ctx.header("Cache-Control", "no-store");
    }
    ConsolePage page = web.page(ctx, target.deployment().name(), "deployments");
    web.render(
        ctx,
        status,
        out ->
            JtedeploymentGenerated.render(
                out,
                null,
                page,
                target.deployment(),
                target.environment(),
                target.tab(),
                form,
                extras.key(),
                extras.keyNote(),
                extras.webhook(),
                extras.error(),
                extras.notice()));
  }

  private static String doneNotice(String done) {
    if (done == null) {
      return null;
    }
    return switch (done) {
      case "created" ->
          "Deployment created, with a Test and a Production environment. Reveal each API key"
              + " below to hand it to your servers.";
      case "settings" -> "Settings saved. They apply from the next request.";
      case "unchanged" -> "Nothing to save: every setting already had that value.";
      case "overlap-ended" -> "The old API key stopped working just now.";
      default -> null;
    };
  }
}
