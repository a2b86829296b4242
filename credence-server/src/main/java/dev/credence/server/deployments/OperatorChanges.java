package dev.credence.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.server.audit.Actor;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.audit.Change;
import dev.credence.server.deployments.DeploymentService.CreatedDeployment;
import dev.credence.server.deployments.DeploymentStore.Company;
import dev.credence.server.deployments.DeploymentStore.Deployment;

/**
 * The operator's changes to companies, deployments and environments, for the operator API and the
 * command line alike: each is made by {@link DeploymentService}, then written to the company's
 * audit log as the {@link Actor#OPERATOR operator's}, with the entry the dashboard writes for the
 * same change ({@link DeploymentAudit}). As in the dashboard, the entry follows the change in its
 * own statement.
 */
public final class OperatorChanges {
  private final DeploymentService deployments;
  private final AuditLog audit;

  public OperatorChanges(DeploymentService deployments, AuditLog audit) {
    this.deployments = deployments;
    this.audit = audit;
  }

  public Company createCompany(String name) {
    Company company = deployments.createCompany(name);
    audit.record(company.id(), Actor.OPERATOR, DeploymentAudit.companyCreated(company));
    return company;
  }

  public CreatedDeployment createDeployment(String companyId, String name) {
    CreatedDeployment created = deployments.createDeployment(companyId, name);
    audit.record(companyId, Actor.OPERATOR, DeploymentAudit.deploymentCreated(created));
    return created;
  }

  /** A merge patch of settings; a patch that changes no value writes no entry. */
  public Environment patchSettings(String integrationId, JsonNode patch) {
    Environment before = deployments.getIntegration(integrationId);
    Environment after = deployments.patchSettings(integrationId, patch);
    DeploymentAudit.settingsChanged(deploymentOf(after), before, after)
        .ifPresent(change -> record(after, change));
    return after;
  }

  /** A new API key, returned to the caller only: the entry holds when it was issued. */
  public DeploymentService.RotatedKey rotateKey(String integrationId, KeyOverlap overlap) {
    Environment before = deployments.getIntegration(integrationId);
    DeploymentService.RotatedKey rotated = deployments.rotateKey(integrationId, overlap);
    Environment after = deployments.getIntegration(integrationId);
    record(after, DeploymentAudit.keyRotated(deploymentOf(after), before, after));
    return rotated;
  }

  /** Ends a rotation's overlap early: the old key stops now. */
  public Environment endKeyOverlap(String integrationId) {
    Environment before = deployments.getIntegration(integrationId);
    Environment after = deployments.endKeyOverlap(integrationId);
    record(after, DeploymentAudit.keyOverlapEnded(deploymentOf(after), before));
    return after;
  }

  private void record(Environment environment, Change change) {
    audit.record(environment.companyId(), Actor.OPERATOR, change);
  }

  private Deployment deploymentOf(Environment environment) {
    return deployments
        .findDeployment(environment.companyId(), environment.deploymentId())
        .orElseThrow()
        .deployment();
  }
}
