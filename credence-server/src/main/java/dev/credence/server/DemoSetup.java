package dev.credence.server;

import dev.credence.server.config.Config;
import dev.credence.server.console.accounts.Accounts;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.DeploymentService.CreatedDeployment;
import java.io.PrintStream;

/**
 * On the first start on the embedded default, a demo company and deployment, so a newcomer can
 * create a session within a minute. Its Test key is printed once, to the console only: it is the
 * one key ever shown outside the operator API, and only for this demo. So is an invitation link for
 * the demo company's dashboard Admin.
 */
final class DemoSetup {
  private DemoSetup() {}

  static final String DEMO_ADMIN = "admin@demo.invalid";

  static void runIfFirstStart(
      Config config, DeploymentService deployments, Accounts accounts, PrintStream out) {
    if (!config.demoOnFirstStart() || deployments.hasAnyCompany()) {
      return;
    }
    var company = deployments.createCompany("Demo company");
    CreatedDeployment demo = deployments.createDeployment(company.id(), "Demo deployment");
    String integrationId = demo.test().integrationId();
    String url = config.publicUrl();
    out.println();
    out.println("  A demo company and deployment were created (first start, embedded database).");
    out.println("  Test integration id: " + integrationId);
    out.println("  Test API key:        " + demo.testKey());
    out.println(
        "  (Shown once. Rotate it with: java -jar credence.jar integrations rotate-key "
            + integrationId
            + ")");
    out.println();
    out.println("  Create a session:");
    out.println("  curl -s -X POST " + url + "/v1/sessions-management/tokens \\");
    out.println("    -H 'api-key: " + demo.testKey() + "' -H 'Content-Type: application/json' \\");
    out.println(
        "    -d '{\"uid\": \"DEMO-00001\", \"integration_id\": \"" + integrationId + "\"}'");
    out.println();
    var invitation = accounts.inviteFirstAdmin(company.id(), DEMO_ADMIN);
    out.println("  Dashboard: open this link within 24 hours to choose the demo Admin's password");
    out.println("  (" + DEMO_ADMIN + "), then sign in at " + url + "/console");
    out.println("  " + invitation.url());
    out.println();
  }
}
