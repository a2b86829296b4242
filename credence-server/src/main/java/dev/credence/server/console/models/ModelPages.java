package dev.credence.server.console.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.audit.Actor;
import dev.credence.server.calibration.ModelFitting;
import dev.credence.server.calibration.ModelOperatorApi;
import dev.credence.server.console.web.Charts;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.ConsolePage;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.console.web.ConsoleWeb;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.scoring.Glossary;
import dev.credence.server.scoring.TrustIndicators.Confidence;
import gg.jte.generated.precompiled.console.models.JtemodelsGenerated;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The credit model of one environment: the active model with its fit report (statistics,
 * coefficients, calibration and band charts) and stability, every model in the registry, and for
 * Admins activation (and so rollback) and a new fit. It drives the registry through the same
 * methods as the operator API ({@link ModelOperatorApi}), as the signed-in user.
 */
public final class ModelPages {
  private static final String PATH = ConsoleWeb.PREFIX + "/models";

  private final ModelOperatorApi models;
  private final CompanyEnvironments environments;
  private final ConsoleWeb web;

  public ModelPages(ModelOperatorApi models, CompanyEnvironments environments, ConsoleWeb web) {
    this.models = models;
    this.environments = environments;
    this.web = web;
  }

  public void routes(RoutesConfig routes) {
    routes.get(PATH, this::show);
    routes.post(PATH + "/activate", this::activate);
    routes.post(PATH + "/fit", this::fit);
  }

  /** A model of the registry as the page lists it. */
  public record Model(
      String version,
      String status,
      boolean calibrated,
      boolean settings,
      String modelVersion,
      Instant createdAt,
      String createdBy,
      Instant activatedAt,
      String activatedBy) {
    public boolean active() {
      return status.equals("active");
    }

    public boolean draft() {
      return status.equals("draft");
    }

    public boolean retired() {
      return status.equals("retired");
    }
  }

  /** One statistic for the fitted and the held-out applicants. */
  public record Statistic(String name, String fit, String holdout) {}

  /** A coefficient: its key, plain name (or the key), estimate and standard error. */
  public record Coefficient(String key, String name, String estimate, String standardError) {}

  /** The stability section: PSI and label when computed, else why not. */
  public record Stability(String status, String psi, String label, String detail, int windowDays) {
    public boolean computed() {
      return status.equals("computed");
    }
  }

  /**
   * One domain's reliability on one form: Cronbach's alpha with its 95 % interval and the standard
   * error of measurement, or why there are no numbers.
   */
  public record ReliabilityRow(
      String form,
      String domain,
      int n,
      int k,
      String alpha,
      String interval,
      String sem,
      String detail) {}

  /** The fit report shown: statistics, coefficients and the held-out charts. */
  public record Report(
      String version,
      int labelled,
      int excluded,
      String bad,
      String minConfidence,
      List<Statistic> statistics,
      List<Coefficient> coefficients,
      Charts.Calibration calibration,
      Charts.BandBars bands) {}

  private void show(Context ctx) {
    ConsoleUser user = ConsoleWeb.user(ctx);
    String integrationId = ctx.queryParam("integration");
    List<CompanyEnvironments.Choice> choices = choices(user);
    if (integrationId == null || integrationId.isEmpty()) {
      render(ctx, 200, choices.isEmpty() ? null : choices.get(0), null, null, null);
      return;
    }
    render(ctx, 200, environments.choice(user, integrationId), null, null, null);
  }

  private void activate(Context ctx) {
    ConsoleUser user = ConsoleWeb.user(ctx);
    user.requireAdmin();
    Environment environment = environments.find(user, ctx.formParam("integration"));
    CompanyEnvironments.Choice choice = environments.choice(user, environment.integrationId());
    String version = ctx.formParam("version");
    try {
      models.activate(environment, version == null ? "" : version, Actor.of(user));
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.NOT_FOUND || !e.code().equals("model_not_found")) {
        throw e;
      }
      render(ctx, 404, choice, null, null, e.detail());
      return;
    }
    render(ctx, 200, choice, null, version + " is now the active model.", null);
  }

  private void fit(Context ctx) {
    ConsoleUser user = ConsoleWeb.user(ctx);
    user.requireAdmin();
    Environment environment = environments.find(user, ctx.formParam("integration"));
    CompanyEnvironments.Choice choice = environments.choice(user, environment.integrationId());
    JsonNode fitted;
    try {
      fitted = models.fit(environment, options(ctx), Actor.of(user));
    } catch (Refusal e) {
      if (e.kind() != Refusal.Kind.INVALID) {
        throw e;
      }
      render(ctx, 422, choice, null, null, e.detail());
      return;
    }
    String version = fitted.get("version").asText();
    render(
        ctx,
        200,
        choice,
        fitted,
        "Fitted the draft "
            + version
            + ". Read its report below, then activate it if it is better.",
        null);
  }

  /** The form's options; 422 for outcomes or a confidence the registry does not know. */
  private static ModelFitting.Options options(Context ctx) {
    Set<String> bad = new LinkedHashSet<>(ctx.formParams("bad"));
    String confidence = ctx.formParam("min_confidence");
    if (confidence == null || !Set.of("HIGH", "MEDIUM", "LOW").contains(confidence)) {
      throw Refusal.invalid(
          "invalid_request", "Choose the lowest score confidence: HIGH, MEDIUM or LOW.");
    }
    try {
      return new ModelFitting.Options(bad, Confidence.valueOf(confidence));
    } catch (IllegalArgumentException e) {
      throw Refusal.invalid("invalid_request", e.getMessage() + ".");
    }
  }

  /** Production environments first, then Test ones, each in the company's order. */
  private List<CompanyEnvironments.Choice> choices(ConsoleUser user) {
    List<CompanyEnvironments.Choice> all = environments.list(user.companyId());
    List<CompanyEnvironments.Choice> ordered = new ArrayList<>();
    all.stream().filter(c -> !c.test()).forEach(ordered::add);
    all.stream().filter(CompanyEnvironments.Choice::test).forEach(ordered::add);
    return ordered;
  }

  /**
   * The page for {@code choice} (null: the company has no environment). {@code shown} is a model
   * with its report to show instead of the active one's (a draft just fitted), else null.
   */
  private void render(
      Context ctx,
      int status,
      CompanyEnvironments.Choice choice,
      JsonNode shown,
      String notice,
      String error) {
    ConsoleUser user = ConsoleWeb.user(ctx);
    List<CompanyEnvironments.Choice> choices = choices(user);
    Registry registry = choice == null ? Registry.NONE : registry(user, choice, shown);
    ConsolePage page = web.page(ctx, "Model", "models");
    web.render(
        ctx,
        status,
        out ->
            JtemodelsGenerated.render(
                out,
                null,
                page,
                choices,
                choice,
                notice,
                error,
                ModelFitting.OUTCOME_ORDER.subList(1, ModelFitting.OUTCOME_ORDER.size()),
                ModelFitting.Options.DEFAULT.bad(),
                List.of("HIGH", "MEDIUM", "LOW"),
                ModelFitting.Options.DEFAULT.minConfidence().name(),
                ModelFitting.MIN_LABELLED,
                ModelFitting.MIN_BADS,
                registry.active(),
                registry.models(),
                registry.report(),
                shown != null,
                registry.stability(),
                registry.reliability()));
  }

  /** What the page shows of one environment's registry; nothing when there is no environment. */
  private record Registry(
      Model active,
      List<Model> models,
      Report report,
      Stability stability,
      List<ReliabilityRow> reliability) {
    static final Registry NONE = new Registry(null, List.of(), null, null, List.of());
  }

  private Registry registry(ConsoleUser user, CompanyEnvironments.Choice choice, JsonNode shown) {
    Environment environment = environments.find(user, choice.integrationId());
    JsonNode current = models.report(environment);
    Model active = model(current);
    List<Model> list = new ArrayList<>();
    for (JsonNode row : models.list(environment).withArray("models")) {
      list.add(model(row));
    }
    JsonNode withReport = shown != null ? shown : current;
    return new Registry(
        active,
        list,
        report(withReport.get("version").asText(), withReport.get("report")),
        stability(current.get("stability")),
        reliability(current.get("reliability")));
  }

  /** A domain's plain name ("C": Conscientiousness); the letter itself for any other. */
  private static String domainName(String letter) {
    Glossary.Term term = Glossary.standard().term("domain." + letter);
    return term.known() ? term.name() : letter;
  }

  private static List<ReliabilityRow> reliability(JsonNode section) {
    List<ReliabilityRow> rows = new ArrayList<>();
    if (section == null) {
      return rows;
    }
    for (JsonNode form : section.withArray("forms")) {
      for (JsonNode d : form.withArray("domains")) {
        boolean computed = d.get("alpha").isNumber();
        rows.add(
            new ReliabilityRow(
                form.get("form").asText(),
                domainName(d.get("domain").asText()),
                d.get("n").asInt(),
                d.get("k").asInt(),
                computed ? String.format(Locale.ROOT, "%.2f", d.get("alpha").asDouble()) : "",
                computed
                    ? String.format(
                        Locale.ROOT,
                        "%.2f to %.2f",
                        d.get("alpha_low").asDouble(),
                        d.get("alpha_high").asDouble())
                    : "",
                computed ? String.format(Locale.ROOT, "%.1f", d.get("sem").asDouble()) : "",
                computed ? null : d.path("detail").asText(d.get("status").asText())));
      }
    }
    return rows;
  }

  private static Model model(JsonNode json) {
    return new Model(
        json.get("version").asText(),
        json.get("status").asText(),
        json.get("calibrated").asBoolean(),
        json.get("source").asText().equals("settings"),
        json.at("/model/version").asText(),
        instant(json.get("created_at")),
        text(json.get("created_by")),
        instant(json.get("activated_at")),
        text(json.get("activated_by")));
  }

  private static Report report(String version, JsonNode json) {
    if (json == null || json.isNull()) {
      return null;
    }
    JsonNode fit = json.get("fit");
    JsonNode holdout = json.get("holdout");
    List<Statistic> statistics =
        List.of(
            new Statistic("Applicants", integer(fit, "n"), integer(holdout, "n")),
            new Statistic("Bads", integer(fit, "bads"), integer(holdout, "bads")),
            new Statistic("AUC", decimal(fit, "auc"), decimal(holdout, "auc")),
            new Statistic("Gini", decimal(fit, "gini"), decimal(holdout, "gini")),
            new Statistic("KS", decimal(fit, "ks"), decimal(holdout, "ks")),
            new Statistic("Brier score", decimal(fit, "brier"), decimal(holdout, "brier")));
    List<Coefficient> coefficients = new ArrayList<>();
    coefficients.add(coefficient(json.get("intercept")));
    json.get("coefficients").forEach(c -> coefficients.add(coefficient(c)));
    List<Charts.Decile> deciles = new ArrayList<>();
    holdout
        .get("calibration")
        .forEach(
            d ->
                deciles.add(
                    new Charts.Decile(
                        d.get("decile").asInt(),
                        d.get("n").asInt(),
                        d.get("bads").asInt(),
                        d.get("mean_predicted").asDouble(),
                        d.get("observed_bad_rate").asDouble())));
    List<Charts.Band> bands = new ArrayList<>();
    holdout
        .get("bands")
        .forEach(
            b ->
                bands.add(
                    new Charts.Band(
                        b.get("band").asText(),
                        b.get("n").asInt(),
                        b.get("bads").asInt(),
                        b.get("bad_rate").asDouble())));
    List<String> bad = new ArrayList<>();
    json.at("/options/bad").forEach(b -> bad.add(b.asText()));
    return new Report(
        version,
        json.get("labelled").asInt(),
        json.get("excluded").asInt(),
        String.join(", ", bad),
        json.at("/options/min_confidence").asText(),
        statistics,
        coefficients,
        Charts.calibration(deciles),
        Charts.bandRates(bands));
  }

  private static Coefficient coefficient(JsonNode json) {
    String key = json.get("feature").asText();
    return new Coefficient(
        key,
        key.equals("intercept") ? "Intercept" : Glossary.standard().name(key),
        String.format(Locale.ROOT, "%.3f", json.get("estimate").asDouble()),
        String.format(Locale.ROOT, "%.3f", json.get("standard_error").asDouble()));
  }

  private static Stability stability(JsonNode json) {
    String status = json.get("status").asText();
    return new Stability(
        status,
        json.has("psi") ? String.format(Locale.ROOT, "%.3f", json.get("psi").asDouble()) : null,
        text(json.get("label")),
        text(json.get("detail")),
        json.get("window_days").asInt());
  }

  private static String integer(JsonNode part, String field) {
    return String.format(Locale.ROOT, "%,d", part.get(field).asInt());
  }

  private static String decimal(JsonNode part, String field) {
    return String.format(Locale.ROOT, "%.3f", part.get(field).asDouble());
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }
}
