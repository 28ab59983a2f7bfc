package org.wgmesh.endpoint.deploy;

import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.steps.DeploySteps;

/**
 * A deploy planned, rendered and probed, not yet carried out: the key switch prepares its deploy
 * ahead, so that at the switch time only the changes run.
 *
 * @param plan the deploy plan
 * @param steps the steps against the host as probed
 */
record PreparedDeploy(DeployPlan plan, DeploySteps.Plan steps) {}
