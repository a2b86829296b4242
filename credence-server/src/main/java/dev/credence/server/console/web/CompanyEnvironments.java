package dev.credence.server.console.web;

import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.DeploymentWithEnvironments;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.EnvironmentKind;
import dev.credence.server.errors.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * The environments of the signed-in user's company, as the dashboard's forms offer them. The lookup
 * by integration id answers another company's id exactly as an unknown one.
 */
public final class CompanyEnvironments {
  private final DeploymentService deployments;

  public CompanyEnvironments(DeploymentService deployments) {
    this.deployments = deployments;
  }

  /**
   * One environment of one deployment, named as the dashboard shows it: "Loans · Test"; {@code
   * maxOpenSessions} is its cap on open sessions, null for none.
   */
  public record Choice(
      String integrationId, String deploymentName, EnvironmentKind kind, Integer maxOpenSessions) {
    public String label() {
      return deploymentName + " · " + kindLabel();
    }

    /** The label with the environment's cap on open sessions, where it has one. */
    public String labelWithLimit() {
      return maxOpenSessions == null
          ? label()
          : label() + " (at most " + maxOpenSessions + " open)";
    }

    public String kindLabel() {
      return kind == EnvironmentKind.TEST ? "Test" : "Production";
    }

    public boolean test() {
      return kind == EnvironmentKind.TEST;
    }
  }

  /** Every environment of the company, deployment by deployment, Test before Production. */
  public List<Choice> list(String companyId) {
    List<Choice> choices = new ArrayList<>();
    for (DeploymentWithEnvironments entry : deployments.listDeployments(companyId)) {
      for (EnvironmentKind kind : List.of(EnvironmentKind.TEST, EnvironmentKind.PRODUCTION)) {
        for (Environment environment : entry.environments()) {
          if (environment.kind() == kind) {
            choices.add(
                new Choice(
                    environment.integrationId(),
                    entry.deployment().name(),
                    kind,
                    environment.settings().maxOpenSessions()));
          }
        }
      }
    }
    return choices;
  }

  /**
   * The environment a form shows chosen: {@code chosen} when the user chose one, else the first
   * Production environment (what uploads and link batches are usually for; Test is one click away),
   * else the first of all; null when there is none.
   */
  public static String preferred(List<Choice> choices, String chosen) {
    if (chosen != null && !chosen.isEmpty()) {
      return chosen;
    }
    Choice first = firstProduction(choices);
    return first == null ? null : first.integrationId();
  }

  /**
   * The environment a page of one environment shows: the one asked for ({@code integrationId}, 404
   * if it is not the company's), else the first Production one of {@code choices}, else the first;
   * null when the company has none.
   */
  public Choice chosen(ConsoleUser user, List<Choice> choices, String integrationId) {
    if (integrationId != null) {
      return choice(user, integrationId);
    }
    return firstProduction(choices);
  }

  private static Choice firstProduction(List<Choice> choices) {
    return choices.stream()
        .filter(c -> !c.test())
        .findFirst()
        .orElse(choices.isEmpty() ? null : choices.get(0));
  }

  /** The user's company's environment with this integration id; 404 for any other. */
  public Environment find(ConsoleUser user, String integrationId) {
    return deployments
        .findIntegration(integrationId == null ? "" : integrationId)
        .filter(e -> e.companyId().equals(user.companyId()))
        .orElseThrow(CompanyEnvironments::unknown);
  }

  /** The choice of this company's environment with this integration id; 404 for any other. */
  public Choice choice(ConsoleUser user, String integrationId) {
    return list(user.companyId()).stream()
        .filter(c -> c.integrationId().equals(integrationId))
        .findFirst()
        .orElseThrow(CompanyEnvironments::unknown);
  }

  private static Refusal unknown() {
    return Refusal.notFound(
        "environment_not_found", "There is no such environment in your company's deployments.");
  }
}
